// Pure differential machinery: requests → JSON-path fields, learning which fields are volatile from repeated
// baseline runs, and code-point diffs whose pieces are classified by what a reader would (not) notice.
import { isOddSpace, rendersAsNothing, skeleton } from '../data/unicode.js';
import type { CapturedRequest } from './mock-llm.js';

export type FieldMap = Map<string, string>;

export const MAX_FIELDS = 100_000;
const MAX_JSON_DEPTH = 100;
/** Headers that only restate other fields. */
const DERIVED_HEADERS = new Set(['content-length']);

function pathKey(k: string): string {
  return /^[A-Za-z_$][\w$-]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`;
}

/** Marks fields that describe layout rather than content: key order, header order and casing, formatting. */
export const STRUCTURE_SUFFIXES = ['{keys}', '{order}', '{format}'] as const;

export function isStructural(path: string): boolean {
  return STRUCTURE_SUFFIXES.some((s) => path.endsWith(s));
}

/** Order-insensitive key of a batch element: digits and ids do not decide where an event sorts. */
function elementKey(v: unknown): string {
  return JSON.stringify(v).replace(/[0-9a-f]{8,}|\d+/gi, '0');
}

function flattenJson(value: unknown, path: string, out: FieldMap, depth: number): void {
  if (out.size >= MAX_FIELDS) return;
  if (depth > MAX_JSON_DEPTH) {
    out.set(path, JSON.stringify(value).slice(0, 10_000));
    return;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) out.set(path, '[]');
    // Arrays of objects are batches: compared as multisets, their order is a field of its own.
    if (value.length > 1 && value.every((v) => v && typeof v === 'object' && !Array.isArray(v))) {
      const keyed = value.map((v, i) => ({ v, i, k: elementKey(v) }));
      keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.i - b.i));
      if (keyed.some((e, j) => e.i !== j)) out.set(`${path}{order}`, keyed.map((e) => e.i).join(','));
      keyed.forEach((e, j) => flattenJson(e.v, `${path}[${j}]`, out, depth + 1));
      return;
    }
    value.forEach((v, i) => flattenJson(v, `${path}[${i}]`, out, depth + 1));
  } else if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) out.set(path, '{}');
    if (entries.length > 1) out.set(`${path}{keys}`, entries.map(([k]) => k).join(','));
    for (const [k, v] of entries) flattenJson(v, path + pathKey(k), out, depth + 1);
  } else {
    out.set(path, typeof value === 'string' ? value : JSON.stringify(value));
  }
}

/** How a JSON text is laid out (the whitespace after `{ [ : ,` and before `} ]`), independent of its content. */
export function jsonLayout(text: string): string {
  const first: Record<string, string | undefined> = {};
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if ('{[:,'.includes(c)) {
      let j = i + 1;
      while (j < text.length && /\s/.test(text[j]!)) j++;
      const cat = c === '[' ? '{' : c;
      if (j > i + 1 && first[cat] === undefined) first[cat] = text.slice(i + 1, j);
    } else if (/\s/.test(c)) {
      let j = i;
      while (j < text.length && /\s/.test(text[j]!)) j++;
      if ((text[j] === '}' || text[j] === ']') && first['}'] === undefined) first['}'] = text.slice(i, j);
      if (j >= text.length && first.end === undefined) first.end = text.slice(i, j);
      i = j - 1;
    }
  }
  const parts = ['{', ':', ',', '}', 'end'].filter((k) => first[k] !== undefined).map((k) => `${k}${JSON.stringify(first[k])}`);
  return parts.length ? parts.join(' ') : 'compact';
}

/** `POST /v1/messages(model)`: endpoint and model, without the order index. */
export function requestBase(r: CapturedRequest): string {
  let pathname = r.url;
  try {
    pathname = r.method === 'CONNECT' ? r.url : new URL(r.url, 'http://x').pathname;
  } catch {
    // Keep the raw url.
  }
  let model = '';
  try {
    const b = JSON.parse(r.body) as { model?: unknown };
    if (typeof b?.model === 'string') model = `(${b.model.slice(0, 80)})`;
  } catch {
    // Not JSON.
  }
  return `${r.method} ${pathname}${model}`;
}

/** `POST /v1/messages(model)#0`: requests are matched across runs by endpoint, model and order. */
export function requestKeys(reqs: CapturedRequest[]): string[] {
  const counts = new Map<string, number>();
  return [...reqs]
    .sort((a, b) => a.seq - b.seq)
    .map((r) => {
      const base = requestBase(r);
      const n = counts.get(base) ?? 0;
      counts.set(base, n + 1);
      return `${base}#${n}`;
    });
}

/** Field of the run as a whole: the sequence of endpoints, so a persona-dependent order shows. */
export const REQUEST_ORDER_FIELD = 'requests{order}';

function splitPairs(s: string, sep: RegExp): [string, string][] {
  return s
    .split(sep)
    .filter(Boolean)
    .map((kv) => {
      const eq = kv.indexOf('=');
      return eq < 0 ? [kv.trim(), ''] : [kv.slice(0, eq).trim(), kv.slice(eq + 1)];
    });
}

function decodeQuery(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

export function flattenRequests(reqs: CapturedRequest[]): FieldMap {
  const out: FieldMap = new Map();
  const sorted = [...reqs].sort((a, b) => a.seq - b.seq);
  const keys = requestKeys(sorted);
  if (sorted.length > 1) out.set(REQUEST_ORDER_FIELD, sorted.map(requestBase).join('\n'));
  sorted.forEach((r, i) => {
    const key = keys[i]!;
    out.set(`${key}.scheme`, r.scheme);
    if (r.sni) out.set(`${key}.sni`, r.sni);
    if (r.viaProxy) out.set(`${key}.viaProxy`, 'true');
    const q = r.url.indexOf('?');
    if (q >= 0) {
      const params = splitPairs(r.url.slice(q + 1), /&/);
      const grouped = new Map<string, string[]>();
      for (const [k, v] of params) grouped.set(decodeQuery(k), [...(grouped.get(decodeQuery(k)) ?? []), decodeQuery(v)]);
      for (const [k, vs] of grouped) out.set(`${key}.query${pathKey(k)}`, vs.join('\n'));
      if (params.length > 1) out.set(`${key}.query{order}`, params.map(([k]) => k).join(' '));
    }
    const names = r.headerNames ?? r.headers.map(([n]) => n);
    if (names.length > 1) out.set(`${key}.headers{order}`, names.filter((n) => !DERIVED_HEADERS.has(n.toLowerCase())).join(' '));
    const headers = new Map<string, string[]>();
    for (const [n, v] of r.headers) {
      if (DERIVED_HEADERS.has(n)) continue;
      if (n === 'cookie') {
        const cookies = splitPairs(v, /;\s*/);
        for (const [ck, cv] of cookies) out.set(`${key}.cookie${pathKey(ck)}`, cv);
        if (cookies.length > 1) out.set(`${key}.cookie{order}`, cookies.map(([ck]) => ck).join(' '));
        continue;
      }
      headers.set(n, [...(headers.get(n) ?? []), v]);
    }
    for (const [n, vs] of headers) out.set(`${key}.headers${pathKey(n)}`, vs.join('\n'));
    if (r.body) {
      let parsed: unknown;
      let isJson: boolean;
      try {
        parsed = JSON.parse(r.body);
        isJson = true;
      } catch {
        isJson = false;
      }
      if (isJson) {
        flattenJson(parsed, `${key}.body`, out, 0);
        out.set(`${key}.body{format}`, jsonLayout(r.body));
      } else out.set(`${key}.body`, r.body);
    }
  });
  return out;
}

/** Per request key: ms since the previous request of the run arrived (the first: since the tool started), so
 *  a delay shows at the request it precedes and not at every later one. */
export function requestGaps(reqs: CapturedRequest[], toolStartedAt: number | undefined): Map<string, number> {
  const out = new Map<string, number>();
  if (toolStartedAt === undefined) return out;
  const sorted = [...reqs].sort((a, b) => a.seq - b.seq);
  const keys = requestKeys(sorted);
  let prev = toolStartedAt;
  sorted.forEach((r, i) => {
    if (r.receivedAt === undefined) return;
    out.set(keys[i]!, Math.max(0, r.receivedAt - prev));
    prev = Math.max(prev, r.receivedAt);
  });
  return out;
}

/** Per request key: ms since the tool started when the request arrived. */
export function requestArrivals(reqs: CapturedRequest[], toolStartedAt: number | undefined): Map<string, number> {
  const out = new Map<string, number>();
  if (toolStartedAt === undefined) return out;
  const sorted = [...reqs].sort((a, b) => a.seq - b.seq);
  const keys = requestKeys(sorted);
  sorted.forEach((r, i) => {
    if (r.receivedAt !== undefined) out.set(keys[i]!, Math.max(0, r.receivedAt - toolStartedAt));
  });
  return out;
}

/**
 * Gaps measured from the previous request among `anchors` (or from the tool's start): a request that comes in some
 * runs and not others (a connectivity probe answered in one run, aborted in another) must not decide how long the
 * next one seems to have waited. The anchors are the requests every compared run sent.
 */
export function stableGaps(arrivals: Map<string, number>, anchors: ReadonlySet<string>): Map<string, number> {
  const out = new Map<string, number>();
  let prev = 0;
  for (const [k, at] of [...arrivals].sort((a, b) => a[1] - b[1])) {
    out.set(k, Math.max(0, at - prev));
    if (anchors.has(k)) prev = Math.max(prev, at);
  }
  return out;
}

// ---- code-point diff ----

export interface Hunk {
  /** Code-point index range in the old (baseline) and new (persona) strings. */
  aStart: number;
  aEnd: number;
  bStart: number;
  bEnd: number;
}

export const MAX_EDIT_DISTANCE = 2000;

/** Myers' O((N+M)D) diff over code points; beyond MAX_EDIT_DISTANCE the differing middle is one hunk. */
export function diffCodePoints(a: number[], b: number[]): Hunk[] {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const A = a.slice(pre, a.length - suf);
  const B = b.slice(pre, b.length - suf);
  if (A.length === 0 && B.length === 0) return [];
  const whole: Hunk[] = [{ aStart: pre, aEnd: pre + A.length, bStart: pre, bEnd: pre + B.length }];
  if (A.length === 0 || B.length === 0) return whole;
  const N = A.length;
  const M = B.length;
  const max = Math.min(N + M, MAX_EDIT_DISTANCE);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= max && found < 0; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < N && y < M && A[x] === B[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= N && y >= M) {
        found = d;
        break;
      }
    }
  }
  if (found < 0) return whole;
  // Walk back through the saved frontiers to recover the edit script.
  const ops: ('=' | '-' | '+')[] = [];
  let x = N;
  let y = M;
  for (let d = found; d > 0; d--) {
    const vd = trace[d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && vd[offset + k - 1]! < vd[offset + k + 1]!) ? k + 1 : k - 1;
    const prevX = vd[offset + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push('=');
      x--;
      y--;
    }
    ops.push(x === prevX ? '+' : '-');
    x = prevX;
    y = prevY;
  }
  while (x > 0 && y > 0) {
    ops.push('=');
    x--;
    y--;
  }
  ops.reverse();
  const hunks: Hunk[] = [];
  let ai = 0;
  let bi = 0;
  let cur: Hunk | undefined;
  for (const op of ops) {
    if (op === '=') {
      if (cur) hunks.push(cur);
      cur = undefined;
      ai++;
      bi++;
      continue;
    }
    cur ??= { aStart: ai + pre, aEnd: ai + pre, bStart: bi + pre, bEnd: bi + pre };
    if (op === '-') {
      ai++;
      cur.aEnd = ai + pre;
    } else {
      bi++;
      cur.bEnd = bi + pre;
    }
  }
  if (cur) hunks.push(cur);
  return hunks;
}

