// The value-flow graph of one file, built during the single AST walk and queried afterwards.
//
// Nodes are small integers: variables (one per binding, merged by union-find when a reference
// resolves late because of hoisting), function returns and parameters, object property names
// (field-based: one node per name per file), call results and seeded facts. An edge a→b means
// "the value at a may become part of the value at b". Weak edges carry a whole object into one of
// its properties' reads (`obj.x` may carry anything `obj` carries); they keep taint from being lost
// through library objects, but evidence chains prefer strong edges.
//
// After the walk, `freeze()` builds compressed adjacency (CSR) in both directions, then taint
// classes are propagated as 32-bit masks in one worklist pass per batch of new seeds.

export type Val = readonly number[];

export interface TraceOptions {
  /** Most nodes settled before giving up. */
  limit?: number;
  /** Stop after this many targets. */
  maxTargets?: number;
  /** Exact remaining distance to the nearest target per node (from `distances` / `distancesBack`). */
  guide?: Int32Array;
  /** Paths costlier than this are not followed. */
  bound?: number;
  /**
   * Backward traces: at a node with a strong edge from a node that holds something, follow no weak edge. A property
   * read whose property the file writes (`LINKS.api`, `info.VERSION`) is what that property holds, not everything
   * else of its object too; a read of a property the file never writes (`c.endpoint` of an object passed in) still
   * takes its object's.
   */
  preferStrong?: boolean;
}
export const NONE: Val = Object.freeze([]) as Val;

/** How many node ids a value may list before it is folded into a fresh merge node. */
const MAX_VAL = 12;
/** How far (in edges) taint travels from its seed by default. */
export const DEFAULT_BUDGET = 48;
/** A property read through its whole object counts as this many steps. */
const WEAK_COST = 6;
/** Out-degree above which a node is a hub that does not pass taint on. */
const HUB_DEGREE = 64;
/** Distance of a node no search has reached (above every budget). */
const UNREACHED = 0x7fffffff;
/** Room made up front: source characters per node (a 13 MB bundle makes one per 14) and edges per node (it makes 1.6). */
const CHARS_PER_NODE = 12;
const EDGES_PER_NODE = 2;
const MIN_CAPACITY = 1 << 10;
/** At most this much room up front (2M nodes and 4M edges, 52 MB): a file larger than a 25 MB bundle, or one that is mostly a blanked
 * huge list or one long string, grows its arrays as it goes instead of reserving memory for nodes it may never make. */
const MAX_INITIAL_CAPACITY = 1 << 21;

/** The node room to make for a file of `chars` characters (the arrays still grow if it is short). */
export function capacityFor(chars: number): number {
  return Math.min(MAX_INITIAL_CAPACITY, Math.max(MIN_CAPACITY, Math.ceil(chars / CHARS_PER_NODE)));
}

export class FlowGraph {
  /**
   * @param controlBits taint bits that travel along control edges (decisions), as opposed to values.
   * @param expectedNodes room made up front (`capacityFor`); the arrays double when it runs out.
   */
  constructor(
    private readonly controlBits = 0,
    expectedNodes = 1 << 16,
  ) {
    const nodes = Math.max(MIN_CAPACITY, expectedNodes);
    this.parent = new Int32Array(nodes);
    this.origins = new Int32Array(nodes);
    this.edgeFrom = new Int32Array(nodes * EDGES_PER_NODE);
    this.edgeTo = new Int32Array(nodes * EDGES_PER_NODE);
    this.edgeKind = new Uint8Array(nodes * EDGES_PER_NODE);
  }

  // Growable typed arrays: a 13 MB bundle makes about a million nodes and several million edges, and
  // plain arrays of that size cost far more in copying and garbage collection.
  private parent: Int32Array;
  /** Source offset that made each node (-1: none), for evidence that shows every step of a path. */
  private origins: Int32Array;
  private nodeCount = 0;
  private edgeFrom: Int32Array;
  private edgeTo: Int32Array;
  /** 0 strong, 1 weak (object → property read), 2 control (branch test → what the branch assigns). */
  private edgeKind: Uint8Array;
  private edgeTotal = 0;

