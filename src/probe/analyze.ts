// Differential analysis across personas: every difference from the baseline is grouped by where it occurs,
// attributed to the persona dimensions it follows, and judged covert (invisible, look-alike, format-only and
// unexplained by the persona) or region-dependent (visible).
import type { Severity } from '../model/finding.js';
import { describeString } from '../data/unicode.js';
import { classifyHunks, COVERT_KINDS, diffCodePoints, isStructural, learnVolatile, masksFor, REQUEST_ORDER_FIELD, stableGaps, type ChangeKind, type FieldMap } from './diff.js';
import { maskOnly, Renderer, type TimeWindow } from './render.js';
import { DIMENSIONS, variedDimensions, type Dimension, type Persona } from './persona.js';
import { decide } from '../model/severity-policy.js';
import { traits, type SourceKind, type Traits } from '../model/traits.js';

export type DifferenceKind = ChangeKind | 'added' | 'removed' | 'request-added' | 'request-removed' | 'timing';

export interface Cell {
  oldText: string;
  newText: string;
  /** In the persona's value: UTF-16 offset, 1-based line and column, 0-based code-point index. */
  offset: number;
  line: number;
  column: number;
  codePoint: number;
  /** In the baseline's value. */
  baseOffset: number;
  explained: boolean;
  /** The persona's value around the change, and the baseline's. */
  context: string;
  baseContext: string;
  /** Where the change starts within context / baseContext (UTF-16). */
  contextAt: number;
  baseContextAt: number;
}

export type Verdict = 'covert-channel' | 'region-dependent' | 'explained';

export interface Difference {
  /** D1, D2, ... in report order. */
  id: string;
  path: string;
  kind: DifferenceKind;
  /** Persona label → what it sent; personas without the difference are absent. */
  cells: Record<string, Cell>;
  /** Dimensions whose value alone decides what is sent here. */
  follows: Dimension[];
  verdict: Verdict;
  severity: Severity;
  /** Places in the field with the same change for the same personas (cells show the first). */
  occurrences: number;
}

const CONTEXT = 40;
/** A persona is slower only past twice the baseline's slowest run plus this much (and faster symmetrically). */
export const TIMING_MARGIN_MS = 1500;

export interface RunFields {
  fields: FieldMap;
  /** Per request key: ms since the previous request of the run (or since the tool started). */
  gaps: Map<string, number>;
  /** How long the tool ran (from its start to its exit or to the time limit). */
  durationMs?: number;
  /** Per request key: ms since the tool started; when given, gaps are measured from the previous stable request. */
  arrivals?: Map<string, number>;
}

export interface PersonaRuns {
  label: string;
  persona: Persona;
  runs: RunFields[];
  /**
   * Every run of the persona was stopped at the time limit: what it did not send it may not have reached yet, so
   * requests missing from it are not differences (a persona's run that finished is preferred over a cut one; see
   * `completeRuns`).
   */
  cut?: boolean;
}

export interface AnalysisOptions {
  /** The time limit a run is stopped at, for the test of a persona that never finishes. */
  timeLimitMs?: number;
}

/**
 * The runs of one persona that are compared: those that finished, when any did. A run stopped at the time limit
 * on a busy machine sent fewer requests than its twins; counted, its missing requests would make every request
 * volatile for every persona and hide each difference. When no run of the persona finished (a tool that never
 * exits, or one that hangs for this persona), its cut runs are all there is, and `cut` says so.
 */
export function completeRuns<T extends { timedOut: boolean }>(runs: T[]): { runs: T[]; cut: boolean } {
  const finished = runs.filter((r) => !r.timedOut);
  return finished.length ? { runs: finished, cut: false } : { runs, cut: runs.length > 0 };
}

/** What varied between identical runs, summarised once instead of reported. */
export interface VolatileSummary {
  fields: number;
  requests: number;
  /** Fields masked by token shape (ids, clocks, numbers), by shape. */
  shapes: Record<string, number>;
  examples: string[];
}

export interface Analysis {
  differences: Difference[];
  volatile: VolatileSummary;
}