// ---- classification ----

export type ChangeKind = 'invisible' | 'look-alike' | 'format' | 'digits' | 'text';

/** Kinds a reader of the request would not notice, or would not read as meaningful. */
export const COVERT_KINDS: ReadonlySet<ChangeKind> = new Set(['invisible', 'look-alike', 'format']);

const PUNCT = /^[\p{P}\p{S}\p{Zs}\s]+$/u;
const LETTERS = /^\p{L}+$/u;
const DIGITS = /^\p{Nd}+$/u;

export function classifyChange(oldText: string, newText: string): ChangeKind {
  const cps = [...oldText, ...newText].map((c) => c.codePointAt(0)!);
  if (cps.some(rendersAsNothing)) return 'invisible';
  if (oldText !== newText && oldText && newText && skeleton(oldText) === skeleton(newText)) return 'look-alike';
  if (cps.some(isOddSpace)) return 'look-alike';
  const short = [...oldText].length <= 3 && [...newText].length <= 3;
  if (short && (oldText || newText) && (!oldText || PUNCT.test(oldText)) && (!newText || PUNCT.test(newText))) return 'format';
  // Whitespace only, or letters that differ only in case (header names are case-insensitive): layout, not content.
  if ((oldText || newText) && /^\s*$/u.test(oldText) && /^\s*$/u.test(newText)) return 'format';
  if (oldText && newText && LETTERS.test(oldText) && LETTERS.test(newText) && oldText.toLowerCase() === newText.toLowerCase()) return 'format';
  if (oldText && newText && DIGITS.test(oldText) && DIGITS.test(newText)) return 'digits';
  return 'text';
}

