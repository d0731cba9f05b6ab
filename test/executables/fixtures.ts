/** Builders for small synthetic executables: just enough ELF, Mach-O and PE structure to carry a section,
 *  a note or a resource, plus Bun module graphs and SEA blobs in each format generation. */

export interface SectionSpec {
  name: string;
  data: Buffer;
  /** Mach-O only. */
  segment?: string;
}

const align = (n: number, a: number): number => Math.ceil(n / a) * a;
const pad = (buf: Buffer, a: number): Buffer => Buffer.concat([buf, Buffer.alloc(align(buf.length, a) - buf.length)]);

/** ELF64 little-endian: header, optional PT_NOTE, sections, string table, section headers last. */
export function buildElf(sections: SectionSpec[], notes: { name: string; desc: Buffer }[] = [], noteAlign: 4 | 8 = 4): Buffer {
  const all: { name: string; data: Buffer; type: number }[] = sections.map((s) => ({ name: s.name, data: s.data, type: 1 }));
  if (notes.length) all.push({ name: '.note.test', data: Buffer.concat(notes.map((n) => elfNote(n.name, n.desc, noteAlign))), type: 7 });
  const phnum = notes.length ? 1 : 0;
  let at = 64 + phnum * 56;
  const placed = all.map((s) => {
    at = align(at, 8);
    const off = at;
    at += s.data.length;
    return { ...s, off };
  });
  const names = ['', ...all.map((s) => s.name), '.shstrtab'];
  const strtab = Buffer.from(names.join('\0') + '\0', 'latin1');
  const nameOffsets = names.map((_, i) => names.slice(0, i).reduce((n, s) => n + s.length + 1, 0));
  at = align(at, 8);
  const strOff = at;
  at += strtab.length;
  const shoff = align(at, 8);
  const shnum = all.length + 2;
  const out = Buffer.alloc(shoff + shnum * 64);
  out.write('\x7fELF', 0, 'latin1');
  out[4] = 2;
  out[5] = 1;
  out[6] = 1;
  out.writeUInt16LE(2, 16);
  out.writeUInt16LE(0x3e, 18);
  out.writeUInt32LE(1, 20);
  out.writeBigUInt64LE(BigInt(phnum ? 64 : 0), 32);
  out.writeBigUInt64LE(BigInt(shoff), 40);
  out.writeUInt16LE(64, 52);
  out.writeUInt16LE(56, 54);
  out.writeUInt16LE(phnum, 56);
  out.writeUInt16LE(64, 58);
  out.writeUInt16LE(shnum, 60);
  out.writeUInt16LE(shnum - 1, 62);
  for (const s of placed) s.data.copy(out, s.off);
  strtab.copy(out, strOff);
  if (phnum) {
    const note = placed[placed.length - 1]!;
    out.writeUInt32LE(4, 64);
    out.writeBigUInt64LE(BigInt(note.off), 64 + 8);
    out.writeBigUInt64LE(BigInt(note.data.length), 64 + 32);
    out.writeBigUInt64LE(BigInt(note.data.length), 64 + 40);
    out.writeBigUInt64LE(BigInt(noteAlign), 64 + 48);
  }
  const sh = (i: number, name: number, type: number, off: number, size: number): void => {
    const b = shoff + i * 64;
    out.writeUInt32LE(name, b);
    out.writeUInt32LE(type, b + 4);
    out.writeBigUInt64LE(BigInt(off), b + 24);
    out.writeBigUInt64LE(BigInt(size), b + 32);
    out.writeBigUInt64LE(type === 7 ? BigInt(noteAlign) : 8n, b + 48);
  };
  placed.forEach((s, i) => sh(i + 1, nameOffsets[i + 1]!, s.type, s.off, s.data.length));
  sh(shnum - 1, nameOffsets[shnum - 1]!, 3, strOff, strtab.length);
  return out;
}

/**
 * One note as the gABI lays it out: the name is padded so that the descriptor starts at a multiple of the area's
 * alignment counted from the note's start (with 8, as in x86-64 GNU property notes, the 12-byte header makes that
 * different from padding the name alone), and the descriptor so that the next note does.
 */
