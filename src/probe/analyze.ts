// Differential analysis across personas: every difference from the baseline is grouped by where it occurs,
// attributed to the persona dimensions it follows, and judged covert (invisible, look-alike, format-only and
// unexplained by the persona) or region-dependent (visible).
import type { Severity } from '../model/finding.js';
import { describeString } from '../data/unicode.js';
import { COVERT_KINDS, diffFields, utf16Offsets, type ChangeKind, type FieldMap, type VolatileModel } from './diff.js';
import { DIMENSIONS, variedDimensions, type Dimension, type Persona } from './persona.js';
import { decide } from '../model/severity-policy.js';
import { traits, type SourceKind, type Traits } from '../model/traits.js';

export interface PersonaFields {
  label: string;
  persona: Persona;
  fields: FieldMap;
}

export type DifferenceKind = ChangeKind | 'added' | 'removed' | 'request-added' | 'request-removed';

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

const DELIM = /[\s"'`<>(){}[\],;|\u2018\u2019\u201c\u201d]/u;
const CONTEXT = 40;

/** Strings whose presence near a change explains it by the persona itself (its zone, host, locale, ...). */
export function explainers(p: Persona, base: Persona, now = new Date()): string[] {
  const out: string[] = [];
  for (const dim of Object.keys(p) as Dimension[]) {
    if (p[dim] === base[dim]) continue;
    const v = p[dim];
    out.push(v);
    if (dim === 'tz') {
      const last = v.split('/').pop()!;
      out.push(last, last.replace(/_/g, ' '));
      for (const style of ['short', 'long', 'shortOffset', 'longOffset'] as const) {
        try {
          const part = new Intl.DateTimeFormat('en-US', { timeZone: v, timeZoneName: style }).formatToParts(now).find((x) => x.type === 'timeZoneName');
          if (part && part.value !== 'GMT' && part.value !== 'UTC') out.push(part.value);
        } catch {
          // Unknown to ICU: the zone name itself still explains.
        }
      }
      const offMin = zoneOffsetMinutes(v, now);
      if (offMin !== undefined && offMin !== 0) {
        const sign = offMin < 0 ? '-' : '+';
        const hh = String(Math.floor(Math.abs(offMin) / 60)).padStart(2, '0');
        const mm = String(Math.abs(offMin) % 60).padStart(2, '0');
        out.push(`${sign}${hh}:${mm}`, `${sign}${hh}${mm}`);
      }
    } else if (dim === 'lang') {
      const bare = v.split(/[.@]/)[0]!;
      out.push(bare, bare.replace('_', '-'), bare.split(/[_-]/)[0]!);
    } else if (dim === 'proxy' && v !== 'none') {
      try {
        out.push(new URL(v).hostname);
      } catch {
        // Validated earlier.
      }
    } else if (dim === 'scheme') {
      out.push(`${v}://`);
    }
  }
  return [...new Set(out.filter((s) => s.length >= 2).map((s) => s.toLowerCase()))];
}

export function zoneOffsetMinutes(zone: string, now: Date): number | undefined {
  try {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' }).formatToParts(now);
    const get = (t: string) => Number(parts.find((x) => x.type === t)?.value);
    const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'));
    return Math.round((asUtc - Math.floor(now.getTime() / 60000) * 60000) / 60000);
  } catch {
    return undefined;
  }
}

/** The run of non-delimiter characters around [from, to) (UTF-16 offsets). */
export function tokenAround(s: string, from: number, to: number): string {
  let a = from;
  let b = to;
  while (a > 0 && from - a < 200 && !DELIM.test(s[a - 1]!)) a--;
  while (b < s.length && b - to < 200 && !DELIM.test(s[b]!)) b++;
  return s.slice(a, b);
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

/** Compares every persona with the first baseline run. `baselineRuns` are the repeated baseline runs
 *  (first one is the reference); `model` is what they taught about volatility. */
export function analyzeDifferences(baselineRuns: PersonaFields[], personas: PersonaFields[], model: VolatileModel, now = new Date()): Difference[] {
  const base = baselineRuns[0]!;
  const volatileRequests = new Set<string>();
  const requestSets = baselineRuns.map((r) => new Set([...r.fields.keys()].map(requestOf)));
  for (const set of requestSets) for (const k of set) if (!requestSets.every((s) => s.has(k))) volatileRequests.add(k);
  const baseRequests = requestSets[0]!;

  const groups = new Map<string, Pending>();
  const add = (key: string, path: string, kind: DifferenceKind, label: string, cell: Cell) => {
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { path, kind, cells: {} }));
    g.cells[label] = cell;
  };

  for (const run of personas) {
    const ex = explainers(run.persona, base.persona, now);
    const baseEx = explainers(base.persona, run.persona, now);
    const explainsNew = (s: string) => ex.some((e) => s.toLowerCase().includes(e));
    const explainsOld = (s: string) => baseEx.some((e) => s.toLowerCase().includes(e));
    const tzDiffers = run.persona.tz !== base.persona.tz;
    // Numbers, dates and punctuation are expected to be written the locale's way.
    const langDiffers = run.persona.lang !== base.persona.lang;
    const localeFormatting = (oldText: string, newText: string) => langDiffers && /^[\p{Nd}\p{P}\p{S}\s]*$/u.test(oldText + newText);
    const runRequests = new Set([...run.fields.keys()].map(requestOf));
    for (const k of runRequests) {
      if (baseRequests.has(k) || volatileRequests.has(k)) continue;
      const viaNewProxy = k.startsWith('CONNECT ') && run.persona.proxy !== base.persona.proxy;
      add(`${k}|request-added`, k, 'request-added', run.label, wholeCell(k, explainsNew(k) || viaNewProxy, true));
    }
    for (const k of baseRequests) {
      if (runRequests.has(k) || volatileRequests.has(k)) continue;
      add(`${k}|request-removed`, k, 'request-removed', run.label, wholeCell(k, explainsOld(k), false));
    }
    for (const d of diffFields(base.fields, run.fields, model)) {
      const req = requestOf(d.path);
      if (volatileRequests.has(req) || !baseRequests.has(req) || !runRequests.has(req)) continue;
      if (d.oldValue === undefined) {
        add(`${d.path}|added`, d.path, 'added', run.label, wholeCell(d.newValue!, explainsNew(d.newValue!), true));
        continue;
      }
      if (d.newValue === undefined) {
        add(`${d.path}|removed`, d.path, 'removed', run.label, wholeCell(d.oldValue, explainsOld(d.oldValue), false));
        continue;
      }
      const oldValue = d.oldValue;
      const newValue = d.newValue;
      const offA = utf16Offsets(oldValue);
      const offB = utf16Offsets(newValue);
      const visibleChanges = d.changes.filter((c) => !COVERT_KINDS.has(c.kind));
      for (const c of d.changes) {
        if (!COVERT_KINDS.has(c.kind)) continue;
        const from = offB[c.bStart]!;
        const to = offB[c.bEnd]!;
        const token = tokenAround(newValue, from, to);
        const oldToken = tokenAround(oldValue, offA[c.aStart]!, offA[c.aEnd]!);
        add(`${d.path}|${c.kind}|${c.aStart}`, d.path, c.kind, run.label, {
          oldText: c.oldText,
          newText: c.newText,
          offset: from,
          ...lineColumn(newValue, from),
          codePoint: c.bStart,
          baseOffset: offA[c.aStart]!,
          explained: c.kind !== 'invisible' && (explainsNew(token) || explainsOld(oldToken) || (c.kind === 'format' && localeFormatting(c.oldText, c.newText))),
          context: context(newValue, from, to),
          baseContext: context(oldValue, offA[c.aStart]!, offA[c.aEnd]!),
          contextAt: from - Math.max(0, from - CONTEXT),
          baseContextAt: offA[c.aStart]! - Math.max(0, offA[c.aStart]! - CONTEXT),
        });
      }
      if (visibleChanges.length) {
        const first = visibleChanges[0]!;
        const last = visibleChanges[visibleChanges.length - 1]!;
        const from = offB[first.bStart]!;
        const to = offB[last.bEnd]!;
        const explained = visibleChanges.every(
          (c) =>
            (c.kind === 'digits' && tzDiffers) ||
            localeFormatting(c.oldText, c.newText) ||
            explainsNew(tokenAround(newValue, offB[c.bStart]!, offB[c.bEnd]!)) ||
            explainsOld(tokenAround(oldValue, offA[c.aStart]!, offA[c.aEnd]!)),
        );
        add(`${d.path}|visible`, d.path, visibleChanges.every((c) => c.kind === 'digits') ? 'digits' : 'text', run.label, {
          oldText: oldValue.slice(offA[first.aStart]!, offA[last.aEnd]!),
          newText: newValue.slice(from, to),
          offset: from,
          ...lineColumn(newValue, from),
          codePoint: first.bStart,
          baseOffset: offA[first.aStart]!,
          explained,
          context: context(newValue, from, to),
          baseContext: context(oldValue, offA[first.aStart]!, offA[last.aEnd]!),
          contextAt: from - Math.max(0, from - CONTEXT),
          baseContextAt: offA[first.aStart]! - Math.max(0, offA[first.aStart]! - CONTEXT),
        });
      }
    }
  }

  const all = [base, ...personas];
  const dims = variedDimensions(all.map((r) => r.persona));
  const out: Difference[] = [];
  // The same substitution repeated in one field (both '-' of a date) is one difference.
  const merged = new Map<string, Pending & { occurrences: number }>();
  for (const [key, g] of groups) {
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
      for (const r of all) {
        const sig = r === base ? '' : signature(r.label);
        const prev = seen.get(r.persona[d]);
        if (prev !== undefined && prev !== sig) return false;
        seen.set(r.persona[d], sig);
      }
      return true;
    });
    const cells = Object.values(g.cells);
    const allExplained = cells.every((c) => c.explained);
    let verdict: Verdict;
    if (g.kind === 'invisible') verdict = 'covert-channel';
    else if (allExplained) verdict = 'explained';
    else if (COVERT_KINDS.has(g.kind as ChangeKind) && !(follows.length === 1 && follows[0] === 'lang')) verdict = 'covert-channel';
    else verdict = 'region-dependent';
    const severity = decide(differenceTraits(verdict, follows)).severity ?? 'info';
    out.push({ id: '', path: g.path, kind: g.kind, cells: g.cells, follows, verdict, severity, occurrences: g.occurrences });
  }
  const rank: Record<Verdict, number> = { 'covert-channel': 0, 'region-dependent': 1, explained: 2 };
  out.sort((a, b) => rank[a.verdict] - rank[b.verdict] || a.path.localeCompare(b.path) || firstOffset(a) - firstOffset(b));
  out.forEach((d, i) => (d.id = `D${i + 1}`));
  return out;
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
