// What every correlation stage reads: the file, its flow graph and facts, indexes from graph nodes to
// facts, and the evidence searches. Stages take this object and return their results explicitly;
// the only state kept here is caches of pure queries (distance fields, traced sources).

import type { Evidence, EvidenceRole, Finding, Decoded } from '../model/finding.js';
import type { FindingKind } from '../model/catalogue.js';
import { createFinding } from '../model/create-finding.js';
import type { Traits } from '../model/traits.js';
import { sourceBit, type DataFact, type Facts, type SinkFact, type SourceFact, type Span, type TextFact, type EncoderFact } from '../flow/facts.js';
import type { FlowGraph, Val } from '../flow/graph.js';
import { excerpt, type LineIndex } from '../files/lines.js';
import type { RecoveredString } from '../analyze/deobfuscate/string-array.js';
import type { PropertyNames } from '../analyze/walker.js';
import { stringArrayNote } from './wording.js';
import { MAX_DATA_DIST, MAX_LITERAL_DIST, SOURCE_POOL, SOURCES_PER_KIND, TRACE_LIMIT } from './limits.js';

export interface CorrelateInput {
  file: string;
  text: string;
  lines: LineIndex;
  graph: FlowGraph;
  facts: Facts;
  /** Property-name nodes, for evidence such as "stored as property `x`". */
  properties: PropertyNames;
  /** Strings recovered from a string-array obfuscator (by offset), inlined before the walk. */
  recovered?: readonly RecoveredString[];
}

/** Facts by the representative graph node that carries them. */
export type NodeIndex<T> = Map<number, T[]>;

export interface Context extends CorrelateInput {
  sourceAt: NodeIndex<SourceFact>;
  dataAt: NodeIndex<DataFact>;
  sinkAt: NodeIndex<SinkFact>;
  textAt: NodeIndex<TextFact>;
  encoderAt: NodeIndex<EncoderFact>;
  /** Distance of every node from the nearest fingerprint read (set by the taint stage). */
  fpDist: Int32Array;
  /** Distance of every node from the nearest region or hidden literal (set by the taint stage). */
  dataDist: Int32Array;
  /** Distance of every node to the nearest sink, walking backwards (computed on first use). */
  sinkDist(): Int32Array;
  /** Fingerprint sources a value derives from, nearest first (memoised: comparisons share operands). */
  sourcesReaching(v: Val, bits: number): SourceFact[];
  /** Region or hidden data a value derives from, close enough to be what it is compared with. */
  dataReaching(v: Val, bits: number): DataFact[];
  evidence(role: EvidenceRole, at: Span, note: string): Evidence;
  /** A finding of `kind` anchored at `at`; null when the severity policy says the traits are worth none. */
  finding(kind: FindingKind, t: Traits, identity: string[], title: string, message: string, at: Span, related: Evidence[], decoded: Decoded[]): Finding | null;
}

function indexBy<T extends { node: number }>(g: FlowGraph, items: T[]): NodeIndex<T> {
  const m = new Map<number, T[]>();
  for (const it of items) {
    if (it.node < 0) continue;
    const r = g.find(it.node);
    const list = m.get(r);
    if (list) list.push(it);
    else m.set(r, [it]);
  }
  return m;
}

/** Recovered strings shown per evidence step, at most. */
const RECOVERED_PER_STEP = 4;

/** The recovered strings whose call sites lie inside `at` (sorted by offset). */
function recoveredIn(recovered: readonly RecoveredString[], at: Span): RecoveredString[] {
  let lo = 0;
  let hi = recovered.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (recovered[mid]!.start < at.start) lo = mid + 1;
    else hi = mid;
  }
  const out: RecoveredString[] = [];
  for (let i = lo; i < recovered.length && recovered[i]!.start < at.end; i++) if (recovered[i]!.end <= at.end) out.push(recovered[i]!);
  return out;
}