  // Built by freeze().
  private outStart: Int32Array = new Int32Array(0);
  private outEdges: Int32Array = new Int32Array(0);
  private outKind: Uint8Array = new Uint8Array(0);
  private inStart: Int32Array = new Int32Array(0);
  private inEdges: Int32Array = new Int32Array(0);
  private inKind: Uint8Array = new Uint8Array(0);
  mask: Int32Array = new Int32Array(0);
  /** Distances of the propagation under way; UNREACHED everywhere between propagations. */
  private scratch: Int32Array = new Int32Array(0);
  // Reused by every search and trace of this graph (a bundle's correlation runs hundreds; fresh lists and maps
  // for each were a tenth of the whole audit's allocation): bucket lists emptied before use, the nodes a
  // propagation reached, and a trace's costs and predecessors (-1: not reached) with the nodes it touched.
  private readonly buckets = new Buckets();
  /** The nodes the propagation under way has reached (each once), the first `reachedCount` entries. */
  private reached: Int32Array = new Int32Array(0);
  private reachedCount = 0;
  private traceCost: Int32Array = new Int32Array(0);
  private tracePrev: Int32Array = new Int32Array(0);
  private readonly traceTouched: number[] = [];
  private frozen = false;

  get size(): number {
    return this.nodeCount;
  }

  get edgeCount(): number {
    return this.edgeTotal;
  }

  /** A new node; `origin` is the source offset of the code that made it (-1 when none). */
  node(origin = -1): number {
    const id = this.nodeCount++;
    if (id === this.parent.length) {
      this.parent = grow(this.parent);
      this.origins = grow(this.origins);
    }
    this.parent[id] = id;
    this.origins[id] = origin;
    return id;
  }

  /** The source offset of the code that made `n` (or the node it was merged with), -1 when unknown. */
  origin(n: number): number {
    const o = this.origins[n]!;
    return o >= 0 ? o : this.origins[this.find(n)]!;
  }

  private pushEdge(from: number, to: number, kind: number): void {
    const i = this.edgeTotal++;
    if (i === this.edgeFrom.length) {
      this.edgeFrom = grow(this.edgeFrom);
      this.edgeTo = grow(this.edgeTo);
      this.edgeKind = grow(this.edgeKind);
    }
    this.edgeFrom[i] = from;
    this.edgeTo[i] = to;
    this.edgeKind[i] = kind;
  }

  /** A one-element value. Not cached: short-lived arrays die young, a cache would keep a million alive. */
  one(n: number): Val {
    return [n];
  }