export interface Change extends Hunk {
  kind: ChangeKind;
  oldText: string;
  newText: string;
}

/** Same-length hunks are split position by position, so `2026-11-21`→`2026/11/22` yields two format
 *  changes and one digit change rather than one opaque edit. Visible edits a few characters apart merge. */
export function classifyHunks(a: number[], b: number[], hunks: Hunk[]): Change[] {
  const pieces: Change[] = [];
  const text = (cps: number[], s: number, e: number) => String.fromCodePoint(...cps.slice(s, e));
  for (const h of hunks) {
    const la = h.aEnd - h.aStart;
    const lb = h.bEnd - h.bStart;
    if (la === lb && la > 1) {
      let run: Change | undefined;
      for (let i = 0; i < la; i++) {
        const oa = a[h.aStart + i]!;
        const nb = b[h.bStart + i]!;
        if (oa === nb) {
          if (run) pieces.push(run);
          run = undefined;
          continue;
        }
        const kind = classifyChange(String.fromCodePoint(oa), String.fromCodePoint(nb));
        if (run && run.kind === kind) {
          run.aEnd++;
          run.bEnd++;
          run.oldText += String.fromCodePoint(oa);
          run.newText += String.fromCodePoint(nb);
        } else {
          if (run) pieces.push(run);
          run = { aStart: h.aStart + i, aEnd: h.aStart + i + 1, bStart: h.bStart + i, bEnd: h.bStart + i + 1, kind, oldText: String.fromCodePoint(oa), newText: String.fromCodePoint(nb) };
        }
      }
      if (run) pieces.push(run);
    } else {
      const oldText = text(a, h.aStart, h.aEnd);
      const newText = text(b, h.bStart, h.bEnd);
      pieces.push({ ...h, kind: classifyChange(oldText, newText), oldText, newText });
    }
  }
  const merged: Change[] = [];
  const visibleKinds = (k: ChangeKind) => k === 'text' || k === 'digits';
  // A look-alike pair inside a rewritten word ('1' vs 'l' in 127.0.0.1 → localhost) is part of that rewrite.
  const joins = (x: ChangeKind, y: ChangeKind) => (visibleKinds(x) && visibleKinds(y)) || (x === 'text' && y === 'look-alike') || (x === 'look-alike' && y === 'text');
  for (const p of pieces) {
    const last = merged[merged.length - 1];
    if (last && joins(last.kind, p.kind) && p.bStart - last.bEnd <= 3 && p.aStart - last.aEnd <= 3) {
      last.oldText = text(a, last.aStart, p.aEnd);
      last.newText = text(b, last.bStart, p.bEnd);
      last.aEnd = p.aEnd;
      last.bEnd = p.bEnd;
      last.kind = last.kind === 'digits' && p.kind === 'digits' && DIGITS.test(last.oldText) && DIGITS.test(last.newText) ? 'digits' : 'text';
    } else merged.push({ ...p });
  }
  return merged;
}

