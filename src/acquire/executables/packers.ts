import type { RangeReader } from './reader.js';
import type { Image } from './image.js';

export type OtherPacker = 'pkg' | 'nexe' | 'deno';

/** Byte strings each packer leaves in the executable. pkg's prelude and snapshot paths sit in its appended payload;
 *  nexe ends the file with a sentinel followed by two doubles; deno compile ends with (or names a section) `d3n0l4nd`. */
const MARKERS: { packer: OtherPacker; bytes: Buffer }[] = [
  { packer: 'nexe', bytes: Buffer.from('<nexe~~sentinel>') },
  { packer: 'deno', bytes: Buffer.from('d3n0l4nd') },
  { packer: 'pkg', bytes: Buffer.from('PAYLOAD_POSITION') },
  { packer: 'pkg', bytes: Buffer.from('pkg/prelude') },
];

const TAIL_BYTES = 1024 * 1024;
const OVERLAY_SCAN_BYTES = 64 * 1024 * 1024;
const CHUNK = 4 * 1024 * 1024;

/**
 * Looks for runtimes we cannot unpack, only where they put their data: section names, the last megabyte,
 * and the start of any overlay (bytes past the end the headers describe). Never scans the whole file.
 */
export async function detectOtherPacker(reader: RangeReader, image: Image): Promise<{ packer: OtherPacker; evidence: string } | undefined> {
  const denoSection = image.sections.find((s) => s.name.includes('d3n0l4nd') || (s.segment ?? '').includes('d3n0l4nd'));
  if (denoSection) return { packer: 'deno', evidence: `section ${denoSection.segment ? `${denoSection.segment},` : ''}${denoSection.name}` };
  const ranges: { from: number; to: number; label: string }[] = [];
  const tailFrom = Math.max(0, reader.size - TAIL_BYTES);
  ranges.push({ from: tailFrom, to: reader.size, label: 'end of file' });
  if (image.imageEnd < tailFrom) ranges.push({ from: image.imageEnd, to: Math.min(tailFrom, image.imageEnd + OVERLAY_SCAN_BYTES), label: 'appended data' });
  for (const range of ranges) {
    const hit = await scan(reader, range.from, range.to);
    if (hit) return { packer: hit.packer, evidence: `"${hit.bytes.toString('latin1')}" in ${range.label}` };
  }
  return undefined;
}

async function scan(reader: RangeReader, from: number, to: number): Promise<(typeof MARKERS)[number] | undefined> {
  const overlap = Math.max(...MARKERS.map((m) => m.bytes.length)) - 1;
  for (let at = from; at < to; at += CHUNK) {
    const start = Math.max(from, at - overlap);
    const buf = await reader.read(start, Math.min(to, at + CHUNK) - start);
    for (const m of MARKERS) if (buf.includes(m.bytes)) return m;
  }
  return undefined;
}
