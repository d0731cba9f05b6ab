import { decodeBytes, utf8OrNull } from './bytes.js';
import { looksEncoded, MAX_EXAMINED_LENGTH, MIN_ENCODED_LENGTH, type EncodedKind } from './detect.js';
import { benignBlob } from './magic.js';
import { plausibility, PLAUSIBLE } from './plausibility.js';
import { bruteForceXor, tryXorKey } from './xor.js';

export interface DecodeResult {
  /** How the text was recovered: `base64`, `base64+xor(37)`, `hex`, `reversed+base64`, `charcodes`, `escapes`, ... */
  encoding: string;
  text: string;
  /** plausibility(text), 0..1. */
  score: number;
}

export interface DecodeHint {
  /** Numeric constants seen next to a decoder (`^ 37`, `^ K` with K = 37). */
  keys?: number[];
  /** A string constant used as a repeating XOR key (`s.charCodeAt(i) ^ k.charCodeAt(i % k.length)`). */
  xorKeyString?: string;
  /** Multi-byte XOR keys the code names: string constants (their code units) or arrays of numbers. */
  xorKeyBytes?: number[][];
  /** Constants added to or subtracted from char codes (`fromCharCode(c - 3)`): the text is the codes minus each. */
  shifts?: number[];
  /** Try all 255 single-byte keys when the hinted ones fail (default true; callers cap it per file). */
  bruteForce?: boolean;
}

/** Hinted keys beyond this many are ignored: each costs a pass over the bytes. */
const MAX_HINT_KEYS = 64;
const MAX_MULTI_KEYS = 16;
const MAX_KEY_BYTES = 256;
/** Encoded text that decodes to encoded text is followed this many layers deep (base64 inside hex inside base64…). */
const MAX_LAYERS = 4;
const MAX_CHAR_CODES = 1 << 18;
const CHAR_CODE_LIST = /^\s*\d{1,7}(?:\s*,\s*\d{1,7}){7,}\s*,?\s*$/;
const REVERSED_SCHEME = /\/\/:[a-z][a-z0-9+.-]{1,9}$/;

function accept(encoding: string, text: string, threshold = PLAUSIBLE): DecodeResult | null {
  const score = plausibility(text);
  return score >= threshold ? { encoding, text, score } : null;
}

function keyBytesOf(key: string): Uint8Array {
  // Decoders index the key with charCodeAt, so its code units (low byte) are the key bytes.
  return Uint8Array.from(key, (c) => c.charCodeAt(0) & 0xff);
}

function hintedKeys(hint: DecodeHint | undefined): number[] {
  return [...new Set(hint?.keys ?? [])].filter((k) => Number.isInteger(k) && k !== 0).slice(0, MAX_HINT_KEYS);
}

function multiByteKeys(hint: DecodeHint | undefined): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const k of hint?.xorKeyBytes ?? []) {
    if (k.length < 2 || k.length > MAX_KEY_BYTES || !k.every((b) => Number.isInteger(b))) continue;
    out.push(Uint8Array.from(k, (b) => b & 0xff));
    if (out.length >= MAX_MULTI_KEYS) break;
  }
  return out;
}

function shiftsOf(hint: DecodeHint | undefined): number[] {
  return [...new Set(hint?.shifts ?? [])].filter((k) => Number.isInteger(k) && k !== 0 && Math.abs(k) < 0x10000).slice(0, MAX_HINT_KEYS);
}

function keyLabel(key: Uint8Array): string {
  const text = String.fromCharCode(...key);
  return /^[\x20-\x7e]+$/.test(text) ? JSON.stringify(text) : `[${[...key].join(',')}]`;
}

function bestOf(...results: (DecodeResult | null)[]): DecodeResult | null {
  let best: DecodeResult | null = null;
  for (const r of results) if (r && (!best || r.score > best.score)) best = r;
  return best;
}

// Every candidate is scored and the best kept: a wrong key (or no key) can yield text that passes
// on its own, e.g. XOR 2 swaps '.' and ',' and maps letters to letters.
function decodeXor(bytes: Uint8Array, label: string, hint: DecodeHint | undefined): DecodeResult | null {
  const hinted: (DecodeResult | null)[] = [];
  for (const key of hintedKeys(hint)) {
    if (key < 1 || key > 255) continue;
    const r = tryXorKey(bytes, Uint8Array.of(key));
    if (r && r.score >= PLAUSIBLE) hinted.push({ encoding: `${label}+xor(${key})`, ...r });
  }
  if (hint?.xorKeyString) {
    const r = tryXorKey(bytes, keyBytesOf(hint.xorKeyString));
    if (r && r.score >= PLAUSIBLE) hinted.push({ encoding: `${label}+xor(${JSON.stringify(hint.xorKeyString)})`, ...r });
  }
  for (const key of multiByteKeys(hint)) {
    const r = tryXorKey(bytes, key);
    if (r && r.score >= PLAUSIBLE) hinted.push({ encoding: `${label}+xor(${keyLabel(key)})`, ...r });
  }
  for (const k of shiftsOf(hint)) {
    const text = utf8OrNull(bytes.map((b) => (b - k) & 0xff));
    const r = text === null ? null : accept(`${label}+shift(${k})`, text);
    if (r) hinted.push(r);
  }
  const brute = hint?.bruteForce === false ? null : bruteForceXor(bytes);
  return bestOf(...hinted, brute && { encoding: `${label}+xor(${brute.key})`, text: brute.text, score: brute.score });
}

