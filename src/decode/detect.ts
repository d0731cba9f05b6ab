// Cheap recognition of encoded string literals. Called on every string literal of a bundle, so the
// common case (a literal with a space, a dot or any other character outside the encoded alphabets)
// must leave after a few character comparisons, and everything else is one linear pass.

export type EncodedKind = 'base64' | 'base64url' | 'hex';

/** Longer literals are not examined at all: decoding them costs more than any verdict is worth. */
export const MAX_EXAMINED_LENGTH = 1 << 20;
export const MIN_ENCODED_LENGTH = 16;

// Digest lengths in hex (md5, sha1, sha224, sha256, sha384, sha512): identifiers, not payloads.
const HASH_HEX_LENGTHS: ReadonlySet<number> = new Set([32, 40, 56, 64, 96, 128]);
const SEPARATED_WORDS = /^[-_]*(?:[A-Za-z]+\d*|\d+)(?:[-_]+(?:[A-Za-z]+\d*|\d+))+[-_]*$/;
const INTEGRITY_PREFIX = /^(?:sha(?:1|224|256|384|512)|md5)-/;

const enum Cls {
  Other,
  Upper,
  Lower,
}

/** Shannon entropy in bits per character over the UTF-16 code units of `s` (ASCII expected). */
export function charEntropy(s: string): number {
  const counts = new Uint32Array(128);
  for (let i = 0; i < s.length; i++) counts[s.charCodeAt(i) & 127]++;
  let h = 0;
  for (const c of counts) {
    if (c === 0) continue;
    const p = c / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

function hexIsPrintableAscii(s: string): boolean {
  for (let i = 0; i < s.length; i += 2) {
    const b = parseInt(s.slice(i, i + 2), 16);
    if (!((b >= 0x20 && b < 0x7f) || b === 0x0a || b === 0x09 || b === 0x0d)) return false;
  }
  return true;
}

/**
 * `base64`, `base64url` or `hex` when `s` plausibly is an encoding of bytes; `null` for plain words,
 * identifiers, paths, alphabets ("ABC…xyz0123456789+/"), digests (hex of 32/40/64/128 chars,
 * `sha512-…` integrity strings) and anything shorter than 16 or longer than 1 MiB characters.
 */
export function looksEncoded(s: string): EncodedKind | null {
  const n = s.length;
  if (n < MIN_ENCODED_LENGTH || n > MAX_EXAMINED_LENGTH) return null;

  let upper = 0;
  let lower = 0;
  let digit = 0;
  let plusSlash = 0;
  let slash = 0;
  let dashUnderscore = 0;
  let pad = 0;
  let hexUpper = 0;
  let hexLower = 0;
  let ascending = 0;
  let digitRuns = 0;
  let lowerRun = 0;
  let wordyChars = 0;
  let prevCls = Cls.Other;
  let prev = -2;

  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    let cls = Cls.Other;
    if (pad > 0 && c !== 61) return null; // '=' only as trailing padding
    if (c >= 65 && c <= 90) {
      upper++;
      cls = Cls.Upper;
      if (c <= 70) hexUpper++;
    } else if (c >= 97 && c <= 122) {
      lower++;
      cls = Cls.Lower;
      if (c <= 102) hexLower++;
    } else if (c >= 48 && c <= 57) {
      digit++;
      if (!(prev >= 48 && prev <= 57)) digitRuns++;
    }
    else if (c === 43) plusSlash++;
    else if (c === 47) {
      plusSlash++;
      slash++;
    } else if (c === 45 || c === 95) dashUnderscore++;
    else if (c === 61) pad++;
    else return null;

    if (c === prev + 1) ascending++;
    prev = c;
    if (cls === Cls.Lower && prevCls === Cls.Lower) lowerRun++;
    else {
      if (lowerRun >= 4) wordyChars += lowerRun;
      lowerRun = cls === Cls.Lower ? 1 : 0;
    }
    prevCls = cls;
  }
  if (lowerRun >= 4) wordyChars += lowerRun;

  // Alphabets and counting sequences ("0123456789abcdef", "ABCD…").
  if (ascending * 2 >= n) return null;

  const letters = upper + lower;
  const onlyHex = letters === hexUpper + hexLower && plusSlash + dashUnderscore + pad === 0;
  if (onlyHex) {
    if (n % 2 !== 0) return null;
    // A digest is random bytes; printable ASCII of exactly a digest's length is text after all.
    if (HASH_HEX_LENGTHS.has(n) && !hexIsPrintableAscii(s)) return null;
    if (digit === 0 || letters === 0) return null; // decimal numbers, words like "deadbeefcafe…"
    if (hexUpper > 0 && hexLower > 0) return null;
    return 'hex';
  }

  if (plusSlash > 0 && dashUnderscore > 0) return null;
  if (pad > 2) return null;
  if (pad > 0 ? n % 4 !== 0 : n % 4 === 1) return null;
  if (upper === 0 || lower === 0) return null; // CONSTANT_NAMES, lowercase words and paths
  if (digit === 0 && plusSlash === 0 && pad === 0) return null; // camelCaseIdentifiers
  if (dashUnderscore > 0 && INTEGRITY_PREFIX.test(s)) return null;
  // Identifiers and paths made of words, with a number or two in them ("src/v2/Button1", "utf8ToBase64");
  // encoded bytes of any length put digits and '+' all over the place.
  const fewNumbers = digitRuns <= 2 && pad === 0 && plusSlash === slash;
  if (fewNumbers && (wordyChars * 10 > n * 4 || (slash >= 2 && slash * 8 > n))) return null;
  // snake_case_message_keys_with_1_or_2_numbers and kebab-case-names.
  if (dashUnderscore >= 2 && SEPARATED_WORDS.test(s)) return null;
  if (dashUnderscore * 12 > n && wordyChars * 10 > n * 3) return null;
  if (charEntropy(s) < 0.55 * Math.log2(Math.min(n, 64))) return null; // "AAAAAAAA…" filler
  return dashUnderscore > 0 ? 'base64url' : 'base64';
}
