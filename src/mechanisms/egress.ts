// The egress stage: for every network call of the file, what reaches it (data classes, from the taint of
// the flow graph), where it goes (URL literals and configured endpoints that reach it), whether it
// carries an LLM request, which opt-out checks guard it and when it runs. Owners, install-time and
// background timing need the whole package; src/audit/egress.ts merges these observations into the map.

import type { EgressData, EgressObservation, EgressOptOut, EgressSpawn, EgressTiming } from '../model/egress.js';
import type { DataClass, SourceKind } from '../model/traits.js';
import {
  ALL_SOURCE_BITS,
  BIT_CONTENT,
  BIT_CREDENTIALS,
  BIT_ERRORS,
  BIT_MODEL,
  BIT_OPT_OUT,
  BIT_PROMPTS,
  BIT_URL,
  BIT_USAGE,
  sourceBit,
  type EgressDataKind,
  type GuardFact,
  type SinkFact,
  type Span,
} from '../flow/facts.js';
import type { Val } from '../flow/graph.js';
import type { Context } from './context.js';
import { EGRESS_BUDGET, EGRESS_TRACE_LIMIT, MAX_EGRESS_DIST, MAX_EVENTS_PER_CALL, MAX_OPT_OUT_DIST, MAX_URL_DIST, MAX_URLS_PER_CALL } from './limits.js';
import { sinkNote } from './wording.js';

/** The data class each fingerprint source kind belongs to (a configured endpoint is none: it is the destination). */
export const SOURCE_CLASS: Record<SourceKind, DataClass | null> = {
  hostname: 'identity',
  username: 'identity',
  'machine-id': 'identity',
  'network-interfaces': 'identity',
  timezone: 'environment',
  locale: 'environment',
  'ip-geolocation': 'environment',
  'ci-container': 'environment',
  platform: 'platform',
  'host-url': null,
};

const DATA_BITS: Record<EgressDataKind, number> = {
  usage: BIT_USAGE,
  errors: BIT_ERRORS,
  content: BIT_CONTENT,
  prompts: BIT_PROMPTS,
  credentials: BIT_CREDENTIALS,
};