function decodeEncoded(
  s: string,
  kind: EncodedKind,
  label: string,
  hint: DecodeHint | undefined,
  layer: number,
  bytes: Uint8Array = decodeBytes(s, kind),
): DecodeResult | null {
  if (benignBlob(bytes) !== null) return null;
  const text = utf8OrNull(bytes);
  if (text !== null) {
    if (layer < MAX_LAYERS) {
      const inner = looksEncoded(text);
      const nested = inner && decodeEncoded(text, inner, `${label}+${inner}`, hint, layer + 1);
      if (nested) return nested;
    }
    const plain = accept(label, text);
    if (plain && plain.score === 1) return plain;
    return bestOf(plain, decodeXor(bytes, label, hint));
  }
  return decodeXor(bytes, label, hint);
}

/** The string for the given char codes (each XOR-ed with `key`), or null when one is not a code point. */
export function decodeCharCodes(nums: number[], key?: number): string | null {
  if (nums.length === 0 || nums.length > MAX_CHAR_CODES) return null;
  const k = key ?? 0;
  if (!Number.isInteger(k)) return null;
  let out = '';
  for (const n of nums) {
    if (!Number.isInteger(n)) return null;
    const cp = n ^ k;
    if (cp < 0 || cp > 0x10ffff) return null;
    out += String.fromCodePoint(cp);
  }
  return out;
}

/**
 * The plaintext of a list of char codes (`String.fromCharCode(...)` arguments, a numeric array):
 * as they are, XOR-ed with a hinted key, or XOR-ed with a brute-forced byte key; null when no
 * candidate is plausible text. Unlike `decodeCharCodes`, this judges the result.
 */
export function decodeCharCodeList(nums: number[], hint?: DecodeHint): DecodeResult | null {
  const plain = decodeCharCodes(nums);
  const candidates: (DecodeResult | null)[] = [plain === null ? null : accept('charcodes', plain)];
  for (const key of hintedKeys(hint)) {
    const text = decodeCharCodes(nums, key);
    candidates.push(text === null ? null : accept(`charcodes+xor(${key})`, text));
  }
  for (const key of multiByteKeys(hint)) {
    const text = decodeCharCodes(nums.map((n, i) => n ^ key[i % key.length]!));
    candidates.push(text === null ? null : accept(`charcodes+xor(${keyLabel(key)})`, text));
  }
  for (const k of shiftsOf(hint)) {
    const text = decodeCharCodes(nums.map((n) => n - k));
    candidates.push(text === null ? null : accept(`charcodes+shift(${k})`, text));
  }
  if (nums.length <= MAX_CHAR_CODES && nums.every((n) => Number.isInteger(n) && n >= 0 && n <= 255)) {
    const brute = hint?.bruteForce === false ? null : bruteForceXor(Uint8Array.from(nums));
    if (brute) candidates.push({ encoding: `charcodes+xor(${brute.key})`, text: brute.text, score: brute.score });
  }
  return bestOf(...candidates);
}

const ESCAPE = /\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|u\{[0-9a-fA-F]{1,6}\})/g;

/** Share of `raw` (source text of a literal, quotes excluded) spelled as \x.. / \u.... escapes. */
export function escapedShare(raw: string): number {
  if (raw.length === 0) return 0;
  let escaped = 0;
  for (const m of raw.matchAll(ESCAPE)) escaped += m[0].length;
  return escaped / raw.length;
}

/**
 * Resolves the JavaScript escapes of a literal's raw source text (`\x41`, `\u0041`, `\u{1F600}`,
 * `\n`, octal `\101`...). Text that is "mostly escaped" in source hides what it says from a reader;
 * use `escapedShare` to measure that.
 */