function elfNote(name: string, desc: Buffer, noteAlign: 4 | 8): Buffer {
  const n = Buffer.from(name + '\0', 'latin1');
  const h = Buffer.alloc(12);
  h.writeUInt32LE(n.length, 0);
  h.writeUInt32LE(desc.length, 4);
  h.writeUInt32LE(0, 8);
  const head = pad(Buffer.concat([h, n]), noteAlign);
  return pad(Buffer.concat([head, desc]), noteAlign);
}

/** Mach-O 64-bit little-endian with one LC_SEGMENT_64 per distinct segment. */
export function buildMacho(sections: SectionSpec[]): Buffer {
  const segments = [...new Set(sections.map((s) => s.segment ?? '__DATA'))];
  const cmdsSize = segments.reduce((n, seg) => n + 72 + 80 * sections.filter((s) => (s.segment ?? '__DATA') === seg).length, 0);
  let at = align(32 + cmdsSize, 16);
  const placed = sections.map((s) => {
    const off = at;
    at = align(at + s.data.length, 16);
    return { ...s, off };
  });
  const out = Buffer.alloc(at);
  out.writeUInt32LE(0xfeedfacf, 0);
  out.writeUInt32LE(0x0100000c, 4);
  out.writeUInt32LE(2, 12);
  out.writeUInt32LE(segments.length, 16);
  out.writeUInt32LE(cmdsSize, 20);
  let c = 32;
  for (const seg of segments) {
    const mine = placed.filter((s) => (s.segment ?? '__DATA') === seg);
    const cmdsize = 72 + 80 * mine.length;
    out.writeUInt32LE(0x19, c);
    out.writeUInt32LE(cmdsize, c + 4);
    out.write(seg, c + 8, 'latin1');
    const fileoff = Math.min(...mine.map((s) => s.off));
    const end = Math.max(...mine.map((s) => s.off + s.data.length));
    out.writeBigUInt64LE(BigInt(fileoff), c + 40);
    out.writeBigUInt64LE(BigInt(end - fileoff), c + 48);
    out.writeUInt32LE(mine.length, c + 64);
    mine.forEach((s, i) => {
      const b = c + 72 + i * 80;
      out.write(s.name, b, 'latin1');
      out.write(seg, b + 16, 'latin1');
      out.writeBigUInt64LE(BigInt(s.data.length), b + 40);
      out.writeUInt32LE(s.off, b + 48);
      s.data.copy(out, s.off);
    });
    c += cmdsize;
  }
  return out;
}

/** PE32+ with the given sections and, optionally, one RT_RCDATA resource with a string name. */
export function buildPe(sections: SectionSpec[], resource?: { name: string; data: Buffer }): Buffer {
  const all = [...sections];
  const rsrcIndex = resource ? all.length : -1;
  if (resource) all.push({ name: '.rsrc', data: Buffer.alloc(0) });
  const optSize = 240;
  const headersEnd = align(0x40 + 24 + optSize + all.length * 40, 0x200);
  let raw = headersEnd;
  const placed = all.map((s, i) => {
    const rva = 0x1000 * (i + 1);
    const data = i === rsrcIndex ? resourceSection(resource!.name, resource!.data, rva) : s.data;
    const off = raw;
    raw = align(raw + data.length, 0x200);
    return { ...s, data, rva, off };
  });
  const out = Buffer.alloc(raw);
  out.write('MZ', 0, 'latin1');
  out.writeUInt32LE(0x40, 0x3c);
  out.write('PE\0\0', 0x40, 'latin1');
  const coff = 0x44;
  out.writeUInt16LE(0x8664, coff);
  out.writeUInt16LE(all.length, coff + 2);
  out.writeUInt16LE(optSize, coff + 16);
  const opt = coff + 20;
  out.writeUInt16LE(0x20b, opt);
  out.writeUInt32LE(16, opt + 108);
  if (rsrcIndex >= 0) {
    out.writeUInt32LE(placed[rsrcIndex]!.rva, opt + 112 + 16);
    out.writeUInt32LE(placed[rsrcIndex]!.data.length, opt + 112 + 20);
  }
  placed.forEach((s, i) => {
    const b = opt + optSize + i * 40;
    out.write(s.name.slice(0, 8), b, 'latin1');
    out.writeUInt32LE(s.data.length, b + 8);
    out.writeUInt32LE(s.rva, b + 12);
    out.writeUInt32LE(align(s.data.length, 0x200), b + 16);
    out.writeUInt32LE(s.off, b + 20);
    s.data.copy(out, s.off);
  });
  return out;
}