// ---- volatility ----

/** Value shapes that change from run to run by nature (ids, clocks); tried in order. */
export const VOLATILE_SHAPES: { name: string; re: RegExp }[] = [
  { name: 'uuid', re: /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi },
  { name: 'iso-timestamp', re: /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?/g },
  { name: 'epoch', re: /\b1\d{9}(\d{3})?(\.\d+)?\b/g },
  { name: 'hex-id', re: /\b[0-9a-f]{16,}\b/gi },
  { name: 'token-id', re: /[A-Za-z0-9_-]*\d[A-Za-z0-9_-]*[A-Za-z][A-Za-z0-9_-]{10,}|[A-Za-z0-9_-]*[A-Za-z][A-Za-z0-9_-]*\d[A-Za-z0-9_-]{10,}/g },
  { name: 'decimal', re: /\d+\.\d+/g },
  { name: 'number', re: /\d+/g },
];
/** Shapes masked in every field, learned or not: a persona cannot change them without it being noise. */
const ALWAYS_MASKED = ['uuid', 'iso-timestamp', 'epoch'];

export interface VolatileModel {
  /** Fields whose presence or whole value changes between identical runs. */
  whole: Set<string>;
  /** Fields where only tokens of these shapes change. */
  shapes: Map<string, string[]>;
}

