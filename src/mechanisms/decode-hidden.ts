// Decodes the encoded literals a walk collected, now that the file's XOR keys are known, and turns
// the plausible ones into hidden-data facts (analysed again for region data and source names).

import { decodeCharCodeList, decodeLiteral, plausibility, PLAUSIBLE } from '../decode/index.js';
import { classifyRegionString } from '../data/region.js';
import type { DataFact, Facts, Span } from '../flow/facts.js';
import type { EvalDecoder } from '../decode/sandbox.js';
import { digestAlgorithm, nameDigest } from '../data/digests.js';

/** Things whose names in decoded text mean the code hides what it reads about the user. */
const SOURCE_NAMES =
  /\b(resolvedOptions|timeZone|getTimezoneOffset|hostname|userInfo|networkInterfaces|machine-?id|IOPlatformUUID|MachineGuid|navigator\.language|[A-Z][A-Z0-9_]*_(BASE_URL|API_URL|HOST|PROXY))\b/;

const MAX_DECODE = 256 * 1024;

/** Splits decoded text into list items (comma, newline, semicolon, pipe or space separated). */
export function listItems(text: string): string[] {
  return text
    .split(/[,\n;|\s]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0 && s.length <= 253);
}

export function regionOf(items: string[]): string[] {
  const countries = new Map<string, number>();
  for (const it of items.slice(0, 5000)) {
    const r = classifyRegionString(it);
    if (r?.country) countries.set(r.country, (countries.get(r.country) ?? 0) + 1);
  }
  return [...countries.entries()].sort((a, b) => b[1] - a[1]).map(([c]) => c);
}

function nearest(sites: Span[], at: number): Span | undefined {
  let best: Span | undefined;
  for (const s of sites) if (!best || Math.abs(s.start - at) < Math.abs(best.start - at)) best = s;
  return best;
}

/**
 * Decoded text worth showing: varied characters, some words, not a run of one letter (byte tables
 * XOR-ed with a key look like "ddddeeed"; lookup tables of small numbers like control characters).
 */
export function meaningful(text: string): boolean {
  if (text.length < 4) return false;
  const sample = text.length > 4096 ? text.slice(0, 4096) : text;
  const distinct = new Set(sample).size;
  if (distinct < 5) return false;
  if (!/[A-Za-z\u00C0-\u024F\u0400-\u04FF\u4E00-\u9FFF]{3}/.test(sample)) return false;
  const counts = new Map<string, number>();
  for (const ch of sample) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const top = Math.max(...counts.values());
  if (top / sample.length >= 0.4) return false;
  // A character set (an alphabet, a set of delimiters) is stored sorted: "aejlnprsuw", ",<Yfijmorst".
  if (sample.length <= 64) {
    let ascending = 0;
    for (let i = 1; i < sample.length; i++) if (sample.charCodeAt(i) > sample.charCodeAt(i - 1)) ascending++;
    if (ascending / (sample.length - 1) > 0.8) return false;
  }
  // Lookup tables XOR-ed with a key repeat short patterns ("enstenstgklvgklv…").
  if (sample.length >= 20) {
    const grams = new Set<string>();
    for (let i = 0; i + 3 <= sample.length; i++) grams.add(sample.slice(i, i + 3));
    if (grams.size / (sample.length - 2) < 0.35) return false;
    // …or repeat with a short period ("abcdabcdabcd", "enstenst").
    for (let p = 1; p <= 8; p++) {
      let same = 0;
      for (let i = 0; i + p < sample.length; i++) if (sample[i] === sample[i + p]) same++;
      if (same / (sample.length - p) > 0.5) return false;
    }
  }
  return true;
}

/** Decoded text as a hidden-data fact, analysed again for region data and fingerprint-source names. */
function hiddenFact(node: number, at: Span, encoding: string, text: string, decoder: Span | undefined): DataFact {
  const fact: DataFact = { kind: 'hidden', node, start: at.start, end: at.end, text, countries: regionOf(listItems(text)), decoded: { encoding, text } };
  if (decoder) fact.decoder = decoder;
  const named = SOURCE_NAMES.exec(text);
  if (named) fact.namesSource = named[0];
  return fact;
}

