export { looksEncoded, charEntropy, MAX_EXAMINED_LENGTH, MIN_ENCODED_LENGTH, type EncodedKind } from './detect.js';
export { decodeBytes, utf8OrNull } from './bytes.js';
export { benignBlob } from './magic.js';
export { plausibility, PLAUSIBLE } from './plausibility.js';
export { bruteForceXor, tryXorKey, xorBytes } from './xor.js';
export {
  decodeLiteral,
  looksBase32,
  looksAscii85,
  decodeCharCodes,
  decodeCharCodeList,
  inspectLiteral,
  type LiteralInspection,
  unescapeRun,
  escapedShare,
  type DecodeResult,
  type DecodeHint,
} from './literal.js';