export function createContext(inp: CorrelateInput): Context {
  const g = inp.graph;
  const recovered = [...(inp.recovered ?? [])].sort((a, b) => a.start - b.start);
  // The recovered strings behind each evidence step, so that the finding lists them as decoded text.
  const recoveredBy = new WeakMap<Evidence, RecoveredString[]>();
  const withRecovered = (e: Evidence, at: Span): Evidence => {
    if (recovered.length === 0) return e;
    const inside = recoveredIn(recovered, at);
    if (inside.length === 0) return e;
    const shown = inside.slice(0, RECOVERED_PER_STEP).map((r) => `${clipCall(inp.text, r)} = ${JSON.stringify(r.text.length > 80 ? r.text.slice(0, 80) + '…' : r.text)}`);
    e.note += `; recovered from the string array: ${shown.join(', ')}${inside.length > shown.length ? ` (+${inside.length - shown.length} more)` : ''}`;
    recoveredBy.set(e, inside);
    return e;
  };
  const sourceMemo = new Map<string, SourceFact[]>();
  let sinkDistCache: Int32Array | null = null;
  const ctx: Context = {
    ...inp,
    sourceAt: indexBy(g, inp.facts.sources),
    dataAt: indexBy(g, inp.facts.data),
    sinkAt: indexBy(g, inp.facts.sinks),
    textAt: indexBy(g, inp.facts.texts),
    encoderAt: indexBy(g, inp.facts.encoders),
    fpDist: new Int32Array(0),
    dataDist: new Int32Array(0),
    sinkDist: () => (sinkDistCache ??= g.distancesBack(inp.facts.sinks.map((s) => s.node), undefined, true)),
    sourcesReaching(v, bits) {
      const key = `${bits}:${v.map((n) => g.find(n)).join(',')}`;
      const memo = sourceMemo.get(key);
      if (memo) return memo;
      const out: SourceFact[] = [];
      for (const path of g.traceBack(v, bits, (n) => ctx.sourceAt.has(n), { limit: TRACE_LIMIT, guide: ctx.fpDist })) {
        for (const s of ctx.sourceAt.get(path[path.length - 1]!)!) if (sourceBit(s.kind) & bits && !out.includes(s)) out.push(s);
      }
      sourceMemo.set(key, out);
      return out;
    },
    dataReaching(v, bits) {
      const out: DataFact[] = [];
      for (const path of g.traceBack(v, bits, (n) => ctx.dataAt.has(n), { limit: TRACE_LIMIT, guide: ctx.dataDist })) {
        for (const d of ctx.dataAt.get(path[path.length - 1]!)!) {
          // Literal region data must sit at the comparison (a zone compared with a constant, or a set of
          // them); a literal used elsewhere (a locale passed to a formatter) is not what is compared.
          // Decoded data may travel through its decoder first.
          // A digest is a literal too: it is not decoded, it sits in the list the hashed value is looked up in.
          if (path.length - 1 > (d.kind === 'hidden' && !d.digest ? MAX_DATA_DIST : MAX_LITERAL_DIST)) continue;
          if (!out.includes(d)) out.push(d);
        }
      }
      return out;
    },
    evidence: (role, at, note) => withRecovered({ role, location: inp.lines.locate(at.start), note, excerpt: excerpt(inp.text, at.start, at.end) }, at),
    finding: (kind, t, identity, title, message, at, related, decoded) => {
      if (recovered.length > 0) {
        const all = [...recoveredIn(recovered, at), ...related.flatMap((e) => recoveredBy.get(e) ?? [])];
        const decoders = new Set<number>();
        for (const r of all) {
          if (!decoded.some((d) => d.text === r.text)) decoded.push({ encoding: `string-array(${r.decoder})`, text: r.text });
          if (decoders.has(r.decoderAt.start)) continue;
          decoders.add(r.decoderAt.start);
          const e = { role: 'decoder' as const, location: inp.lines.locate(r.decoderAt.start), note: stringArrayNote(r.decoder, r.arrayStrings), excerpt: excerpt(inp.text, r.decoderAt.start, r.decoderAt.end) };
          addOnce(related, e);
        }
      }
      return createFinding({ kind, traits: t, identity, title, message, location: inp.lines.locate(at.start), related, decoded, excerpt: excerpt(inp.text, at.start, at.end, 240) });
    },
  };
  return ctx;
}

/**
 * The sources to show as evidence: among the first found (cheapest flow paths), those closest in the
 * file to `anchor` (a mechanism is usually one module), a few of each kind.
 */
export function nearest(sources: SourceFact[], anchor?: number): SourceFact[] {
  const perKind = new Map<string, number>();
  const pool = sources.slice(0, SOURCE_POOL);
  if (anchor !== undefined) pool.sort((a, b) => Math.abs(a.start - anchor) - Math.abs(b.start - anchor));
  return pool.filter((s) => {
    const n = perKind.get(s.kind) ?? 0;
    perKind.set(s.kind, n + 1);
    return n < SOURCES_PER_KIND;
  });
}

/** The obfuscated call as written, clipped. */
function clipCall(text: string, r: Span): string {
  const src = text.slice(r.start, Math.min(r.end, r.start + 60));
  return r.end - r.start > 60 ? src + '…' : src;
}

export function addOnce(list: Evidence[], e: Evidence): void {
  if (!list.some((x) => x.role === e.role && x.location.offset === e.location.offset)) list.push(e);
}