function spans(s: string, shapeNames: string[]): [number, number][] {
  const out: [number, number][] = [];
  for (const shape of VOLATILE_SHAPES) {
    if (!shapeNames.includes(shape.name)) continue;
    for (const m of s.matchAll(new RegExp(shape.re.source, shape.re.flags))) out.push([m.index!, m.index! + m[0].length]);
  }
  return out;
}

export function maskValue(s: string, shapeNames: string[]): string {
  let out = s;
  for (const shape of VOLATILE_SHAPES) if (shapeNames.includes(shape.name)) out = out.replace(new RegExp(shape.re.source, shape.re.flags), `⟨${shape.name}⟩`);
  return out;
}

/** Learns which fields vary on their own: within each group (the repeated runs of one persona, each value first
 *  normalized by that persona's own renderings), a field whose runs differ is volatile, in the shapes of the
 *  tokens that differed (ids, clocks, numbers) or, when masking those is not enough, as a whole. A field
 *  volatile in any group is volatile everywhere. */
export function learnVolatile(groups: FieldMap[][], normalizers: ((s: string) => string)[] = []): VolatileModel {
  const model: VolatileModel = { whole: new Set(), shapes: new Map() };
  groups.forEach((runs, gi) => {
    if (runs.length < 2) return;
    const norm = normalizers[gi] ?? ((x: string) => x);
    const paths = new Set(runs.flatMap((m) => [...m.keys()]));
    for (const path of paths) {
      if (model.whole.has(path)) continue;
      const raw = runs.map((m) => m.get(path));
      if (raw.every((v) => v === raw[0])) continue;
      if (raw.some((v) => v === undefined)) {
        model.whole.add(path);
        continue;
      }
      const values = raw.map((v) => norm(v!));
      if (values.every((v) => v === values[0])) continue;
      const used = new Set([...ALWAYS_MASKED, ...(model.shapes.get(path) ?? [])]);
      const first = values[0]!;
      const a = [...first].map((c) => c.codePointAt(0)!);
      const offA = utf16Offsets(first);
      const spansA = VOLATILE_SHAPES.map((shape) => spans(first, [shape.name]));
      for (const other of values.slice(1)) {
        const b = [...other].map((c) => c.codePointAt(0)!);
        const offB = utf16Offsets(other);
        const spansB = VOLATILE_SHAPES.map((shape) => spans(other, [shape.name]));
        for (const h of diffCodePoints(a, b)) {
          const i = VOLATILE_SHAPES.findIndex(
            (_, si) => covered(spansA[si]!, offA[h.aStart]!, offA[h.aEnd]!) || covered(spansB[si]!, offB[h.bStart]!, offB[h.bEnd]!),
          );
          if (i >= 0) used.add(VOLATILE_SHAPES[i]!.name);
        }
      }
      const names = [...used];
      const masked = values.map((v) => maskValue(v, names));
      if (masked.every((m) => m === masked[0])) model.shapes.set(path, names);
      else {
        model.whole.add(path);
        model.shapes.delete(path);
      }
    }
  });
  return model;
}

/** The shapes masked in a field: those learned for it, or the ones masked everywhere. */
export function masksFor(model: VolatileModel, path: string): { name: string; re: RegExp }[] {
  const names = model.shapes.get(path) ?? ALWAYS_MASKED;
  return VOLATILE_SHAPES.filter((s) => names.includes(s.name));
}

/** UTF-16 offset of every code-point index, plus the end. */
export function utf16Offsets(s: string): number[] {
  const out = [0];
  let off = 0;
  for (const ch of s) {
    off += ch.length;
    out.push(off);
  }
  return out;
}

function covered(ms: [number, number][], from: number, to: number): boolean {
  return ms.some(([s, e]) => s <= from && to <= e);
}