function resourceSection(name: string, data: Buffer, rva: number): Buffer {
  // root dir (1 id entry) → type dir (1 named entry) → name dir (1 id entry) → data entry; then the name and the data.
  const dir = (named: number, ids: number): Buffer => {
    const b = Buffer.alloc(16);
    b.writeUInt16LE(named, 12);
    b.writeUInt16LE(ids, 14);
    return b;
  };
  const entry = (nameField: number, target: number): Buffer => {
    const b = Buffer.alloc(8);
    b.writeUInt32LE(nameField >>> 0, 0);
    b.writeUInt32LE(target >>> 0, 4);
    return b;
  };
  const typeDirAt = 24;
  const nameDirAt = 48;
  const dataEntryAt = 72;
  const nameAt = 88;
  const nameBytes = Buffer.concat([Buffer.from([name.length & 0xff, name.length >> 8]), Buffer.from(name, 'utf16le')]);
  const dataAt = align(nameAt + nameBytes.length, 8);
  const dataEntry = Buffer.alloc(16);
  dataEntry.writeUInt32LE(rva + dataAt, 0);
  dataEntry.writeUInt32LE(data.length, 4);
  const head = Buffer.concat([
    dir(0, 1),
    entry(10, 0x80000000 | typeDirAt),
    dir(1, 0),
    entry(0x80000000 | nameAt, 0x80000000 | nameDirAt),
    dir(0, 1),
    entry(0x409, dataEntryAt),
    dataEntry,
    nameBytes,
  ]);
  return Buffer.concat([head, Buffer.alloc(dataAt - head.length), data]);
}

export interface GraphModule {
  name: string;
  contents: Buffer | string;
  /** Bun loader number: 1 = js, 5 = file in current releases. */
  loader?: number;
  encoding?: number;
  bytecode?: Buffer;
}

/** A Bun module graph: contents, names, module table, exec argv, `Offsets`, trailer. */
export function buildBunGraph(
  modules: GraphModule[],
  opts: { recordSize?: 52 | 36; offsetsSize?: 32 | 24; entryPointId?: number; execArgv?: string } = {},
): Buffer {
  const recordSize = opts.recordSize ?? 52;
  const offsetsSize = opts.offsetsSize ?? 32;
  const parts: Buffer[] = [];
  let at = 0;
  const add = (b: Buffer, nul = true): { offset: number; length: number } => {
    const ptr = { offset: at, length: b.length };
    parts.push(b);
    at += b.length;
    if (nul) {
      parts.push(Buffer.alloc(1));
      at += 1;
    }
    return ptr;
  };
  const ptrs = modules.map((m) => ({
    contents: add(Buffer.isBuffer(m.contents) ? m.contents : Buffer.from(m.contents, 'latin1')),
    bytecode: m.bytecode ? add(m.bytecode, false) : { offset: 0, length: 0 },
  }));
  const names = modules.map((m) => add(Buffer.from(m.name, 'utf8')));
  const table = Buffer.alloc(recordSize * modules.length);
  modules.forEach((m, i) => {
    const b = i * recordSize;
    const p = ptrs[i]!;
    table.writeUInt32LE(names[i]!.offset, b);
    table.writeUInt32LE(names[i]!.length, b + 4);
    table.writeUInt32LE(p.contents.offset, b + 8);
    table.writeUInt32LE(p.contents.length, b + 12);
    table.writeUInt32LE(p.bytecode.offset, b + 24);
    table.writeUInt32LE(p.bytecode.length, b + 28);
    const tail = b + recordSize - 4;
    table[tail] = m.encoding ?? 1;
    table[tail + 1] = m.loader ?? 1;
    table[tail + 2] = 1;
    table[tail + 3] = 0;
  });
  const tablePtr = add(table, false);
  const argvPtr = add(Buffer.from(opts.execArgv ?? '', 'utf8'));
  const offsets = Buffer.alloc(offsetsSize);
  offsets.writeBigUInt64LE(BigInt(at), 0);
  offsets.writeUInt32LE(tablePtr.offset, 8);
  offsets.writeUInt32LE(tablePtr.length, 12);
  offsets.writeUInt32LE(opts.entryPointId ?? 0, 16);
  if (offsetsSize === 32) {
    offsets.writeUInt32LE(argvPtr.offset, 20);
    offsets.writeUInt32LE(opts.execArgv ? argvPtr.length : 0, 24);
  }
  return Buffer.concat([...parts, offsets, Buffer.from('\n---- Bun! ----\n', 'latin1')]);
}

