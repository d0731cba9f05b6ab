import { Fields, type RangeReader } from './reader.js';
import { findSection, type Image } from './image.js';
import type { Span } from './bun.js';

/** Node single executable applications keep their blob in a resource named like this, placed by postject. */
const RESOURCE_NAME = 'NODE_SEA_BLOB';
const SEA_MAGIC = 0x0143da20;
const MAX_ASSETS = 100_000;

export const SeaFlag = {
  disableExperimentalWarning: 1 << 0,
  useSnapshot: 1 << 1,
  useCodeCache: 1 << 2,
  includeAssets: 1 << 3,
  includeExecArgv: 1 << 4,
} as const;

export interface SeaBlob {
  where: string;
  flags: number;
  /** Path of the main script on the machine that built the executable (absent before Node 20.6). */
  codePath?: string;
  /** Main script, or the V8 startup snapshot when `useSnapshot` is set. */
  main: Span;
  codeCache?: Span;
  assets: { name: string; content: Span }[];
  execArgv: string[];
}

export class SeaFormatError extends Error {
  override name = 'SeaFormatError';
}

/** Locates the SEA blob: an ELF note, a Mach-O `__NODE_SEA` section, or a PE RCDATA resource. */
export async function findSeaBlob(reader: RangeReader, image: Image): Promise<{ span: Span; where: string } | undefined> {
  if (image.format === 'elf') {
    const span = await findElfNote(reader, image);
    return span && { span, where: `ELF note ${RESOURCE_NAME}` };
  }
  if (image.format === 'macho') {
    const s = findSection(image, `__${RESOURCE_NAME}`, '__NODE_SEA');
    return s && { span: { offset: s.offset, length: s.size }, where: `Mach-O section __NODE_SEA,__${RESOURCE_NAME}` };
  }
  const span = await findPeResource(reader, image);
  return span && { span, where: `PE resource ${RESOURCE_NAME}` };
}

async function findElfNote(reader: RangeReader, image: Image): Promise<Span | undefined> {
  for (const area of image.noteAreas) {
    if (!reader.contains(area.offset, area.size)) throw new SeaFormatError('an ELF note area lies outside the file');
    // Offsets within the area: padding aligns the descriptor and the next note to the area's alignment counted from
    // its start. With 8-byte alignment (x86-64 GNU property notes, in nearly every Linux executable) padding the name
    // alone would skip 4 bytes too many after the 12-byte header, and a well-formed note would run past its area.
    const align = (n: number): number => Math.ceil(n / area.align) * area.align;
    let rel = 0;
    while (rel + 12 <= area.size) {
      const h = new Fields(await reader.read(area.offset + rel, 12), image.littleEndian);
      const namesz = h.u32(0);
      const descsz = h.u32(4);
      const nameRel = rel + 12;
      const descRel = align(nameRel + namesz);
      if (descRel + descsz > area.size) throw new SeaFormatError('an ELF note runs past its area');
      if (namesz === RESOURCE_NAME.length + 1) {
        const name = (await reader.read(area.offset + nameRel, namesz)).toString('latin1', 0, RESOURCE_NAME.length);
        if (name === RESOURCE_NAME) return { offset: area.offset + descRel, length: descsz };
      }
      rel = align(descRel + descsz);
    }
  }
  return undefined;
}

const RT_RCDATA = 10;

async function findPeResource(reader: RangeReader, image: Image): Promise<Span | undefined> {
  const res = image.resources;
  if (!res || !image.rvaToOffset) return undefined;
  if (!reader.contains(res.offset, Math.min(res.size, 16))) throw new SeaFormatError('the PE resource directory lies outside the file');
  const dirAt = (rel: number): number => {
    if (rel >= res.size) throw new SeaFormatError('a PE resource entry points outside the directory');
    return res.offset + rel;
  };
  const entries = async (rel: number): Promise<{ id?: number; name?: string; child: number; isDir: boolean }[]> => {
    const h = new Fields(await reader.read(dirAt(rel), 16), true);
    const count = h.u16(12) + h.u16(14);
    if (count > 4096) throw new SeaFormatError('a PE resource directory lists too many entries');
    const raw = new Fields(await reader.read(dirAt(rel) + 16, count * 8), true);
    const out = [];
    for (let i = 0; i < count; i++) {
      const nameField = raw.u32(i * 8);
      const target = raw.u32(i * 8 + 4);
      const entry: { id?: number; name?: string; child: number; isDir: boolean } = { child: target & 0x7fffffff, isDir: (target & 0x80000000) !== 0 };
      if (nameField & 0x80000000) {
        const nameAt = dirAt(nameField & 0x7fffffff);
        const len = new Fields(await reader.read(nameAt, 2), true).u16(0);
        entry.name = (await reader.read(nameAt + 2, Math.min(len, 256) * 2)).toString('utf16le');
      } else entry.id = nameField;
      out.push(entry);
    }
    return out;
  };
  const type = (await entries(0)).find((e) => e.id === RT_RCDATA && e.isDir);
  if (!type) return undefined;
  const named = (await entries(type.child)).find((e) => e.name?.toUpperCase() === RESOURCE_NAME && e.isDir);
  if (!named) return undefined;
  const lang = (await entries(named.child)).find((e) => !e.isDir);
  if (!lang) return undefined;
  const data = new Fields(await reader.read(dirAt(lang.child), 16), true);
  const offset = image.rvaToOffset(data.u32(0));
  const size = data.u32(4);
  if (offset === undefined || !reader.contains(offset, size)) throw new SeaFormatError('the SEA resource data lies outside the file');
  return { offset, length: size };
}

