import { utf8OrNull } from './bytes.js';
import { LETTER_LOG2P, plausibility, PLAUSIBLE } from './plausibility.js';

/** Brute force looks at no more than this many bytes; the key is found from the start. */
const MAX_XOR_BYTES = 1 << 20;
/** Only the keys whose output has the most text-like byte distribution are scored on a prefix. */
const CANDIDATE_KEYS = 16;
const RANKING_PREFIX_BYTES = 4096;
const MIN_XOR_BYTES = 12;

/**
 * Trying 255 keys is 255 chances for noise to look like text, and short outputs get lucky more
 * often, so brute force asks for more than PLAUSIBLE below 40 bytes (0.9 at 12 bytes).
 */
export function bruteForceThreshold(length: number): number {
  return length >= 40 ? PLAUSIBLE : PLAUSIBLE + (0.3 * (40 - length)) / 28;
}

// How much a byte looks like part of text; ranks keys cheaply from a byte histogram.
const BYTE_WEIGHT: Float64Array = (() => {
  const w = new Float64Array(256);
  for (let b = 0; b < 256; b++) {
    const c = String.fromCharCode(b);
    // Lowercase letters by frequency: 1.0 for 'e' down to about 0.55 for 'z'.
    if (/[a-z]/.test(c)) w[b] = 1 + (LETTER_LOG2P[b - 97]! - LETTER_LOG2P[4]!) / 10;
    else if (b === 32 || b === 44 || b === 46 || b === 10) w[b] = 1;
    else if (/[0-9]/.test(c)) w[b] = 0.6;
    else if (/[A-Z]/.test(c)) w[b] = 0.5;
    else if ("-_/:;'\"()!?@\t\r".includes(c)) w[b] = 0.4;
    else if (b > 32 && b < 127) w[b] = 0.15;
    else if (b >= 0x80) w[b] = 0.05;
  }
  return w;
})();

// The byte shape of UTF-8 text in other scripts: lead and continuation bytes, ASCII separators.
const UTF8_WEIGHT: Float64Array = (() => {
  const w = new Float64Array(256);
  for (let b = 0; b < 256; b++) {
    if ((b >= 0x80 && b <= 0xbf) || (b >= 0xc2 && b <= 0xf4)) w[b] = 1;
    else if (b === 32 || b === 44 || b === 10 || b === 46) w[b] = 0.8;
    else if (b > 32 && b < 127) w[b] = 0.3;
  }
  return w;
})();
const CANDIDATE_KEYS_UTF8 = 4;

function rankKeys(hist: Float64Array, present: number[], weights: Float64Array): number[] {
  const ranked: { key: number; weight: number }[] = [];
  for (let key = 1; key < 256; key++) {
    let weight = 0;
    for (const b of present) weight += hist[b]! * weights[b ^ key]!;
    ranked.push({ key, weight });
  }
  ranked.sort((a, b) => b.weight - a.weight || a.key - b.key);
  return ranked.map((r) => r.key);
}

export function xorBytes(bytes: Uint8Array, key: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  const k = key.length;
  for (let i = 0; i < bytes.length; i++) out[i] = bytes[i]! ^ key[i % k]!;
  return out;
}

/** The text and its plausibility when `bytes ^ key` is UTF-8; null otherwise. */
export function tryXorKey(bytes: Uint8Array, key: Uint8Array): { text: string; score: number } | null {
  if (key.length === 0 || key.every((b) => b === 0)) return null;
  const text = utf8OrNull(xorBytes(bytes, key));
  if (text === null) return null;
  return { text, score: plausibility(text) };
}

/** Best single-byte XOR key (1..255) whose output is plausible text, or null. */
export function bruteForceXor(bytes: Uint8Array): { key: number; text: string; score: number } | null {
  if (bytes.length < MIN_XOR_BYTES) return null;
  const sample = bytes.length > MAX_XOR_BYTES ? bytes.subarray(0, MAX_XOR_BYTES) : bytes;
  const hist = new Float64Array(256);
  for (const b of sample) hist[b]++;
  const present: number[] = [];
  for (let b = 0; b < 256; b++) if (hist[b]! > 0) present.push(b);

  const candidates = new Set([
    ...rankKeys(hist, present, BYTE_WEIGHT).slice(0, CANDIDATE_KEYS),
    ...rankKeys(hist, present, UTF8_WEIGHT).slice(0, CANDIDATE_KEYS_UTF8),
  ]);

  const prefix = bytes.subarray(0, RANKING_PREFIX_BYTES);
  let bestKey = 0;
  let bestPrefixScore = -1;
  for (const key of candidates) {
    const text = utf8PrefixOrNull(xorBytes(prefix, Uint8Array.of(key)));
    const score = text === null ? -1 : plausibility(text);
    if (score > bestPrefixScore) {
      bestKey = key;
      bestPrefixScore = score;
    }
  }
  const threshold = bruteForceThreshold(bytes.length);
  if (bestPrefixScore < threshold) return null;
  const r = tryXorKey(bytes, Uint8Array.of(bestKey));
  return r && r.score >= threshold ? { key: bestKey, ...r } : null;
}

/** Like utf8OrNull, but a multi-byte sequence cut off at the end is not an error. */
function utf8PrefixOrNull(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
  } catch {
    return null;
  }
}