/** At most this many sandbox runs per file; each is also capped in time and memory by the sandbox. */
const MAX_SANDBOX_CALLS = 24;
const IDENT = /[A-Za-z_$][\w$]*/g;

/** A decoder function of the file whose run was stopped by its time or memory limit, or by the file's decoder budget. */
export interface StoppedDecoder {
  fn: string;
  /** Offset of the decoder function in the file. */
  start: number;
  error: string;
  /** Calls of it that were not run after it was stopped. */
  skipped: number;
}

/** Functions that rearrange the characters of a string: reversal, interleaving, index arithmetic. */
const REARRANGES = /\.reverse\(\)|%\s*2\b|[+-]=\s*2\b|\[\s*\w+\s*[+-]\s*1\s*\]|\.length\s*-\s*1\b/;
/** Of the file's sandbox runs, at most this many for such strings (they are guesses; encoded literals go first). */
const MAX_TEXT_RUNS = 8;

/** `b` has the characters of `a` in another order (list separators aside). */
function rearranged(a: string, b: string): boolean {
  if (a === b) return false;
  const strip = (s: string) => [...s.replace(/[,;|\s]/g, '')].sort().join('');
  return strip(a) === strip(b);
}

/** Declarations a decoder needs, computed from constants of the file (see constantClosure). */
export type NeededDeclarations = (names: Iterable<string>) => string[];

/**
 * Decodes encoded literals that static decoding could not explain by running, in the sandbox, the
 * one small function of the file they are passed to, with the simple constants it names prepended
 * (and, when it misses a name, the declarations that compute it from constants: `needed`).
 * Word-less strings passed to a function that rearranges characters are run the same way and kept
 * when the result is the same characters reordered into text (reversed, interleaved).
 * Nothing else of the package runs; the sandbox has no I/O. A decoder stopped by its limits is not run
 * again for the file's other literals (it would only be stopped again); it is returned, with where it is.
 */
export async function decodeInSandbox(facts: Facts, text: string, evalDecoder: EvalDecoder, limits: string[], needed?: NeededDeclarations): Promise<StoppedDecoder[]> {
  const decoded = new Set(facts.data.filter((d) => d.kind === 'hidden').map((d) => d.node));
  const { functions, constants, calls, textCalls } = facts.decoderCode;
  const tried = new Set<string>();
  const stopped = new Map<string, StoppedDecoder>();
  const rearranging = new Map<string, boolean>();
  let runs = 0;
  let textRuns = 0;
  const work = [...calls.map((c) => ({ call: c, text: false })), ...textCalls.map((c) => ({ call: c, text: true }))];
  for (const { call, text: isText } of work) {
    if (decoded.has(call.candidate)) continue;
    const span = functions.get(call.fn);
    if (!span) continue;
    const source = text.slice(span.start, span.end);
    if (isText) {
      let r = rearranging.get(call.fn);
      if (r === undefined) rearranging.set(call.fn, (r = REARRANGES.test(source)));
      if (!r || textRuns >= MAX_TEXT_RUNS) continue;
    }
    const key = call.fn + '\u0000' + call.value;
    if (tried.has(key)) continue;
    tried.add(key);
    const stop = stopped.get(call.fn);
    if (stop) {
      stop.skipped++;
      continue;
    }
    if (isText) textRuns++;
    if (runs++ >= MAX_SANDBOX_CALLS) {
      limits.push(`more than ${MAX_SANDBOX_CALLS} decoder calls in one file; the rest were not run in the sandbox`);
      break;
    }
    const prelude: string[] = [];
    const names = new Set(source.match(IDENT) ?? []);
    names.delete(call.fn);
    for (const name of names) {
      const v = constants.get(name);
      if (v !== undefined && v !== null) prelude.push(`var ${name} = ${JSON.stringify(v)};`);
    }
    let result = await evalDecoder(`${prelude.join('\n')}\n${source}\n${call.fn}`, [call.value]);
    if (!result.ok && !result.stopped && needed && /ReferenceError|is not defined/.test(result.error)) {
      // A name computed at run time from constants (a derived key, a helper): run its declarations first.
      const extra = needed([...names].filter((n) => !constants.has(n)));
      if (extra.length > 0) result = await evalDecoder(`${prelude.join('\n')}\n${extra.join('\n')}\n${source}\n${call.fn}`, [call.value]);
    }
    if (!result.ok) {
      if (result.stopped) {
        stopped.set(call.fn, { fn: call.fn, start: span.start, error: result.error, skipped: 0 });
        if (result.stopped === 'budget') break;
        continue;
      }
      // Contained (no host objects, capped work): said in the report, and the file goes on.
      if (!isText) limits.push(`decoder ${call.fn} (offset ${span.start}) did not run in the sandbox: ${result.error}`);
      continue;
    }
    if (isText && !rearranged(call.value, result.value)) continue;
    if (!meaningful(result.value) || plausibility(result.value) < PLAUSIBLE) continue;
    facts.data.push(hiddenFact(call.candidate, call, `sandbox(${call.fn})`, result.value, span));
    decoded.add(call.candidate);
  }
  for (const s of stopped.values()) {
    limits.push(`decoder ${s.fn} (offset ${s.start}) was stopped in the sandbox: ${s.error}${s.skipped ? `; ${s.skipped} more calls of it were not run` : ''}`);
  }
  return [...stopped.values()];
}