function lineColumn(s: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < s.length; i++) {
    if (s.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** The value around a change, without truncation marks (renderers add those outside the escaping). */
function context(s: string, from: number, to: number): string {
  return s.slice(Math.max(0, from - CONTEXT), Math.min(s.length, to + CONTEXT));
}

function requestOf(path: string): string {
  const m = /^.*?#\d+/.exec(path);
  return m ? m[0] : path;
}

interface Pending {
  path: string;
  kind: DifferenceKind;
  cells: Record<string, Cell>;
}

function wholeCell(value: string, explained: boolean, added: boolean): Cell {
  const text = value.length > 200 ? value.slice(0, 200) + '…' : value;
  return {
    oldText: added ? '' : text,
    newText: added ? text : '',
    offset: 0,
    line: 1,
    column: 1,
    codePoint: 0,
    baseOffset: 0,
    explained,
    context: added ? text : '',
    baseContext: added ? '' : text,
    contextAt: 0,
    baseContextAt: 0,
  };
}

/** A cell for raw ranges [a0, a1) of the baseline value and [b0, b1) of the persona's. */
function rangeCell(oldValue: string, newValue: string, a0: number, a1: number, b0: number, b1: number, explained: boolean): Cell {
  return {
    oldText: oldValue.slice(a0, a1),
    newText: newValue.slice(b0, b1),
    offset: b0,
    ...lineColumn(newValue, b0),
    codePoint: [...newValue.slice(0, b0)].length,
    baseOffset: a0,
    explained,
    context: context(newValue, b0, b1),
    baseContext: context(oldValue, a0, a1),
    contextAt: b0 - Math.max(0, b0 - CONTEXT),
    baseContextAt: a0 - Math.max(0, a0 - CONTEXT),
  };
}

const cps = (s: string) => [...s].map((c) => c.codePointAt(0)!);

/** True when nothing but renderings of the personas' settings (and punctuation) is left in the value. */
function onlyRenderings(r: Renderer, value: string): boolean {
  let rest = '';
  let pos = 0;
  for (const sp of r.spans(value)) {
    rest += value.slice(pos, sp.start);
    pos = sp.end;
  }
  rest += value.slice(pos);
  return rest !== value && !/[\p{L}\p{N}]/u.test(rest);
}

/** Items of a structural field (header names, keys, endpoints, layout parts). */
function items(path: string, v: string): string[] {
  if (path === REQUEST_ORDER_FIELD) return v.split('\n');
  return v.split(path.endsWith('{keys}') || path.endsWith('{order}') && /^\d/.test(v) ? ',' : ' ');
}

/**
 * Compares every persona with the baseline. `groups[0]` is the baseline; each group holds the repeated runs of
 * one persona. The test: a field counts only when every persona's runs agree on it (after masking the token
 * shapes learned to vary between identical runs) and a persona's value differs from the baseline's; a field
 * whose runs disagree within any persona is volatile and summarised, not reported. A difference is explained
 * when both values normalize to the same text once each persona's renderings of its own settings are replaced
 * (see render.ts); what remains is region-dependent, or a covert channel when it is invisible, look-alike or
 * format-only.
 */
export function analyzeDifferences(groups: PersonaRuns[], window: TimeWindow, opts: AnalysisOptions = {}): Analysis {
  const baseGroup = groups[0]!;
  const own = groups.map((g) => new Renderer([g.persona], window));
  const model = learnVolatile(
    groups.map((g) => g.runs.map((r) => r.fields)),
    own.map((r) => (s: string) => r.normalize(s).text),
  );
  const volatileRequests = new Set<string>();
  for (const g of groups) {
    const sets = g.runs.map((r) => new Set([...r.fields.keys()].filter((k) => k !== REQUEST_ORDER_FIELD).map(requestOf)));
    for (const set of sets) for (const k of set) if (!sets.every((x) => x.has(k))) volatileRequests.add(k);
  }
  const base = baseGroup.runs[0]!;
  const baseRequests = new Set([...base.fields.keys()].filter((k) => k !== REQUEST_ORDER_FIELD).map(requestOf));

  const groupsByKey = new Map<string, Pending>();
  const add = (key: string, path: string, kind: DifferenceKind, label: string, cell: Cell) => {
    let g = groupsByKey.get(key);
    if (!g) groupsByKey.set(key, (g = { path, kind, cells: {} }));
    g.cells[label] = cell;
  };

  for (const group of groups.slice(1)) {
    const run = group.runs[0];
    if (!run) continue;
    const r = new Renderer([baseGroup.persona, group.persona], window);
    const runRequests = new Set([...run.fields.keys()].filter((k) => k !== REQUEST_ORDER_FIELD).map(requestOf));
    // A side cut at the time limit may not have reached the requests the other side sent after that point.
    const cutHere = group.cut === true && baseGroup.cut !== true;
    const cutInBase = baseGroup.cut === true && group.cut !== true;
    for (const k of runRequests) {
      if (baseRequests.has(k) || volatileRequests.has(k) || cutInBase) continue;
      const viaNewProxy = k.startsWith('CONNECT ') && group.persona.proxy !== baseGroup.persona.proxy;
      add(`${k}|request-added`, k, 'request-added', group.label, wholeCell(k, viaNewProxy || r.spans(k).length > 0, true));
    }
    for (const k of baseRequests) {
      if (runRequests.has(k) || volatileRequests.has(k) || cutHere) continue;
      add(`${k}|request-removed`, k, 'request-removed', group.label, wholeCell(k, r.spans(k).length > 0, false));
    }
    const paths = new Set([...base.fields.keys(), ...run.fields.keys()]);
    for (const path of paths) {
      if (model.whole.has(path)) continue;
      const req = requestOf(path);
      if (path !== REQUEST_ORDER_FIELD && (volatileRequests.has(req) || !baseRequests.has(req) || !runRequests.has(req))) continue;
      const oldValue = base.fields.get(path);
      const newValue = run.fields.get(path);
      if (oldValue === newValue) continue;
      if (oldValue === undefined || newValue === undefined) {
        if (isStructural(path)) continue;
        const v = (newValue ?? oldValue)!;
        add(`${path}|${newValue === undefined ? 'removed' : 'added'}`, path, newValue === undefined ? 'removed' : 'added', group.label, wholeCell(v, onlyRenderings(r, v), newValue !== undefined));
        continue;
      }
      const masks = masksFor(model, path);
      const vOld = maskOnly(oldValue, masks);
      const vNew = maskOnly(newValue, masks);
      if (vOld.text === vNew.text) continue;
      const fOld = r.normalize(oldValue, masks);
      const fNew = r.normalize(newValue, masks);
      if (fOld.text === fNew.text) {
        // Explained: shown where the raw values differ, as one visible cell.
        const hs = diffCodePoints(cps(vOld.text), cps(vNew.text));
        const first = hs[0]!;
        const last = hs[hs.length - 1]!;
        const cell = rangeCell(oldValue, newValue, vOld.lo[first.aStart]!, vOld.hi[last.aEnd]!, vNew.lo[first.bStart]!, vNew.hi[last.bEnd]!, true);
        add(`${path}|visible`, path, 'text', group.label, cell);
        continue;
      }
      if (isStructural(path)) {
        const norm = (x: string[]) => x.map((i) => i.toLowerCase()).sort().join('\u0000');
        const layoutOnly = path.endsWith('{format}') || norm(items(path, fOld.text)) === norm(items(path, fNew.text));
        if (layoutOnly) add(`${path}|format`, path, 'format', group.label, rangeCell(oldValue, newValue, 0, oldValue.length, 0, newValue.length, false));
        continue;
      }
      const a = cps(fOld.text);
      const b = cps(fNew.text);
      const changes = classifyHunks(a, b, diffCodePoints(a, b));
      const visibleChanges = changes.filter((c) => !COVERT_KINDS.has(c.kind));
      for (const c of changes) {
        if (!COVERT_KINDS.has(c.kind)) continue;
        const a0 = fOld.lo[c.aStart]!;
        const cell = rangeCell(oldValue, newValue, a0, fOld.hi[c.aEnd]!, fNew.lo[c.bStart]!, fNew.hi[c.bEnd]!, false);
        add(`${path}|${c.kind}|${a0}`, path, c.kind, group.label, cell);
      }
      if (visibleChanges.length) {
        const first = visibleChanges[0]!;
        const last = visibleChanges[visibleChanges.length - 1]!;
        const cell = rangeCell(oldValue, newValue, fOld.lo[first.aStart]!, fOld.hi[last.aEnd]!, fNew.lo[first.bStart]!, fNew.hi[last.bEnd]!, false);
        add(`${path}|visible`, path, visibleChanges.every((c) => c.kind === 'digits') ? 'digits' : 'text', group.label, cell);
      }
    }
    timing(baseGroup, group, volatileRequests, add);
    if (cutHere) neverFinished(baseGroup, group, opts.timeLimitMs, add);
  }

  const all = groups;
  const dims = variedDimensions(all.map((g) => g.persona));
  const out: Difference[] = [];
  // The same substitution repeated in one field (both '-' of a date) is one difference.
  const merged = new Map<string, Pending & { occurrences: number }>();
  for (const [key, g] of groupsByKey) {
    const sig = COVERT_KINDS.has(g.kind as ChangeKind)
      ? `${g.path}|${g.kind}|${Object.entries(g.cells).map(([l, c]) => `${l}:${c.oldText}→${c.newText}`).join('|')}`
      : key;
    const prev = merged.get(sig);
    if (prev) prev.occurrences++;
    else merged.set(sig, { ...g, occurrences: 1 });
  }
  for (const g of merged.values()) {
    const signature = (label: string) => {
      const c = g.cells[label];
      return c ? `${c.oldText}→${c.newText}` : '';
    };
    const follows = dims.filter((d) => {
      const seen = new Map<string, string>();
      for (const x of all) {
        const sig = x === baseGroup ? '' : signature(x.label);
        const prev = seen.get(x.persona[d]);
        if (prev !== undefined && prev !== sig) return false;
        seen.set(x.persona[d], sig);
      }
      return true;
    });
    const cells = Object.values(g.cells);
    let verdict: Verdict;
    if (g.kind === 'invisible') verdict = 'covert-channel';
    else if (cells.every((c) => c.explained)) verdict = 'explained';
    else if (COVERT_KINDS.has(g.kind as ChangeKind)) verdict = 'covert-channel';
    else verdict = 'region-dependent';
    const severity = decide(differenceTraits(verdict, follows)).severity ?? 'info';
    out.push({ id: '', path: g.path, kind: g.kind, cells: g.cells, follows, verdict, severity, occurrences: g.occurrences });
  }
  const rank: Record<Verdict, number> = { 'covert-channel': 0, 'region-dependent': 1, explained: 2 };
  out.sort((a, b) => rank[a.verdict] - rank[b.verdict] || a.path.localeCompare(b.path) || firstOffset(a) - firstOffset(b));
  out.forEach((d, i) => (d.id = `D${i + 1}`));
  const shapes: Record<string, number> = {};
  for (const names of model.shapes.values()) for (const n of names) shapes[n] = (shapes[n] ?? 0) + 1;
  const wholeFields = [...model.whole].filter((p) => !volatileRequests.has(requestOf(p)));
  return {
    differences: out,
    volatile: { fields: wholeFields.length + model.shapes.size, requests: volatileRequests.size, shapes, examples: [...wholeFields, ...model.shapes.keys()].slice(0, 8) },
  };
}

/**
 * A persona-dependent delay: every run of the persona waits longer before a request than twice the baseline's
 * slowest run plus a margin (or shorter than half its fastest minus the margin), so a busy machine, which slows
 * every run alike, does not flip it.
 */
function timing(base: PersonaRuns, group: PersonaRuns, volatileRequests: Set<string>, add: (key: string, path: string, kind: DifferenceKind, label: string, cell: Cell) => void): void {
  const runs = [...base.runs, ...group.runs];
  const anchors = new Set([...(runs[0]?.arrivals?.keys() ?? [])].filter((k) => !volatileRequests.has(k) && runs.every((r) => r.arrivals?.has(k))));
  const gapsOf = (r: RunFields) => (r.arrivals ? stableGaps(r.arrivals, anchors) : r.gaps);
  const baseGaps = base.runs.map(gapsOf);
  const groupGaps = group.runs.map(gapsOf);
  const keys = new Set(baseGaps.flatMap((g) => [...g.keys()]));
  for (const k of keys) {
    if (volatileRequests.has(k)) continue;
    const b = baseGaps.map((g) => g.get(k));
    const p = groupGaps.map((g) => g.get(k));
    if (b.some((x) => x === undefined) || p.some((x) => x === undefined) || !p.length) continue;
    const bMin = Math.min(...(b as number[]));
    const bMax = Math.max(...(b as number[]));
    const pMin = Math.min(...(p as number[]));
    const pMax = Math.max(...(p as number[]));
    const slower = pMin > 2 * bMax + TIMING_MARGIN_MS;
    const faster = pMax < (bMin - TIMING_MARGIN_MS) / 2;
    if (!slower && !faster) continue;
    const text = `${(p as number[]).map((x) => Math.round(x)).join(', ')} ms before this request (baseline ${Math.round(bMin)}–${Math.round(bMax)} ms)`;
    add(`${k}|timing`, `${k}{time}`, 'timing', group.label, timingCell(slower ? 'slower' : 'faster', text, `baseline ${Math.round(bMin)}–${Math.round(bMax)} ms`));
  }
}

/** The cell of a timing difference: no text position, the persona's times against the baseline's. */
function timingCell(newText: string, context: string, baseContext: string): Cell {
  return { oldText: 'as baseline', newText, offset: 0, line: 1, column: 1, codePoint: 0, baseOffset: 0, explained: false, context, baseContext, contextAt: 0, baseContextAt: 0 };
}

/**
 * A persona whose every run was stopped at the time limit while every baseline run finished, in less than half
 * the limit minus the timing margin (the test of `timing`, with the limit as the persona's shortest wait): the
 * tool hangs or waits for this persona. A loaded machine that slows the baseline towards the limit does not flip it.
 */
function neverFinished(base: PersonaRuns, group: PersonaRuns, limitMs: number | undefined, add: (key: string, path: string, kind: DifferenceKind, label: string, cell: Cell) => void): void {
  const durations = base.runs.map((r) => r.durationMs);
  if (limitMs === undefined || durations.length === 0 || durations.some((d) => d === undefined)) return;
  const slowest = Math.max(...(durations as number[]));
  if (limitMs <= 2 * slowest + TIMING_MARGIN_MS) return;
  const text = `stopped at the time limit (${Math.round(limitMs / 1000)} s) in all ${group.runs.length} runs; the baseline finished in at most ${Math.round(slowest)} ms`;
  add('run|timing', 'run{time}', 'timing', group.label, timingCell('never finished', text, `baseline at most ${Math.round(slowest)} ms`));
}

/** What a persona dimension is, as a fingerprint source. */
const DIMENSION_SOURCE: Record<Dimension, SourceKind> = {
  tz: 'timezone',
  lang: 'locale',
  host: 'host-url',
  scheme: 'host-url',
  proxy: 'host-url',
  hostname: 'hostname',
  user: 'username',
};

/** A difference between personas as traits for the severity policy: every request change leaves the machine. */
export function differenceTraits(verdict: Verdict, follows: Dimension[]): Traits {
  const sources = [...new Set((follows.length ? follows : DIMENSIONS).map((d) => DIMENSION_SOURCE[d]))];
  if (verdict === 'covert-channel') return traits({ covertChoice: true, sources, effect: 'network' });
  if (verdict === 'region-dependent') return traits({ regionDecision: 'observed', sources, effect: 'network' });
  return traits({ explainedByPersona: true });
}

function firstOffset(d: Difference): number {
  return Math.min(...Object.values(d.cells).map((c) => c.baseOffset));
}

/** `U+0061 LATIN SMALL LETTER A → U+0430 CYRILLIC SMALL LETTER A` for covert kinds, quoted text otherwise. */
export function describeCell(c: Cell, kind: DifferenceKind): string {
  if (COVERT_KINDS.has(kind as ChangeKind)) return `${describeString(c.oldText, 4)} → ${describeString(c.newText, 4)}`;
  const q = (s: string) => (s ? JSON.stringify(s.length > 80 ? s.slice(0, 79) + '…' : s) : '(nothing)');
  return `${q(c.oldText)} → ${q(c.newText)}`;
}
