// Known binary formats that packages legitimately inline as base64/hex (images, fonts, wasm,
// archives). Executables are deliberately absent: an inlined ELF/PE/Mach-O is never benign.

interface Magic {
  kind: string;
  offset: number;
  bytes: readonly number[];
  /** A second signature that must also match (RIFF containers). */
  also?: { offset: number; bytes: readonly number[] };
}

const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

const MAGICS: readonly Magic[] = [
  { kind: 'png', offset: 0, bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { kind: 'jpeg', offset: 0, bytes: [0xff, 0xd8, 0xff] },
  { kind: 'gif', offset: 0, bytes: ascii('GIF8') },
  { kind: 'webp', offset: 0, bytes: ascii('RIFF'), also: { offset: 8, bytes: ascii('WEBP') } },
  { kind: 'wav', offset: 0, bytes: ascii('RIFF'), also: { offset: 8, bytes: ascii('WAVE') } },
  { kind: 'bmp', offset: 0, bytes: ascii('BM') , also: { offset: 6, bytes: [0, 0, 0, 0] } },
  { kind: 'ico', offset: 0, bytes: [0x00, 0x00, 0x01, 0x00] },
  { kind: 'avif', offset: 4, bytes: ascii('ftypavif') },
  { kind: 'mp4', offset: 4, bytes: ascii('ftyp') },
  { kind: 'mp3', offset: 0, bytes: ascii('ID3') },
  { kind: 'ogg', offset: 0, bytes: ascii('OggS') },
  { kind: 'woff', offset: 0, bytes: ascii('wOFF') },
  { kind: 'woff2', offset: 0, bytes: ascii('wOF2') },
  { kind: 'ttf', offset: 0, bytes: [0x00, 0x01, 0x00, 0x00, 0x00] },
  { kind: 'otf', offset: 0, bytes: ascii('OTTO') },
  { kind: 'wasm', offset: 0, bytes: [0x00, 0x61, 0x73, 0x6d] },
  { kind: 'gzip', offset: 0, bytes: [0x1f, 0x8b] },
  { kind: 'zip', offset: 0, bytes: [0x50, 0x4b, 0x03, 0x04] },
  { kind: 'zstd', offset: 0, bytes: [0x28, 0xb5, 0x2f, 0xfd] },
  { kind: 'bzip2', offset: 0, bytes: ascii('BZh') },
  { kind: 'xz', offset: 0, bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
  { kind: 'pdf', offset: 0, bytes: ascii('%PDF-') },
  { kind: 'svg', offset: 0, bytes: ascii('<svg') },
  { kind: 'xml', offset: 0, bytes: ascii('<?xml') },
];

function matchesAt(bytes: Uint8Array, offset: number, sig: readonly number[]): boolean {
  if (bytes.length < offset + sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (bytes[offset + i] !== sig[i]) return false;
  return true;
}

/** The format name when `bytes` start with the signature of a commonly inlined benign format. */
export function benignBlob(bytes: Uint8Array): string | null {
  for (const m of MAGICS) {
    if (!matchesAt(bytes, m.offset, m.bytes)) continue;
    if (m.also && !matchesAt(bytes, m.also.offset, m.also.bytes)) continue;
    return m.kind;
  }
  return null;
}