const CAPABILITY_BITS = sourceBit('ci-container') | sourceBit('platform');
// Proxy settings (HTTPS_PROXY, NO_PROXY) route or exempt a request; they never name where it goes.
const PROXY_SETTING = /(^|[._"'[])(NO_|HTTPS?_|ALL_|GLOBAL_AGENT_)?PROXY\b/i;

export interface EgressResult {
  observations: EgressObservation[];
  spawns: EgressSpawn[];
}

function within(s: Span, outer: Span): boolean {
  return s.start >= outer.start && s.end <= outer.end;
}

export function egressMap(ctx: Context): EgressResult {
  const { graph: g, facts: f } = ctx;
  const eg = f.egress;
  const spawns = eg.spawns.map((s) => ({ location: ctx.lines.locate(s.start), detail: s.detail, script: s.script, self: s.self }));
  const sinks = f.sinks.filter((s) => s.kind === 'network');
  if (sinks.length === 0) return { observations: [], spawns };

  // Capability sources are not pushed by the taint stage (no decision reads them); the map does read them.
  const capability = f.sources.filter((s) => s.node >= 0 && sourceBit(s.kind) & CAPABILITY_BITS);
  for (const kind of ['ci-container', 'platform'] as const) {
    const seeds = capability.filter((s) => s.kind === kind).map((s) => s.node);
    if (seeds.length) g.propagate(seeds, sourceBit(kind), EGRESS_BUDGET);
  }
  for (const [kind, bit] of Object.entries(DATA_BITS) as [EgressDataKind, number][]) {
    const seeds = eg.data.filter((d) => d.kind === kind).map((d) => d.node);
    if (seeds.length) g.propagate(seeds, bit, EGRESS_BUDGET);
  }
  if (eg.urls.length) g.propagate(eg.urls.map((u) => u.node), BIT_URL, EGRESS_BUDGET);
  if (eg.optOuts.length) g.propagate(eg.optOuts.map((o) => o.node), BIT_OPT_OUT, EGRESS_BUDGET);
  // An LLM request body is what its sink node was made of.
  const bodies = f.sinks.filter((s) => s.kind === 'model-request').flatMap((s) => g.predecessors(s.node));
  if (bodies.length) g.propagate(bodies, BIT_MODEL, EGRESS_BUDGET);

  const urlAt = index(g, eg.urls);
  const dataAt = index(g, eg.data);
  const optAt = index(g, eg.optOuts);
  const bodyAt = new Set(bodies.map((n) => g.find(n)));
  const trace = <T>(start: Val, bit: number, at: Map<number, T[]>, bound: number, max: number, preferStrong = false): T[] => {
    const out: T[] = [];
    for (const path of g.traceBack(start, bit, (n) => at.has(n), { limit: EGRESS_TRACE_LIMIT, maxTargets: max, bound, preferStrong })) {
      for (const x of at.get(path[path.length - 1]!)!) if (!out.includes(x)) out.push(x);
    }
    return out;
  };
  const sourcesOf = (start: Val, bits: number): ReturnType<Context['sourcesReaching']> => {
    const out: ReturnType<Context['sourcesReaching']> = [];
    for (const path of g.traceBack(start, bits, (n) => ctx.sourceAt.has(n), { limit: EGRESS_TRACE_LIMIT, maxTargets: 8, bound: MAX_EGRESS_DIST })) {
      for (const s of ctx.sourceAt.get(path[path.length - 1]!)!) if (sourceBit(s.kind) & bits && !out.includes(s)) out.push(s);
    }
    return out;
  };
  // The links a call requests. `LINKS.api` reads one property of a constant object; the weak edge from the whole object
  // (kept so that nothing is lost through objects the walk cannot see into) would add every other link the object
  // holds. So a read of a property the file writes is what that property holds; only a read of one it never writes
  // (an object the walk cannot see into) takes its object's links, whatever other links reach the call.
  const urlsOf = (start: Val): string[] => trace(start, BIT_URL, urlAt, MAX_URL_DIST, MAX_URLS_PER_CALL, true).map((u) => u.url);
  const guardsOf = (s: SinkFact): GuardFact[] => eg.guards.filter((gd) => within(s, gd));
  const optOutsOf = (tests: Val): EgressOptOut[] =>
    g.maskOf(tests) & BIT_OPT_OUT ? trace(tests, BIT_OPT_OUT, optAt, MAX_OPT_OUT_DIST, 4).map((o) => ({ name: o.name, location: ctx.lines.locate(o.start) })) : [];

  const observations: EgressObservation[] = [];
  for (const s of sinks) {
    const start = g.one(s.node);
    const mask = g.maskOf(start);
    const urls = mask & BIT_URL ? urlsOf(start) : [];
    const hostUrl = sourceBit('host-url');
    const configured = mask & hostUrl ? sourcesOf(start, hostUrl).filter((x) => x.kind === 'host-url' && !PROXY_SETTING.test(x.detail)) : [];
    const configurable = configured.map((c) => ({ variable: c.detail, default: urls[0] ?? null }));
    const data: EgressData[] = [];
    const sources: SourceKind[] = [];
    const fpBits = mask & ~hostUrl & ALL_SOURCE_BITS;
    if (fpBits) {
      for (const src of sourcesOf(start, fpBits)) {
        const cls = SOURCE_CLASS[src.kind];
        if (!cls) continue;
        if (!sources.includes(src.kind)) sources.push(src.kind);
        if (!data.some((d) => d.class === cls)) data.push({ class: cls, detail: codeAt(ctx, src), location: ctx.lines.locate(src.start) });
      }
    }
    const events: string[] = [];
    for (const [kind, bit] of Object.entries(DATA_BITS) as [EgressDataKind, number][]) {
      if (!(mask & bit)) continue;
      const found = trace(start, bit, dataAt, MAX_EGRESS_DIST, kind === 'usage' ? MAX_EVENTS_PER_CALL : 1).filter((d) => d.kind === kind);
      if (found.length === 0) continue;
      data.push({ class: kind, detail: kind === 'usage' ? found.map((d) => d.detail).join(', ') : codeAt(ctx, found[0]!), location: ctx.lines.locate(found[0]!.start) });
      if (kind === 'usage') for (const d of found) if (!events.includes(d.detail)) events.push(d.detail);
    }
    const modelRequest = mask & BIT_MODEL ? g.traceBack(start, BIT_MODEL, (n) => bodyAt.has(n), { limit: EGRESS_TRACE_LIMIT, maxTargets: 1, bound: MAX_EGRESS_DIST }).length > 0 : false;
    if (modelRequest && !data.some((d) => d.class === 'prompts')) data.push({ class: 'prompts', detail: 'an LLM request body', location: ctx.lines.locate(s.start) });

    const guards = guardsOf(s);
    const optOuts: EgressOptOut[] = [];
    for (const tests of [...guards.map((gd) => gd.tests), ...(guards.length === 0 ? [eg.programTests] : [])]) {
      for (const o of optOutsOf(tests)) if (!optOuts.some((x) => x.name === o.name)) optOuts.push(o);
    }
    if (optOuts.length === 0) for (const gate of eg.gates) if (sameClass(ctx.text, gate, s)) optOuts.push(...optOutsOf(gate.tests).filter((o) => !optOuts.some((x) => x.name === o.name)));
    observations.push({
      sink: ctx.evidence('sink', s, sinkNote(s)),
      call: s.detail,
      urls,
      configurable,
      modelRequest,
      data,
      sources,
      events,
      timing: [timingOf(ctx, s, guards)],
      optOuts,
    });
  }
  return { observations, spawns };
}

/** How far apart a class's factory and its sending method may be. */
const MAX_CLASS_SPAN = 40_000;

/**
 * A gate (a static method) and a call in the same class body: near each other, and the text between them never
 * closes the block the gate sits in (braces counted outward from the gate; strings are not told apart).
 */
function sameClass(text: string, gate: Span, s: Span): boolean {
  const before = gate.end <= s.start;
  const from = before ? gate.end : s.end;
  const to = before ? s.start : gate.start;
  if (to - from > MAX_CLASS_SPAN) return false;
  let depth = 0;
  for (let k = 0; k < to - from; k++) {
    const c = text.charCodeAt(before ? from + k : to - 1 - k);
    if (c === 0x7b /* { */) depth += before ? 1 : -1;
    else if (c === 0x7d /* } */) depth += before ? -1 : 1;
    if (depth < 0) return false;
  }
  return true;
}

/** Start (top-level code), exit (an exit handler or a function it calls), or on use. */
function timingOf(ctx: Context, s: SinkFact, guards: GuardFact[]): EgressTiming {
  const handlers = ctx.facts.egress.exitHandlers;
  if (handlers.some((h) => within(s, h) || guards.some((gd) => gd.name !== null && h.calls.includes(gd.name)))) return 'exit';
  return guards.length === 0 ? 'start' : 'on-use';
}

/** The code of a fact, clipped: what was read, without the line around it. */
function codeAt(ctx: Context, s: Span): string {
  const t = ctx.text.slice(s.start, Math.min(s.end, s.start + 80)).replace(/\s+/g, ' ');
  return s.end - s.start > 80 ? t + '…' : t;
}

function index<T extends { node: number }>(g: Context['graph'], items: T[]): Map<number, T[]> {
  const m = new Map<number, T[]>();
  for (const it of items) {
    const r = g.find(it.node);
    const list = m.get(r);
    if (list) list.push(it);
    else m.set(r, [it]);
  }
  return m;
}