/** Current layout: a section holding a u64 length and the graph. */
export function bunSection(graph: Buffer): Buffer {
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(graph.length));
  return Buffer.concat([len, graph]);
}

/** Old layout: the graph appended to the executable, then the file's total size as u64. */
export function appendBunGraph(executable: Buffer, graph: Buffer): Buffer {
  const total = Buffer.alloc(8);
  total.writeBigUInt64LE(BigInt(executable.length + graph.length + 8));
  return Buffer.concat([executable, graph, total]);
}

/** A zstd frame made of raw blocks (valid zstd that any decoder accepts, no compressor needed). */
export function zstdRawFrame(data: Buffer): Buffer {
  const header = Buffer.alloc(9);
  header.writeUInt32LE(0xfd2fb528, 0);
  header[4] = 0xa0; // 4-byte content size, single segment
  header.writeUInt32LE(data.length, 5);
  const blocks: Buffer[] = [];
  const max = 128 * 1024;
  for (let at = 0; at < data.length || blocks.length === 0; at += max) {
    const chunk = data.subarray(at, at + max);
    const last = at + max >= data.length ? 1 : 0;
    const bh = (chunk.length << 3) | last; // block type 0 = raw
    blocks.push(Buffer.from([bh & 0xff, (bh >> 8) & 0xff, (bh >> 16) & 0xff]), chunk);
  }
  return Buffer.concat([header, ...blocks]);
}

/** SEA blob as Node 22.20+ writes it (magic, flags, argv-extension byte, code path, code, assets). */
export function buildSeaBlob(opts: { codePath?: string; main: string; assets?: Record<string, string>; extraHeaderBytes?: 0 | 1 | 2; flags?: number }): Buffer {
  const u64 = (n: number): Buffer => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    return b;
  };
  const view = (s: string): Buffer => Buffer.concat([u64(Buffer.byteLength(s)), Buffer.from(s, 'utf8')]);
  const assets = Object.entries(opts.assets ?? {});
  const flags = (opts.flags ?? 0) | (assets.length ? 8 : 0);
  const head = Buffer.alloc(8);
  head.writeUInt32LE(0x0143da20, 0);
  head.writeUInt32LE(flags, 4);
  const parts = [head, Buffer.alloc(opts.extraHeaderBytes ?? 1, 1), view(opts.codePath ?? '/build/main.js'), view(opts.main)];
  if (assets.length) {
    parts.push(u64(assets.length));
    for (const [k, v] of assets) parts.push(view(k), view(v));
  }
  return Buffer.concat(parts);
}

/** Universal (fat) Mach-O holding the given thin slices at 4 KB-aligned offsets. */
export function buildFat(slices: Buffer[]): Buffer {
  const parts: Buffer[] = [];
  const header = Buffer.alloc(8 + 20 * slices.length);
  header.writeUInt32BE(0xcafebabe, 0);
  header.writeUInt32BE(slices.length, 4);
  let at = align(header.length, 4096);
  const offsets = slices.map((s) => {
    const off = at;
    at = align(at + s.length, 4096);
    return off;
  });
  slices.forEach((s, i) => {
    const b = 8 + i * 20;
    header.writeUInt32BE(0x0100000c, b);
    header.writeUInt32BE(offsets[i]!, b + 8);
    header.writeUInt32BE(s.length, b + 12);
    header.writeUInt32BE(12, b + 16);
  });
  parts.push(header);
  let written = header.length;
  slices.forEach((s, i) => {
    parts.push(Buffer.alloc(offsets[i]! - written), s);
    written = offsets[i]! + s.length;
  });
  return Buffer.concat(parts);
}