/** Candidates per file that get a full single-byte XOR search; the rest are tried with the file's own keys only. */
const MAX_BRUTE_FORCE = 400;

export function decodeHidden(facts: Facts, limits: string[]): void {
  const keys = [...facts.xorKeys].slice(0, 64);
  let index = 0;
  for (const c of facts.encoded) {
    const brute = index++ < MAX_BRUTE_FORCE;
    if (index === MAX_BRUTE_FORCE + 1) {
      limits.push(`more than ${MAX_BRUTE_FORCE} encoded literals in one file; the rest were decoded only with the keys the file names`);
    }
    const hint = { keys, bruteForce: brute, xorKeyBytes: facts.xorKeyBytes, shifts: [...facts.shifts] };
    let result: { encoding: string; text: string } | null = null;
    if (c.codes) {
      result = decodeCharCodeList(c.codes, hint);
    } else if (c.value !== null) {
      if (c.value.length > MAX_DECODE) {
        limits.push(`encoded literal at offset ${c.start} is ${c.value.length} characters; decoding skipped above ${MAX_DECODE}`);
        continue;
      }
      result = decodeLiteral(c.value, hint);
    }
    if (!result || !meaningful(result.text)) continue;
    // A string found only by trying keys must look like a message, not a byte table shifted into
    // letters ("llllmmmmnnnn…"): long enough and made of enough different characters.
    if (result.encoding.includes('xor') && (result.text.length < 8 || new Set(result.text.slice(0, 4096)).size < 8)) continue;
    const decoder = result.encoding.includes('xor') ? nearest(facts.xorSites, c.start) : nearest(facts.decodeSites, c.start);
    facts.data.push(hiddenFact(c.node, c, result.encoding, result.text, decoder));
  }
}

/**
 * Constant digests in a file that hashes something become hidden data: named when a time zone, country
 * code, ccTLD or one of the file's own hosts hashes to them. A digest counts only when a hashed
 * fingerprint is compared with it (targeting), or when it is named.
 */
export function decodeDigests(facts: Facts, hosts: Iterable<string>): void {
  if (facts.hashSites.length === 0 || facts.digests.length === 0) return;
  const extra = [...hosts].slice(0, 500);
  for (const c of facts.digests) {
    const algorithm = digestAlgorithm(c.value)!;
    const named = nameDigest(c.value, extra);
    const text = named ?? c.value.toLowerCase();
    const fact: DataFact = {
      kind: 'hidden',
      node: c.node,
      start: c.start,
      end: c.end,
      text,
      countries: named ? regionOf([named]) : [],
      decoded: { encoding: named ? `${algorithm} digest of a known value` : `${algorithm} digest (no known value matches)`, text },
      digest: { algorithm, named: named !== null },
    };
    const site = nearest(facts.hashSites, c.start);
    if (site) fact.decoder = site;
    facts.data.push(fact);
  }
}
