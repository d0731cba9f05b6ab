import * as zlib from 'node:zlib';
import { Decompress } from 'fzstd';

export type Compression = 'zstd' | 'gzip';

const ZSTD_MAGIC = 0xfd2fb528;
/** zstd frames may ask the decoder for a window up to 2 GB; real archives use a few MB. */
const MAX_ZSTD_WINDOW = 256 * 1024 * 1024;

export function sniffCompression(head: Buffer): Compression | undefined {
  if (head.length >= 4 && head.readUInt32LE(0) === ZSTD_MAGIC) return 'zstd';
  if (head.length >= 3 && head[0] === 0x1f && head[1] === 0x8b && head[2] === 0x08) return 'gzip';
  return undefined;
}

export class DecompressionError extends Error {
  override name = 'DecompressionError';
}

/** Content size declared by the first zstd frame header, or undefined when the frame leaves it out. */
export function zstdDeclaredSize(head: Buffer): number | undefined {
  const h = zstdHeader(head);
  return h?.contentSize;
}

function zstdHeader(head: Buffer): { contentSize?: number; window: number } | undefined {
  if (head.length < 6 || head.readUInt32LE(0) !== ZSTD_MAGIC) return undefined;
  const fhd = head[4]!;
  const singleSegment = (fhd >> 5) & 1;
  const fcsFlag = fhd >> 6;
  const dictBytes = [0, 1, 2, 4][fhd & 3]!;
  let at = 5;
  let window = 0;
  if (!singleSegment) {
    const wd = head[at++]!;
    const base = 2 ** (10 + (wd >> 3));
    window = base + (base / 8) * (wd & 7);
  }
  at += dictBytes;
  const fcsBytes = fcsFlag === 0 ? singleSegment : 1 << fcsFlag;
  if (at + fcsBytes > head.length) return { window };
  let contentSize: number | undefined;
  if (fcsBytes === 1) contentSize = head[at]!;
  else if (fcsBytes === 2) contentSize = head.readUInt16LE(at) + 256;
  else if (fcsBytes === 4) contentSize = head.readUInt32LE(at);
  else if (fcsBytes === 8) {
    const v = head.readBigUInt64LE(at);
    contentSize = v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.POSITIVE_INFINITY : Number(v);
  }
  if (singleSegment) window = contentSize ?? 0;
  return contentSize === undefined ? { window } : { contentSize, window };
}

/** Decompresses at most `maxBytes`; more output, a too-large window or corrupt data throw `DecompressionError`. */
export function decompress(kind: Compression, data: Buffer, maxBytes: number): Buffer {
  if (kind === 'gzip') {
    try {
      return zlib.gunzipSync(data, { maxOutputLength: Math.max(1, maxBytes) });
    } catch (err) {
      throw new DecompressionError(`gzip data does not decompress within ${maxBytes} bytes: ${(err as Error).message}`);
    }
  }
  const header = zstdHeader(data);
  if (!header) throw new DecompressionError('zstd frame header is missing');
  if (header.window > MAX_ZSTD_WINDOW) throw new DecompressionError(`zstd frame asks for a ${header.window}-byte window`);
  if (header.contentSize !== undefined && header.contentSize > maxBytes) throw new DecompressionError(`zstd frame declares ${header.contentSize} bytes (limit ${maxBytes})`);
  // Node ≥ 22.15 decodes zstd natively; Node 20 falls back to the pure-JS decoder.
  const native = (zlib as unknown as { zstdDecompressSync?: (b: Buffer, o: { maxOutputLength: number }) => Buffer }).zstdDecompressSync;
  if (native) {
    try {
      return native(data, { maxOutputLength: Math.max(1, maxBytes) });
    } catch (err) {
      throw new DecompressionError(`zstd data does not decompress within ${maxBytes} bytes: ${(err as Error).message}`);
    }
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const stream = new Decompress((chunk) => {
    total += chunk.length;
    if (total > maxBytes) throw new DecompressionError(`zstd data exceeds ${maxBytes} bytes`);
    chunks.push(chunk.slice());
  });
  try {
    stream.push(data, true);
  } catch (err) {
    if (err instanceof DecompressionError) throw err;
    throw new DecompressionError(`zstd data is corrupt: ${(err as Error).message}`);
  }
  return Buffer.concat(chunks, total);
}