export function unescapeRun(s: string): string {
  return s.replace(
    /\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|u\{([0-9a-fA-F]{1,6})\}|([0-3][0-7]{0,2}|[4-7][0-7]?)|(\r\n|[\s\S]))/g,
    (whole, hex2: string | undefined, hex4: string | undefined, hexN: string | undefined, oct: string | undefined, single: string | undefined) => {
      const hex = hex2 ?? hex4 ?? hexN;
      if (hex !== undefined) {
        const cp = parseInt(hex, 16);
        return cp <= 0x10ffff ? String.fromCodePoint(cp) : whole;
      }
      if (oct !== undefined) return String.fromCharCode(parseInt(oct, 8));
      switch (single) {
        case 'n':
          return '\n';
        case 't':
          return '\t';
        case 'r':
          return '\r';
        case 'b':
          return '\b';
        case 'f':
          return '\f';
        case 'v':
          return '\v';
        case '\n':
        case '\r':
        case '\r\n':
        case '\u2028':
        case '\u2029':
          return ''; // line continuation
        default:
          return single ?? whole;
      }
    },
  );
}

// RFC 4648 base32: upper-case letters and 2-7, padded with '=' to a multiple of 8. Upper-case words
// without digits are constants, not base32, so a digit must appear.
const BASE32 = /^(?=[A-Z2-7]*[2-7])[A-Z2-7]{16,}={0,6}$/;
const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** True when `s` looks like base32 (see BASE32); decodeLiteral tries it. */
export function looksBase32(s: string): boolean {
  return s.length <= MAX_EXAMINED_LENGTH && BASE32.test(s);
}

function base32Bytes(s: string): Uint8Array | null {
  const body = s.replace(/=+$/, '');
  if (s.includes('=') && s.length % 8 !== 0) return null;
  if ([1, 3, 6].includes(body.length % 8)) return null;
  const out: number[] = [];
  let buf = 0;
  let bits = 0;
  for (const c of body) {
    buf = ((buf << 5) | BASE32_ALPHABET.indexOf(c)) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((buf >> bits) & 0xff);
    }
  }
  return Uint8Array.from(out);
}

function decodeBase32(bytes: Uint8Array, hint: DecodeHint | undefined): DecodeResult | null {
  if (benignBlob(bytes) !== null) return null;
  const text = utf8OrNull(bytes);
  const plain = text === null ? null : accept('base32', text);
  if (plain && plain.score === 1) return plain;
  return bestOf(plain, decodeXor(bytes, 'base32', { ...hint, bruteForce: false }));
}

// Ascii85 (btoa of PostScript and PDF, Python's base64.a85encode): five characters '!'..'u' per four
// bytes, 'z' for four zero bytes, optionally framed by <~ ~>. Unframed, it is taken for Ascii85 only
// when it mixes upper and lower case, digits and much punctuation and has no space (prose has
// spaces, identifiers and paths little punctuation); the decoded text must then be plausible.
const MIN_ASCII85_LENGTH = 20;

/** True when `s` may be Ascii85 (see above); decodeLiteral tries it. Called on literals during the walk: one pass, early exits. */
export function looksAscii85(s: string): boolean {
  const n = s.length;
  if (n < MIN_ASCII85_LENGTH || n > MAX_EXAMINED_LENGTH) return false;
  const framed = s.startsWith('<~') && s.endsWith('~>');
  const from = framed ? 2 : 0;
  const to = framed ? n - 2 : n;
  let upper = 0;
  let lower = 0;
  let digit = 0;
  let punct = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c === 122 /* z */) continue;
    if (c < 33 || c > 117) return false;
    if (c >= 65 && c <= 90) upper++;
    else if (c >= 97) lower++;
    else if (c >= 48 && c <= 57) digit++;
    else punct++;
  }
  if (framed) return true;
  if ((to - from) % 5 === 1) return false;
  // A quarter to a third of Ascii85 digits are punctuation; identifier paths ("a.b[0]") have less.
  if (!(upper > 0 && lower > 0 && digit > 0 && punct * 100 >= 22 * n)) return false;
  return !REGEX_SOURCE.test(s);
}

/** Regular-expression sources are punctuation-heavy too: a class range, an escape class, a group. */
const REGEX_SOURCE = /[A-Za-z0-9]-[A-Za-z0-9][\]_$]|\\[dwsbuDWS]|\(\?[:=!<]/;

function ascii85Bytes(s: string): Uint8Array | null {
  const body = s.startsWith('<~') && s.endsWith('~>') ? s.slice(2, -2) : s;
  const out: number[] = [];
  let group = 0;
  let count = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (c === 122 && count === 0) {
      out.push(0, 0, 0, 0);
      continue;
    }
    if (c < 33 || c > 117) return null;
    group = group * 85 + (c - 33);
    if (++count === 5) {
      if (group > 0xffffffff) return null;
      out.push((group >>> 24) & 0xff, (group >>> 16) & 0xff, (group >>> 8) & 0xff, group & 0xff);
      group = 0;
      count = 0;
    }
  }
  if (count === 1) return null;
  if (count > 0) {
    for (let k = count; k < 5; k++) group = group * 85 + 84;
    if (group > 0xffffffff) return null;
    const tail = [(group >>> 24) & 0xff, (group >>> 16) & 0xff, (group >>> 8) & 0xff, group & 0xff];
    out.push(...tail.slice(0, count - 1));
  }
  return Uint8Array.from(out);
}

