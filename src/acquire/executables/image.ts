import { Fields, type RangeReader } from './reader.js';

export type ExecutableFormat = 'elf' | 'macho' | 'pe';

/** A named region of the file, with an absolute file offset. */
export interface Region {
  name: string;
  /** Mach-O segment name; absent elsewhere. */
  segment?: string;
  offset: number;
  size: number;
}

/** What the container parsers need to know about one executable image (one slice of a fat Mach-O). */
export interface Image {
  format: ExecutableFormat;
  littleEndian: boolean;
  /** Absolute offset of the image in the file (non-zero only for fat Mach-O slices). */
  base: number;
  sections: Region[];
  /** ELF: PT_NOTE segments and SHT_NOTE sections. */
  noteAreas: { offset: number; size: number; align: number }[];
  /** PE: the resource directory, and the map from RVAs to file offsets. */
  resources?: { offset: number; size: number; rva: number };
  rvaToOffset?: (rva: number) => number | undefined;
  /** Where the bytes described by the headers end; anything after is an appended overlay. */
  imageEnd: number;
}

const FAT_MAGIC = 0xcafebabe;
const FAT_MAGIC_64 = 0xcafebabf;
const MAX_FAT_ARCHS = 16;
const MAX_LOAD_COMMANDS_BYTES = 16 * 1024 * 1024;
const MAX_SECTIONS = 65_535;

/** Identifies an executable from its first bytes (64 are enough; 4 KB lets PE be confirmed). */
export function sniffExecutable(head: Buffer): ExecutableFormat | null {
  if (head.length >= 4 && head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46) return 'elf';
  if (head.length >= 4) {
    const le = head.readUInt32LE(0);
    const be = head.readUInt32BE(0);
    if (le === 0xfeedface || le === 0xfeedfacf || be === 0xfeedface || be === 0xfeedfacf) return 'macho';
    // Java class files share 0xcafebabe; their next word (version) is far larger than any arch count.
    if ((be === FAT_MAGIC || be === FAT_MAGIC_64) && head.length >= 8) {
      const n = head.readUInt32BE(4);
      if (n > 0 && n <= MAX_FAT_ARCHS) return 'macho';
    }
  }
  if (head.length >= 2 && head[0] === 0x4d && head[1] === 0x5a) {
    if (head.length < 0x40) return 'pe';
    const peAt = head.readUInt32LE(0x3c);
    if (peAt + 4 > head.length) return 'pe';
    return head.readUInt32BE(peAt) === 0x50450000 ? 'pe' : null;
  }
  return null;
}

/** Parses the headers of an executable into images. Throws `OutOfBounds`/`ImageError` on truncated or inconsistent headers. */
export async function parseImages(reader: RangeReader, format: ExecutableFormat): Promise<Image[]> {
  switch (format) {
    case 'elf':
      return [await parseElf(reader)];
    case 'pe':
      return [await parsePe(reader)];
    case 'macho':
      return parseMachoFile(reader);
  }
}

export class ImageError extends Error {
  override name = 'ImageError';
}

