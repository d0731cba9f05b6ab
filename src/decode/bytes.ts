import type { EncodedKind } from './detect.js';

/** Bytes of an already recognised encoding (see `looksEncoded`); no validation beyond that. */
export function decodeBytes(s: string, kind: EncodedKind): Uint8Array {
  const buf = Buffer.from(s, kind);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** The UTF-8 text of `bytes`, or null when they are not well-formed UTF-8. */
export function utf8OrNull(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return null;
  }
}