function decodeAscii85(s: string, hint: DecodeHint | undefined): DecodeResult | null {
  const bytes = ascii85Bytes(s);
  if (!bytes || bytes.length === 0 || benignBlob(bytes) !== null) return null;
  const text = utf8OrNull(bytes);
  if (text !== null) {
    const inner = looksEncoded(text);
    const nested = inner && decodeEncoded(text, inner, `ascii85+${inner}`, hint, 2);
    if (nested) return nested;
  }
  const plain = text === null ? null : accept('ascii85', text);
  if (plain && plain.score === 1) return plain;
  return bestOf(plain, decodeXor(bytes, 'ascii85', { ...hint, bruteForce: false }));
}

function reverse(s: string): string {
  return [...s].reverse().join('');
}

function percentShare(s: string): number {
  let n = 0;
  for (const m of s.matchAll(/%[0-9a-fA-F]{2}/g)) n += m[0].length;
  return n / s.length;
}

/**
 * The plaintext hidden in a string literal's value, or null. Tries base64/base64url/hex (then a
 * hinted or brute-forced XOR key on the bytes), reversed base64, reversed URLs, comma-separated
 * char codes, literal `\xNN` escapes and percent-encoding. Known binary formats (images, fonts,
 * wasm, archives) yield null: they are inlined assets, see `benignBlob`.
 */
export function decodeLiteral(s: string, hint?: DecodeHint): DecodeResult | null {
  if (s.length < MIN_ENCODED_LENGTH || s.length > MAX_EXAMINED_LENGTH) return null;

  const kind = looksEncoded(s);
  if (kind) return decodeEncoded(s, kind, kind, hint, 1);

  if (BASE32.test(s)) {
    const bytes = base32Bytes(s);
    if (bytes) {
      const r = decodeBase32(bytes, hint);
      if (r) return r;
    }
  }
  if (looksAscii85(s)) {
    const r = decodeAscii85(s, hint);
    if (r) return r;
  }
  const first = s.charCodeAt(0);
  if (first === 61 /* '=' */) {
    const r = reverse(s);
    const rkind = looksEncoded(r);
    if (rkind) return decodeEncoded(r, rkind, `reversed+${rkind}`, hint, 1);
  }
  if (REVERSED_SCHEME.test(s.slice(-16))) return accept('reversed', reverse(s));
  if (first >= 48 && first <= 57 && CHAR_CODE_LIST.test(s)) {
    return decodeCharCodeList(s.split(',').filter((p) => p.trim() !== '').map(Number), hint);
  }
  if (s.includes('\\') && escapedShare(s) >= 0.5) return accept('escapes', unescapeRun(s));
  if (s.includes('%') && percentShare(s) >= 0.5) {
    try {
      return accept('percent', decodeURIComponent(s));
    } catch {
      return null;
    }
  }
  return null;
}

export type LiteralInspection =
  | ({ status: 'decoded' } & DecodeResult)
  /** A known binary format inlined as base64/hex (image, font, wasm, archive). */
  | { status: 'benign'; encoding: EncodedKind; format: string; bytes: number }
  /** Encoded bytes that are neither a known format nor recoverable text. */
  | { status: 'opaque'; encoding: EncodedKind; bytes: number; entropy: number };

/** Bits per byte (0..8). */
function byteEntropy(bytes: Uint8Array): number {
  const counts = new Uint32Array(256);
  for (const b of bytes) counts[b]++;
  let h = 0;
  for (const c of counts) {
    if (c === 0) continue;
    const p = c / bytes.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/**
 * Like `decodeLiteral`, but also says why an encoded-looking literal did not decode: a benign
 * inlined format, or opaque bytes (with their entropy, 8 for random/encrypted data). Null when the
 * literal does not look encoded and no other decoding applies.
 */
export function inspectLiteral(s: string, hint?: DecodeHint): LiteralInspection | null {
  if (s.length < MIN_ENCODED_LENGTH || s.length > MAX_EXAMINED_LENGTH) return null;
  const kind = looksEncoded(s);
  if (!kind) {
    const other = decodeLiteral(s, hint);
    return other && { status: 'decoded', ...other };
  }
  const bytes = decodeBytes(s, kind);
  const format = benignBlob(bytes);
  if (format !== null) return { status: 'benign', encoding: kind, format, bytes: bytes.length };
  const decoded = decodeEncoded(s, kind, kind, hint, 1, bytes);
  if (decoded) return { status: 'decoded', ...decoded };
  return { status: 'opaque', encoding: kind, bytes: bytes.length, entropy: byteEntropy(bytes) };
}