async function parseElf(reader: RangeReader): Promise<Image> {
  const ident = await reader.read(0, 16);
  const is64 = ident[4] === 2;
  if (ident[4] !== 1 && ident[4] !== 2) throw new ImageError('ELF header has an unknown class');
  if (ident[5] !== 1 && ident[5] !== 2) throw new ImageError('ELF header has an unknown byte order');
  const le = ident[5] === 1;
  const h = new Fields(await reader.read(0, is64 ? 64 : 52), le);
  const phoff = is64 ? h.u64(32) : h.u32(28);
  const shoff = is64 ? h.u64(40) : h.u32(32);
  const phentsize = h.u16(is64 ? 54 : 42);
  const phnum = h.u16(is64 ? 56 : 44);
  const shentsize = h.u16(is64 ? 58 : 46);
  let shnum = h.u16(is64 ? 60 : 48);
  let shstrndx = h.u16(is64 ? 62 : 50);
  const minSh = is64 ? 64 : 40;
  const minPh = is64 ? 56 : 32;
  const sections: Region[] = [];
  const noteAreas: Image['noteAreas'] = [];
  let imageEnd = h.buf.length;

  if (phnum > 0) {
    if (phentsize < minPh) throw new ImageError('ELF program header entries are too small');
    const ph = new Fields(await reader.read(phoff, phnum * phentsize), le);
    imageEnd = Math.max(imageEnd, phoff + phnum * phentsize);
    for (let i = 0; i < phnum; i++) {
      const at = i * phentsize;
      const type = ph.u32(at);
      const offset = is64 ? ph.u64(at + 8) : ph.u32(at + 4);
      const filesz = is64 ? ph.u64(at + 32) : ph.u32(at + 16);
      const align = is64 ? ph.u64(at + 48) : ph.u32(at + 28);
      if (filesz > 0) imageEnd = Math.max(imageEnd, offset + filesz);
      if (type === 4 /* PT_NOTE */) noteAreas.push({ offset, size: filesz, align: align === 8 ? 8 : 4 });
    }
  }

  if (shoff !== 0) {
    if (shentsize < minSh) throw new ImageError('ELF section header entries are too small');
    // Extended numbering: the real count and string-table index live in section 0.
    if (shnum === 0 || shstrndx === 0xffff) {
      const first = new Fields(await reader.read(shoff, shentsize), le);
      if (shnum === 0) shnum = is64 ? first.u64(32) : first.u32(20);
      if (shstrndx === 0xffff) shstrndx = first.u32(is64 ? 40 : 24);
    }
    if (shnum > MAX_SECTIONS) throw new ImageError(`ELF declares ${shnum} sections`);
    const sh = new Fields(await reader.read(shoff, shnum * shentsize), le);
    imageEnd = Math.max(imageEnd, shoff + shnum * shentsize);
    const raw = [];
    for (let i = 0; i < shnum; i++) {
      const at = i * shentsize;
      raw.push({
        nameAt: sh.u32(at),
        type: sh.u32(at + 4),
        offset: is64 ? sh.u64(at + 24) : sh.u32(at + 16),
        size: is64 ? sh.u64(at + 32) : sh.u32(at + 20),
        align: is64 ? sh.u64(at + 48) : sh.u32(at + 32),
      });
    }
    const strtab = raw[shstrndx];
    const names = strtab && strtab.size > 0 ? new Fields(await reader.read(strtab.offset, Math.min(strtab.size, 1 << 20)), le) : undefined;
    for (const s of raw) {
      if (s.type === 8 /* NOBITS */ || s.type === 0) continue;
      const name = names && s.nameAt < names.buf.length ? names.cstring(s.nameAt, 256) : '';
      sections.push({ name, offset: s.offset, size: s.size });
      imageEnd = Math.max(imageEnd, s.offset + s.size);
      if (s.type === 7 /* SHT_NOTE */ && !noteAreas.some((n) => n.offset === s.offset)) {
        noteAreas.push({ offset: s.offset, size: s.size, align: s.align === 8 ? 8 : 4 });
      }
    }
  }
  return { format: 'elf', littleEndian: le, base: 0, sections, noteAreas, imageEnd };
}

async function parsePe(reader: RangeReader): Promise<Image> {
  const dos = new Fields(await reader.read(0, 0x40), true);
  const peAt = dos.u32(0x3c);
  const coff = new Fields(await reader.read(peAt, 24), true);
  if (coff.buf.readUInt32BE(0) !== 0x50450000) throw new ImageError('PE signature is missing');
  const nsections = coff.u16(6);
  const optSize = coff.u16(20);
  const opt = new Fields(await reader.read(peAt + 24, optSize), true);
  const magic = opt.u16(0);
  if (magic !== 0x10b && magic !== 0x20b) throw new ImageError('PE optional header has an unknown magic');
  const dirBase = magic === 0x20b ? 112 : 96;
  const ndirs = opt.u32(dirBase - 4);
  const tableAt = peAt + 24 + optSize;
  const table = new Fields(await reader.read(tableAt, nsections * 40), true);
  const sections: (Region & { rva: number; vsize: number })[] = [];
  let imageEnd = tableAt + nsections * 40;
  for (let i = 0; i < nsections; i++) {
    const at = i * 40;
    const name = table.cstring(at, 8);
    const vsize = table.u32(at + 8);
    const rva = table.u32(at + 12);
    const rawSize = table.u32(at + 16);
    const rawPtr = table.u32(at + 20);
    sections.push({ name, offset: rawPtr, size: rawSize, rva, vsize });
    if (rawSize > 0) imageEnd = Math.max(imageEnd, rawPtr + rawSize);
  }
  const rvaToOffset = (rva: number): number | undefined => {
    for (const s of sections) {
      const span = Math.max(s.vsize, s.size);
      if (rva >= s.rva && rva < s.rva + span) {
        const delta = rva - s.rva;
        return delta < s.size ? s.offset + delta : undefined;
      }
    }
    return undefined;
  };
  let resources: Image['resources'];
  if (ndirs > 2) {
    const rva = opt.u32(dirBase + 16);
    const size = opt.u32(dirBase + 20);
    const offset = rva ? rvaToOffset(rva) : undefined;
    if (offset !== undefined && size > 0) resources = { offset, size, rva };
  }
  return {
    format: 'pe',
    littleEndian: true,
    base: 0,
    sections: sections.map(({ name, offset, size }) => ({ name, offset, size })),
    noteAreas: [],
    ...(resources ? { resources } : {}),
    rvaToOffset,
    imageEnd,
  };
}