  find(n: number): number {
    const p = this.parent;
    let r = n;
    while (p[r] !== r) r = p[r]!;
    while (p[n] !== r) {
      const next = p[n]!;
      p[n] = r;
      n = next;
    }
    return r;
  }

  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[rb] = ra;
  }

  edge(from: number, to: number, weak = false): void {
    if (from !== to) this.pushEdge(from, to, weak ? 1 : 0);
  }

  /** `to` is decided by the branch test `from` (implicit flow): carries only the control bits. */
  controlEdge(from: number, to: number): void {
    if (from !== to) this.pushEdge(from, to, 2);
  }

  flowInto(v: Val, to: number, weak = false): void {
    for (let i = 0; i < v.length; i++) this.edge(v[i]!, to, weak);
  }

  /** Union of two values, folded into a merge node when it grows too long. */
  join(a: Val, b: Val): Val {
    if (a.length === 0) return b;
    if (b.length === 0) return a;
    if (a === b) return a;
    const out = a.slice();
    for (let i = 0; i < b.length; i++) if (!out.includes(b[i]!)) out.push(b[i]!);
    return out.length > MAX_VAL ? this.fold(out) : out;
  }

  /** Union of several values (call arguments, say), starting from `first`. */
  joinAll(values: readonly Val[], first: Val = NONE): Val {
    let v = first;
    for (const x of values) v = this.join(v, x);
    return v;
  }

  /** A single node standing for the whole value (creates one only when needed). */
  fold(v: Val, origin = -1): Val {
    if (v.length <= 1) return v;
    const m = this.node(origin);
    this.flowInto(v, m);
    return this.one(m);
  }

  /** Builds CSR adjacency; nodes merged by union-find share their representative's adjacency. */
  freeze(): void {
    const n = this.nodeCount;
    const m = this.edgeTotal;
    // Each node's representative once, rather than two union-find walks per edge in each of two passes.
    const rep = new Int32Array(n);
    for (let i = 0; i < n; i++) rep[i] = this.find(i);
    const edgeFrom = this.edgeFrom;
    const edgeTo = this.edgeTo;
    const outCount = new Int32Array(n + 1);
    const inCount = new Int32Array(n + 1);
    for (let i = 0; i < m; i++) {
      outCount[rep[edgeFrom[i]!]! + 1]!++;
      inCount[rep[edgeTo[i]!]! + 1]!++;
    }
    for (let i = 0; i < n; i++) {
      outCount[i + 1]! += outCount[i]!;
      inCount[i + 1]! += inCount[i]!;
    }
    const outEdges = new Int32Array(m);
    const inEdges = new Int32Array(m);
    const outKind = new Uint8Array(m);
    const inKind = new Uint8Array(m);
    const outPos = outCount.slice(0, n);
    const inPos = inCount.slice(0, n);
    for (let i = 0; i < m; i++) {
      const f = rep[edgeFrom[i]!]!;
      const t = rep[edgeTo[i]!]!;
      const w = this.edgeKind[i]!;
      const o = outPos[f]!++;
      outEdges[o] = t;
      outKind[o] = w;
      const k = inPos[t]!++;
      inEdges[k] = f;
      inKind[k] = w;
    }
    this.outStart = outCount;
    this.outEdges = outEdges;
    this.outKind = outKind;
    this.inStart = inCount;
    this.inEdges = inEdges;
    this.inKind = inKind;
    this.mask = new Int32Array(n);
    this.edgeFrom = new Int32Array(0);
    this.edgeTo = new Int32Array(0);
    this.edgeKind = new Uint8Array(0);
    this.frozen = true;
  }

  /**
   * Adds `bits` at each seed and pushes them forward, at most `budget` steps away. A strong edge
   * costs 1, a weak one WEAK_COST, a control edge 1 (and only for the control bits). Nodes with
   * more than HUB_DEGREE outgoing edges (shared property names, globals) receive taint but do not
   * pass it on: through them everything would reach everything, which says nothing.
   */
  propagate(seeds: Iterable<number>, bits: number, budget = DEFAULT_BUDGET): void {
    // Only the nodes reached are touched: a propagation over a small region costs that region, not the graph.
    const n = this.mask.length;
    if (this.scratch.length !== n) this.scratch = new Int32Array(n).fill(UNREACHED);
    const dist = this.scratch;
    if (this.reached.length !== n) this.reached = new Int32Array(n);
    this.reachedCount = 0;
    this.search(seeds, budget, (bits & this.controlBits) !== 0, dist, true);
    const mask = this.mask;
    const reached = this.reached;
    for (let i = 0; i < this.reachedCount; i++) {
      const v = reached[i]!;
      mask[v] = mask[v]! | bits;
      dist[v] = UNREACHED;
    }
  }

  /**
   * Shortest distance (in edge costs) from any seed to every node, up to `budget`; nodes further
   * away hold budget + 1. The returned array is a fresh copy.
   */
  distances(seeds: Iterable<number>, budget = DEFAULT_BUDGET, followControl = false): Int32Array {
    const dist = new Int32Array(this.mask.length).fill(budget + 1);
    this.search(seeds, budget, followControl, dist, false);
    return dist;
  }

  /**
   * Dial's algorithm from the seeds over out-edges, writing distances ≤ `budget` into `dist` (whose other
   * entries must be above `budget`); with `record`, every node given a distance is listed once in `reached`.
   */
  private search(seeds: Iterable<number>, budget: number, followControl: boolean, dist: Int32Array, record: boolean): void {
    if (!this.frozen) throw new Error('distances before freeze');
    const buckets = this.buckets;
    buckets.clear(budget + 1);
    const reached = this.reached;
    for (const s of seeds) {
      const r = this.find(s);
      if (dist[r]! > 0) {
        if (record && dist[r]! > budget) reached[this.reachedCount++] = r;
        dist[r] = 0;
        buckets.push(0, r);
      }
    }
    const outStart = this.outStart;
    const outEdges = this.outEdges;
    const outKind = this.outKind;
    for (let d = 0; d <= budget; d++) {
      const bucket = buckets.list(d);
      const size = buckets.size(d);
      for (let i = 0; i < size; i++) {
        const u = bucket[i]!;
        if (dist[u] !== d) continue;
        const first = outStart[u]!;
        const last = outStart[u + 1]!;
        if (d > 0 && last - first > HUB_DEGREE) continue;
        for (let e = first; e < last; e++) {
          const k = outKind[e]!;
          if (k === 2 && !followControl) continue;
          const nd = d + (k === 1 ? WEAK_COST : 1);
          const v = outEdges[e]!;
          if (nd <= budget && nd < dist[v]!) {
            if (record && dist[v]! > budget) reached[this.reachedCount++] = v;
            dist[v] = nd;
            buckets.push(nd, v);
          }
        }
      }
    }
  }

  /** Like `distances`, but walking edges backwards: how far each node is from reaching a seed. */
  distancesBack(seeds: Iterable<number>, budget = DEFAULT_BUDGET, followControl = false): Int32Array {
    const saved = [this.outStart, this.outEdges, this.outKind] as const;
    this.outStart = this.inStart;
    this.outEdges = this.inEdges;
    this.outKind = this.inKind;
    try {
      return this.distances(seeds, budget, followControl);
    } finally {
      [this.outStart, this.outEdges, this.outKind] = saved;
    }
  }

  /** The nodes with an edge into `n` (after freeze): what a sink's value was made of. */
  predecessors(n: number): number[] {
    const r = this.find(n);
    return Array.from(this.inEdges.subarray(this.inStart[r]!, this.inStart[r + 1]!));
  }

  distOf(dist: Int32Array, v: Val): number {
    let best = Number.MAX_SAFE_INTEGER;
    for (const x of v) best = Math.min(best, dist[this.find(x)]!);
    return best;
  }


  /** True when `v` depends on `u` only through a decision (every edge u → v is a control edge). */
  controlOnly(u: number, v: number): boolean {
    const a = this.find(u);
    const b = this.find(v);
    let control = false;
    for (let e = this.outStart[a]!, end = this.outStart[a + 1]!; e < end; e++) {
      if (this.outEdges[e] !== b) continue;
      if (this.outKind[e] !== 2) return false;
      control = true;
    }
    return control;
  }

  maskOf(v: Val): number {
    let m = 0;
    for (let i = 0; i < v.length; i++) m |= this.mask[this.find(v[i]!)]!;
    return m;
  }

  /**
   * Cheapest paths backwards from `start` through nodes carrying `bit` to nodes accepted by
   * `isTarget`, nearest first (each path listed start → … → target).
   */
  traceBack(start: Val, bit: number, isTarget: (n: number) => boolean, opts: TraceOptions = {}): number[][] {
    return this.trace(start, bit, isTarget, opts, this.inStart, this.inEdges, this.inKind);
  }

  /** The same, forwards. */
  traceForward(start: Val, bit: number, isTarget: (n: number) => boolean, opts: TraceOptions = {}): number[][] {
    return this.trace(start, bit, isTarget, opts, this.outStart, this.outEdges, this.outKind);
  }

  /**
   * A* over the edge costs of `distances`. With `guide` (the exact distance from each node to the
   * nearest target, as `distances` computes it in the opposite direction) the search goes straight
   * to the targets instead of flooding the tainted region.
   */
  private trace(
    start: Val,
    bit: number,
    isTarget: (n: number) => boolean,
    opts: TraceOptions,
    starts: Int32Array,
    edges: Int32Array,
    kind: Uint8Array,
  ): number[][] {
    const limit = opts.limit ?? 20_000;
    const maxTargets = opts.maxTargets ?? 16;
    const guide = opts.guide;
    const bound = opts.bound ?? Number.MAX_SAFE_INTEGER;
    const preferStrong = opts.preferStrong === true;
    const h = (v: number): number => (guide ? guide[v]! : 0);
    const n = this.mask.length;
    if (this.traceCost.length !== n) {
      this.traceCost = new Int32Array(n).fill(-1);
      this.tracePrev = new Int32Array(n);
    }
    const cost = this.traceCost;
    const prev = this.tracePrev;
    const touched = this.traceTouched;
    const buckets: number[][] = [];
    for (const s of start) {
      const r = this.find(s);
      if (cost[r] === -1 && h(r) <= bound) {
        cost[r] = 0;
        prev[r] = -1;
        touched.push(r);
        (buckets[h(r)] ??= []).push(r);
      }
    }
    try {
      const found: number[][] = [];
      const followControl = (bit & this.controlBits) !== 0;
      let settled = 0;
      for (let f = 0; f < buckets.length && settled < limit; f++) {
        const bucket = buckets[f];
        if (!bucket) continue;
        for (let i = 0; i < bucket.length; i++) {
          const u = bucket[i]!;
          const c = cost[u]!;
          if (c + h(u) !== f) continue;
          settled++;
          if (isTarget(u)) {
            found.push(this.pathTo(prev, u));
            if (found.length >= maxTargets) return found;
            continue;
          }
          // A hub passes nothing on (as in `distances`): a path through one joins unrelated code.
          if (c > 0 && starts[u + 1]! - starts[u]! > HUB_DEGREE) continue;
          let skipWeak = false;
          if (preferStrong) {
            for (let e = starts[u]!, end = starts[u + 1]!; e < end && !skipWeak; e++) {
              const v = edges[e]!;
              skipWeak = kind[e] === 0 && starts[v + 1]! > starts[v]!;
            }
          }
          for (let e = starts[u]!, end = starts[u + 1]!; e < end; e++) {
            const k = kind[e]!;
            if ((k === 2 && !followControl) || (k === 1 && skipWeak)) continue;
            const v = edges[e]!;
            if ((this.mask[v]! & bit) === 0) continue;
            const nc = c + (k === 1 ? WEAK_COST : 1);
            const old = cost[v]!;
            if (old !== -1 && old <= nc) continue;
            const nf = nc + h(v);
            if (nf > bound) continue;
            if (old === -1) touched.push(v);
            cost[v] = nc;
            prev[v] = u;
            (buckets[nf] ??= []).push(v);
          }
        }
      }
      return found;
    } finally {
      for (let i = 0; i < touched.length; i++) cost[touched[i]!] = -1;
      touched.length = 0;
    }
  }

  /** Nodes reachable forwards from `start` within `maxDepth` edges (at most `limit` nodes). */
  reach(start: Val, maxDepth: number, limit = 5_000): Map<number, number> {
    const depth = new Map<number, number>();
    let frontier: number[] = [];
    for (const s of start) {
      const r = this.find(s);
      if (!depth.has(r)) {
        depth.set(r, 0);
        frontier.push(r);
      }
    }
    for (let d = 1; d <= maxDepth && frontier.length > 0 && depth.size < limit; d++) {
      const next: number[] = [];
      for (const u of frontier) {
        for (let e = this.outStart[u]!, end = this.outStart[u + 1]!; e < end; e++) {
          const v = this.outEdges[e]!;
          if (depth.has(v)) continue;
          depth.set(v, d);
          next.push(v);
        }
      }
      frontier = next;
    }
    return depth;
  }

  /** The path from a trace's start to `end`, by predecessors (costs fall strictly along them, so it ends). */
  private pathTo(prev: Int32Array, end: number): number[] {
    const path: number[] = [];
    for (let cur = end; cur !== -1 && path.length <= prev.length; cur = prev[cur]!) path.push(cur);
    return path.reverse();
  }
}

/**
 * The bucket queue of the searches: one growable list of node ids per distance. Kept by the graph and
 * emptied before each search, so the hundreds of searches of one file allocate their lists once.
 */
class Buckets {
  private lists: Int32Array[] = [];
  private sizes = new Int32Array(0);

  clear(levels: number): void {
    if (this.sizes.length < levels) {
      const sizes = new Int32Array(levels);
      this.sizes = sizes;
      while (this.lists.length < levels) this.lists.push(new Int32Array(64));
    } else this.sizes.fill(0, 0, levels);
  }

  push(level: number, v: number): void {
    const n = this.sizes[level]!;
    let list = this.lists[level]!;
    if (n === list.length) list = this.lists[level] = grow(list);
    list[n] = v;
    this.sizes[level] = n + 1;
  }

  /** The list of one level (valid until something is pushed at that level). */
  list(level: number): Int32Array {
    return this.lists[level]!;
  }

  size(level: number): number {
    return this.sizes[level]!;
  }
}

function grow<T extends Int32Array | Uint8Array>(a: T): T {
  const b = new (a.constructor as { new (n: number): T })(a.length * 2);
  b.set(a);
  return b;
}