/** Header generations, newest first: Node 26 added a main-format byte, 22.20 an exec-argv-extension byte,
 *  20.6 the code path; 20.3 length-prefixed the code; before that the code ran to the end of the blob. */
const HEADER_VARIANTS = [
  { extraBytes: 2, codePath: true, prefixed: true },
  { extraBytes: 1, codePath: true, prefixed: true },
  { extraBytes: 0, codePath: true, prefixed: true },
  { extraBytes: 0, codePath: false, prefixed: true },
  { extraBytes: 0, codePath: false, prefixed: false },
] as const;

/** Parses a SEA blob with small reads only; the main script itself is left on disk. */
export async function parseSeaBlob(reader: RangeReader, blob: Span, where: string): Promise<SeaBlob> {
  if (blob.length < 8) throw new SeaFormatError(`${where} is ${blob.length} bytes long`);
  const head = new Fields(await reader.read(blob.offset, 8), true);
  if (head.u32(0) !== SEA_MAGIC) throw new SeaFormatError(`${where} does not start with the SEA magic`);
  const flags = head.u32(4);
  for (const variant of HEADER_VARIANTS) {
    const parsed = await tryVariant(reader, blob, flags, variant);
    if (parsed) return { where, ...parsed };
  }
  throw new SeaFormatError(`${where} has a header no known Node version writes`);
}

async function tryVariant(reader: RangeReader, blob: Span, flags: number, variant: (typeof HEADER_VARIANTS)[number]): Promise<Omit<SeaBlob, 'where'> | undefined> {
  const end = blob.offset + blob.length;
  let at = blob.offset + 8;
  if (variant.extraBytes > 0) {
    const extra = await reader.read(at, variant.extraBytes);
    if (extra.some((b) => b > 2)) return undefined;
    at += variant.extraBytes;
  }
  const view = async (): Promise<Span | undefined> => {
    if (at + 8 > end) return undefined;
    const len = new Fields(await reader.read(at, 8), true).u64(0);
    if (!Number.isFinite(len) || at + 8 + len > end) return undefined;
    const span = { offset: at + 8, length: len };
    at += 8 + len;
    return span;
  };
  const count = async (): Promise<number | undefined> => {
    if (at + 8 > end) return undefined;
    const n = new Fields(await reader.read(at, 8), true).u64(0);
    at += 8;
    return n <= MAX_ASSETS ? n : undefined;
  };
  const text = async (span: Span): Promise<string> => (await reader.read(span.offset, Math.min(span.length, 4096))).toString('utf8');

  let codePath: string | undefined;
  if (variant.codePath) {
    const p = await view();
    if (!p || p.length > 4096) return undefined;
    codePath = await text(p);
  }
  if (!variant.prefixed) {
    // The oldest blobs hold bare source text; length fields of newer ones contain NUL bytes, which source does not.
    const sample = await reader.read(at, Math.min(end - at, 4096));
    if (sample.length === 0 || sample.includes(0)) return undefined;
    return { flags, main: { offset: at, length: end - at }, assets: [], execArgv: [] };
  }
  const main = await view();
  if (!main) return undefined;
  let codeCache: Span | undefined;
  if (flags & SeaFlag.useCodeCache && variant.codePath) {
    codeCache = await view();
    if (!codeCache) return undefined;
  }
  const assets: SeaBlob['assets'] = [];
  if (flags & SeaFlag.includeAssets && variant.codePath) {
    const n = await count();
    if (n === undefined) return undefined;
    for (let i = 0; i < n; i++) {
      const key = await view();
      const content = key && (await view());
      if (!key || !content || key.length > 4096) return undefined;
      assets.push({ name: await text(key), content });
    }
  }
  const execArgv: string[] = [];
  if (flags & SeaFlag.includeExecArgv && variant.codePath) {
    const n = await count();
    if (n === undefined) return undefined;
    for (let i = 0; i < n; i++) {
      const arg = await view();
      if (!arg) return undefined;
      execArgv.push(await text(arg));
    }
  }
  // postject stores the blob's exact size; allow only alignment padding after the last field.
  if (end - at > 8) return undefined;
  return { flags, ...(codePath !== undefined ? { codePath } : {}), main, ...(codeCache ? { codeCache } : {}), assets, execArgv };
}