async function parseMachoFile(reader: RangeReader): Promise<Image[]> {
  const head = await reader.read(0, 8);
  const be = head.readUInt32BE(0);
  if (be !== FAT_MAGIC && be !== FAT_MAGIC_64) return [await parseMacho(reader, 0)];
  const is64 = be === FAT_MAGIC_64;
  const n = head.readUInt32BE(4);
  if (n === 0 || n > MAX_FAT_ARCHS) throw new ImageError(`fat Mach-O declares ${n} architectures`);
  const entrySize = is64 ? 32 : 20;
  const arch = new Fields(await reader.read(8, n * entrySize), false);
  const images: Image[] = [];
  for (let i = 0; i < n; i++) {
    const at = i * entrySize;
    const offset = is64 ? arch.u64(at + 8) : arch.u32(at + 8);
    const size = is64 ? arch.u64(at + 16) : arch.u32(at + 12);
    if (!reader.contains(offset, size)) throw new ImageError(`fat Mach-O slice ${i} lies outside the file`);
    images.push(await parseMacho(reader, offset));
  }
  return images;
}

async function parseMacho(reader: RangeReader, base: number): Promise<Image> {
  const magicBuf = await reader.read(base, 4);
  const le = magicBuf.readUInt32LE(0) === 0xfeedface || magicBuf.readUInt32LE(0) === 0xfeedfacf;
  const magic = le ? magicBuf.readUInt32LE(0) : magicBuf.readUInt32BE(0);
  if (magic !== 0xfeedface && magic !== 0xfeedfacf) throw new ImageError('Mach-O slice has no Mach-O magic');
  const is64 = magic === 0xfeedfacf;
  const headerSize = is64 ? 32 : 28;
  const h = new Fields(await reader.read(base, headerSize), le);
  const ncmds = h.u32(16);
  const sizeofcmds = h.u32(20);
  if (sizeofcmds > MAX_LOAD_COMMANDS_BYTES) throw new ImageError(`Mach-O load commands claim ${sizeofcmds} bytes`);
  const cmds = new Fields(await reader.read(base + headerSize, sizeofcmds), le);
  const sections: Region[] = [];
  let imageEnd = base + headerSize + sizeofcmds;
  let at = 0;
  for (let i = 0; i < ncmds; i++) {
    const cmd = cmds.u32(at);
    const cmdsize = cmds.u32(at + 4);
    if (cmdsize < 8 || at + cmdsize > sizeofcmds) throw new ImageError(`Mach-O load command ${i} has a bad size`);
    if (cmd === 0x19 /* LC_SEGMENT_64 */ || cmd === 0x1 /* LC_SEGMENT */) {
      const seg64 = cmd === 0x19;
      const segname = cmds.cstring(at + 8, 16);
      const fileoff = seg64 ? cmds.u64(at + 40) : cmds.u32(at + 32);
      const filesize = seg64 ? cmds.u64(at + 48) : cmds.u32(at + 36);
      const nsects = cmds.u32(at + (seg64 ? 64 : 48));
      if (filesize > 0) imageEnd = Math.max(imageEnd, base + fileoff + filesize);
      sections.push({ name: '', segment: segname, offset: base + fileoff, size: filesize });
      const sectSize = seg64 ? 80 : 68;
      const first = at + (seg64 ? 72 : 56);
      if (first + nsects * sectSize > at + cmdsize) throw new ImageError(`Mach-O segment ${segname} declares too many sections`);
      for (let s = 0; s < nsects; s++) {
        const sa = first + s * sectSize;
        const sectname = cmds.cstring(sa, 16);
        const size = seg64 ? cmds.u64(sa + 40) : cmds.u32(sa + 36);
        const offset = cmds.u32(sa + (seg64 ? 48 : 40));
        const flags = cmds.u32(sa + (seg64 ? 64 : 56));
        const zerofill = (flags & 0xff) === 0x1 || (flags & 0xff) === 0xc || (flags & 0xff) === 0x12;
        if (zerofill) continue;
        sections.push({ name: sectname, segment: segname, offset: base + offset, size });
      }
    } else if (cmd === 0x1d /* LC_CODE_SIGNATURE */) {
      const off = cmds.u32(at + 8);
      const size = cmds.u32(at + 12);
      imageEnd = Math.max(imageEnd, base + off + size);
    }
    at += cmdsize;
  }
  return { format: 'macho', littleEndian: le, base, sections, noteAreas: [], imageEnd };
}

/** Finds a section by name (and Mach-O segment). */
export function findSection(image: Image, name: string, segment?: string): Region | undefined {
  return image.sections.find((s) => s.name === name && (segment === undefined || s.segment === segment));
}
