// First and last release that carry a finding, in O(log n) audits over the version order.
//
// 1. Audit both ends. 2. If neither carries it, sample midpoints coarse to fine until one does (a finding present in
// a narrow stretch may take many samples; one present nowhere takes all of them). 3. From the lowest and the highest
// release known to carry it, binary-search down for the first and up for the last, both searches at once. 4. Audit the neighbours of both boundaries. 5. Sample
// inside [first, last], coarse to fine, about log2(n) releases. 6. Any sampled release inside [first, last] without
// it means the finding went away and came back: each such gap is narrowed to its exact edges by binary search and
// reported. A gap no sample falls into stays unseen; that is the price of O(log n).
export type Presence = 'present' | 'absent' | 'unknown';

export interface BisectOutcome {
  /** Indices into the version-ordered releases. Undefined when no audited release carries the finding. */
  first?: number;
  last?: number;
  /** Runs of releases inside [first, last] found without it, both ends inclusive. */
  gaps: { from: number; to: number }[];
  /** Every index audited, in the order asked. */
  audited: number[];
  states: Map<number, Presence>;
  /** Every release was audited (the finding was looked for everywhere). */
  exhaustive: boolean;
}

export async function bisect(n: number, probe: (i: number) => Promise<Presence>): Promise<BisectOutcome> {
  const states = new Map<number, Presence>();
  const audited: number[] = [];
  const pending = new Map<number, Promise<Presence>>();
  const at = (i: number): Promise<Presence> => {
    const known = states.get(i);
    if (known) return Promise.resolve(known);
    let p = pending.get(i);
    if (!p) {
      audited.push(i);
      p = probe(i).then((s) => {
        states.set(i, s);
        pending.delete(i);
        return s;
      });
      pending.set(i, p);
    }
    return p;
  };
  const outcome = (first?: number, last?: number, gaps: BisectOutcome['gaps'] = []): BisectOutcome => ({ first, last, gaps, audited, states, exhaustive: states.size === n });
  if (n === 0) return outcome();

  await Promise.all([at(0), at(n - 1)]);
  if (![...states.values()].includes('present') && (await sample(0, n - 1, Infinity, at)) === undefined) return outcome();
  const present = [...states].filter(([, s]) => s === 'present').map(([i]) => i);

  const [first, last] = await Promise.all([searchEdge(Math.min(...present), -1, n, at), searchEdge(Math.max(...present), +1, n, at)]);
  await Promise.all([first - 1, first + 1, last - 1, last + 1].filter((i) => i >= 0 && i < n).map(at));
  await sample(first, last, Math.ceil(Math.log2(n)), at);
  return outcome(first, last, await findGaps(first, last, states, at));
}

/**
 * Midpoints of [lo, hi], breadth first, until one carries the finding or `budget` new releases were audited.
 * Returns the first release found carrying it.
 */
async function sample(lo: number, hi: number, budget: number, at: (i: number) => Promise<Presence>): Promise<number | undefined> {
  const intervals: [number, number][] = [[lo, hi]];
  let spent = 0;
  while (intervals.length && spent < budget) {
    const [a, b] = intervals.shift()!;
    if (b - a < 2) continue;
    const m = (a + b) >> 1;
    spent++;
    if ((await at(m)) === 'present' && budget === Infinity) return m;
    intervals.push([a, m], [m, b]);
  }
  return undefined;
}

/**
 * The outermost release carrying the finding in direction `dir` from `seed`, assuming it is contiguous there.
 * A release that could not be audited is stepped over toward the outside.
 */
async function searchEdge(seed: number, dir: -1 | 1, n: number, at: (i: number) => Promise<Presence>): Promise<number> {
  // Bounded by the end of the range, not by the nearest sample known to lack it: that sample may sit in a gap, and
  // the search would then stop short of where the finding really ends. Both ends are audited, so this costs nothing.
  let inside = seed;
  let outside = dir < 0 ? -1 : n;
  while (Math.abs(outside - inside) > 1) {
    let m = (inside + outside) >> 1;
    if (dir > 0 && m === inside) m++;
    let s = await at(m);
    while (s === 'unknown' && m + dir !== outside) {
      m += dir;
      s = await at(m);
    }
    if (s === 'present') inside = m;
    else if (s === 'absent') outside = m;
    else outside = m; // every release from here to `outside` failed: the edge is the last one known to carry it
  }
  return inside;
}

/** Absent samples between first and last, each widened to the exact run of releases around it that lack the finding. */
async function findGaps(first: number, last: number, states: Map<number, Presence>, at: (i: number) => Promise<Presence>): Promise<BisectOutcome['gaps']> {
  const gaps: BisectOutcome['gaps'] = [];
  const absentInside = () => [...states].filter(([i, s]) => s === 'absent' && i > first && i < last).map(([i]) => i).sort((a, b) => a - b);
  for (const a of absentInside()) {
    if (gaps.some((g) => a >= g.from && a <= g.to)) continue;
    const presentBelow = Math.max(...[...states].filter(([i, s]) => s === 'present' && i < a).map(([i]) => i));
    const presentAbove = Math.min(...[...states].filter(([i, s]) => s === 'present' && i > a).map(([i]) => i));
    // Within (presentBelow, presentAbove) the finding is absent at `a`: search outwards from `a` for where it is back.
    const from = (await edgeOfAbsence(a, -1, presentBelow, at)) ;
    const to = await edgeOfAbsence(a, +1, presentAbove, at);
    gaps.push({ from, to });
  }
  return gaps.sort((x, y) => x.from - y.from);
}

async function edgeOfAbsence(absent: number, dir: -1 | 1, present: number, at: (i: number) => Promise<Presence>): Promise<number> {
  let inside = absent;
  let outside = present;
  while (Math.abs(outside - inside) > 1) {
    const m = dir > 0 ? (inside + outside) >> 1 : (inside + outside + 1) >> 1;
    const s = await at(m);
    if (s === 'absent') inside = m;
    else outside = m;
  }
  return inside;
}
