import { Fields, OutOfBounds, type RangeReader } from './reader.js';
import { findSection, type Image } from './image.js';

/** Marks the end of a Bun standalone module graph (`bun build --compile`). */
export const BUN_TRAILER = Buffer.from('\n---- Bun! ----\n', 'latin1');

/** A byte range with an absolute file offset. */
export interface Span {
  offset: number;
  length: number;
}

export interface BunModule {
  name: string;
  contents: Span;
  sourcemap: Span;
  bytecode: Span;
  /** Bun's `options.Loader` value; its numbering changed between releases, only 0–3 (jsx, js, ts, tsx) are stable. */
  loader: number;
  /** 0 binary, 1 latin1, 2 utf8; absent in the oldest layout. */
  encoding?: number;
  /** 0 none, 1 esm, 2 cjs. */
  moduleFormat?: number;
  /** 0 server, 1 client. */
  side?: number;
}

export interface BunGraph {
  where: string;
  modules: BunModule[];
  entryPointId: number;
  execArgv: string;
  flags?: number;
  /** Bytes of one module record; tells which generation of the format was found. */
  recordSize: number;
  /** File offset of the graph's trailer: two finds of the same graph have the same one. */
  trailerAt: number;
}

/** The header and record layouts Bun has used, newest first. `Offsets` grew from 24 to 32 bytes;
 *  module records from 28 (name, contents, sourcemap, loader) to 36 (+bytecode, encoding, format, side)
 *  to 52 (+module_info, bytecode_origin_path). 44 covers a build with only one of the two new pointers. */
const OFFSETS_SIZES = [32, 24] as const;
const RECORD_LAYOUTS = [
  { size: 52, pointers: 6 },
  { size: 44, pointers: 5 },
  { size: 36, pointers: 4 },
  { size: 28, pointers: 3 },
] as const;

export class BunFormatError extends Error {
  override name = 'BunFormatError';
}

export interface BunLimits {
  maxModules: number;
  maxNameBytes: number;
}

/**
 * Finds the module graph of a Bun standalone executable: a dedicated section (`.bun` in ELF and PE,
 * `__BUN,__bun` in Mach-O) holding a length header and the graph, or — before Bun moved it into a
 * section — the graph appended to the end of the file followed by its total length.
 * Returns undefined when the file carries no graph; throws `BunFormatError`/`OutOfBounds` when it carries a broken one.
 */
export async function findBunGraph(reader: RangeReader, image: Image, limits: BunLimits): Promise<BunGraph | 'runtime-only' | undefined> {
  const section = image.format === 'macho' ? findSection(image, '__bun', '__BUN') : findSection(image, '.bun');
  if (section) {
    if (!reader.contains(section.offset, section.size)) throw new BunFormatError(`section ${describe(image)} lies outside the file`);
    if (section.size < 8) return 'runtime-only';
    const head = await reader.read(section.offset, 8);
    const fields = new Fields(head, image.littleEndian);
    // Current builds use a u64 length header; early Mach-O builds used a u32.
    for (const width of [8, 4] as const) {
      const length = width === 8 ? fields.u64(0) : fields.u32(0);
      if (length === 0) return 'runtime-only';
      if (length + width > section.size) continue;
      const trailerAt = section.offset + width + length - BUN_TRAILER.length;
      if (length < BUN_TRAILER.length || !(await hasTrailer(reader, trailerAt))) continue;
      return parseGraph(reader, trailerAt, section.offset + width, `${describe(image)} section`, image.littleEndian, limits);
    }
    // A section of zeros is the plain Bun runtime; anything else is a damaged graph.
    if (head.every((b) => b === 0)) return 'runtime-only';
    throw new BunFormatError(`${describe(image)} section has no module graph trailer`);
  }
  return findAppendedGraph(reader, image, limits);
}

function describe(image: Image): string {
  return image.format === 'macho' ? '__BUN,__bun' : '.bun';
}

async function hasTrailer(reader: RangeReader, at: number): Promise<boolean> {
  if (!reader.contains(at, BUN_TRAILER.length)) return false;
  return (await reader.read(at, BUN_TRAILER.length)).equals(BUN_TRAILER);
}

/** Layout before the section: `[executable][graph][Offsets][trailer][u64 file size]`. */
async function findAppendedGraph(reader: RangeReader, image: Image, limits: BunLimits): Promise<BunGraph | undefined> {
  if (reader.size < 8 + BUN_TRAILER.length + 24) return undefined;
  const trailerAt = reader.size - 8 - BUN_TRAILER.length;
  if (!(await hasTrailer(reader, trailerAt))) return undefined;
  return parseGraph(reader, trailerAt, undefined, 'appended graph', image.littleEndian, limits);
}

async function parseGraph(
  reader: RangeReader,
  trailerAt: number,
  knownStart: number | undefined,
  where: string,
  le: boolean,
  limits: BunLimits,
): Promise<BunGraph> {
  const failures: string[] = [];
  for (const offsetsSize of OFFSETS_SIZES) {
    const offsetsAt = trailerAt - offsetsSize;
    if (offsetsAt < 0) continue;
    const o = new Fields(await reader.read(offsetsAt, offsetsSize), le);
    const byteCount = o.u64(0);
    const start = offsetsAt - byteCount;
    if (!Number.isFinite(start) || start < 0 || (knownStart !== undefined && start !== knownStart)) {
      failures.push(`a ${offsetsSize}-byte header does not match the data length`);
      continue;
    }
    const table = { offset: o.u32(8), length: o.u32(12) };
    const entryPointId = o.u32(16);
    const argvPtr = offsetsSize >= 28 ? { offset: o.u32(20), length: o.u32(24) } : { offset: 0, length: 0 };
    const flags = offsetsSize >= 32 ? o.u32(28) : undefined;
    if (table.offset + table.length > byteCount) {
      failures.push(`the module table of a ${offsetsSize}-byte header lies outside the graph`);
      continue;
    }
    const smallestRecord = RECORD_LAYOUTS[RECORD_LAYOUTS.length - 1]!.size;
    if (table.length / smallestRecord > limits.maxModules) throw new BunFormatError(`${where}: the module table is ${table.length} bytes (limit ${limits.maxModules} modules)`);
    const tableBytes = await reader.read(start + table.offset, table.length);
    const layout = pickRecordLayout(tableBytes, byteCount, le, limits);
    if (typeof layout === 'string') {
      failures.push(layout);
      continue;
    }
    const records = readRecords(tableBytes, layout, le);
    if (records.length > 0 && entryPointId >= records.length) throw new BunFormatError(`${where}: entry point ${entryPointId} is beyond the ${records.length} modules`);
    const names = await readNames(reader, start, records.map((r) => r.name));
    const execArgv = argvPtr.length > 0 && argvPtr.offset + argvPtr.length <= byteCount ? (await reader.read(start + argvPtr.offset, Math.min(argvPtr.length, 64 * 1024))).toString('utf8') : '';
    const abs = (p: Pointer): Span => (p.length === 0 ? { offset: 0, length: 0 } : { offset: start + p.offset, length: p.length });
    const modules = records.map((r, i): BunModule => {
      const m: BunModule = { name: names[i]!, contents: abs(r.contents), sourcemap: abs(r.sourcemap), bytecode: abs(r.bytecode), loader: r.loader };
      if (r.encoding !== undefined) m.encoding = r.encoding;
      if (r.moduleFormat !== undefined) m.moduleFormat = r.moduleFormat;
      if (r.side !== undefined) m.side = r.side;
      return m;
    });
    return { where, modules, entryPointId, execArgv, ...(flags !== undefined ? { flags } : {}), recordSize: layout.size, trailerAt };
  }
  throw new BunFormatError(`${where}: ${failures.join('; ') || 'the graph header is inconsistent'}`);
}

/** Bytes read at a time while scanning a file for graph trailers. */
const SCAN_CHUNK_BYTES = 4 * 1024 * 1024;
/** Trailer occurrences tried as the end of a graph; the runtime's own copy of the string is one of them. */
const MAX_TRAILER_CANDIDATES = 64;

export interface ScannedGraphs {
  graphs: BunGraph[];
  /** More trailer occurrences than were tried. */
  candidatesLeft: number;
}

/**
 * Every well-formed module graph in the file, found by its trailer and checked by parsing it, wherever it lies.
 * A Bun runtime does not consult section headers to find its graph (on Linux it reads it through a symbol in its
 * loaded image; older releases read the end of the file), so headers can be edited to hide a graph from any tool
 * that trusts them while the program still runs it. This scan does not trust them.
 */
export async function scanBunGraphs(reader: RangeReader, le: boolean, limits: BunLimits): Promise<ScannedGraphs> {
  const hits: number[] = [];
  let found = 0;
  const overlap = BUN_TRAILER.length - 1;
  for (let at = 0; at < reader.size; at += SCAN_CHUNK_BYTES) {
    const chunk = await reader.readClamped(at, SCAN_CHUNK_BYTES + overlap);
    for (let i = chunk.indexOf(BUN_TRAILER); i >= 0; i = chunk.indexOf(BUN_TRAILER, i + 1)) {
      // A hit inside the overlap is found again by the next chunk.
      if (i >= SCAN_CHUNK_BYTES) break;
      found++;
      if (hits.length < MAX_TRAILER_CANDIDATES) hits.push(at + i);
    }
  }
  const graphs: BunGraph[] = [];
  for (const trailerAt of hits) {
    try {
      graphs.push(await parseGraph(reader, trailerAt, undefined, `graph found by its trailer at offset ${trailerAt}`, le, limits));
    } catch (err) {
      // Not a graph's end (the runtime's own copy of the string, or data that merely contains it).
      if (!(err instanceof BunFormatError || err instanceof OutOfBounds)) throw err;
    }
  }
  return { graphs, candidatesLeft: found - hits.length };
}

interface Pointer {
  offset: number;
  length: number;
}
interface RawRecord {
  name: Pointer;
  contents: Pointer;
  sourcemap: Pointer;
  bytecode: Pointer;
  loader: number;
  encoding?: number;
  moduleFormat?: number;
  side?: number;
}
type Layout = (typeof RECORD_LAYOUTS)[number];

function pickRecordLayout(table: Buffer, byteCount: number, le: boolean, limits: BunLimits): Layout | string {
  if (table.length === 0) return 'the module table is empty';
  const reasons: string[] = [];
  for (const layout of RECORD_LAYOUTS) {
    if (table.length % layout.size !== 0) continue;
    const count = table.length / layout.size;
    if (count > limits.maxModules) return `the module table lists ${count} modules (limit ${limits.maxModules})`;
    const problem = validateRecords(table, layout, byteCount, le, limits);
    if (problem === undefined) return layout;
    reasons.push(`as ${layout.size}-byte records: ${problem}`);
  }
  return reasons.length ? `the module table does not parse (${reasons.join('; ')})` : `the module table size ${table.length} fits no known record layout`;
}

function validateRecords(table: Buffer, layout: Layout, byteCount: number, le: boolean, limits: BunLimits): string | undefined {
  const f = new Fields(table, le);
  for (let at = 0, i = 0; at < table.length; at += layout.size, i++) {
    for (let p = 0; p < layout.pointers; p++) {
      const offset = f.u32(at + p * 8);
      const length = f.u32(at + p * 8 + 4);
      if (length > 0 && offset + length > byteCount) return `record ${i} points outside the graph`;
    }
    const nameLength = f.u32(at + 4);
    if (nameLength === 0 || nameLength > limits.maxNameBytes) return `record ${i} has a name of ${nameLength} bytes`;
    const tail = at + layout.pointers * 8;
    if (layout.pointers >= 4) {
      const [encoding, loader, moduleFormat, side] = [f.u8(tail), f.u8(tail + 1), f.u8(tail + 2), f.u8(tail + 3)];
      if (encoding > 2 || loader > 63 || moduleFormat > 2 || side > 1) return `record ${i} has unknown kind bytes`;
    } else if (f.u8(tail) > 63) {
      return `record ${i} has an unknown loader`;
    }
  }
  return undefined;
}

function readRecords(table: Buffer, layout: Layout, le: boolean): RawRecord[] {
  const f = new Fields(table, le);
  const out: RawRecord[] = [];
  const ptr = (at: number): Pointer => ({ offset: f.u32(at), length: f.u32(at + 4) });
  for (let at = 0; at < table.length; at += layout.size) {
    const tail = at + layout.pointers * 8;
    if (layout.pointers >= 4) {
      out.push({
        name: ptr(at),
        contents: ptr(at + 8),
        sourcemap: ptr(at + 16),
        bytecode: ptr(at + 24),
        encoding: f.u8(tail),
        loader: f.u8(tail + 1),
        moduleFormat: f.u8(tail + 2),
        side: f.u8(tail + 3),
      });
    } else {
      out.push({ name: ptr(at), contents: ptr(at + 8), sourcemap: ptr(at + 16), bytecode: { offset: 0, length: 0 }, loader: f.u8(tail) });
    }
  }
  return out;
}

/** Names usually sit together; one read of their span beats thousands of tiny reads. */
const NAME_SPAN_READ_LIMIT = 16 * 1024 * 1024;

async function readNames(reader: RangeReader, start: number, names: Pointer[]): Promise<string[]> {
  if (names.length === 0) return [];
  let lo = Number.POSITIVE_INFINITY;
  let hi = 0;
  for (const n of names) {
    lo = Math.min(lo, n.offset);
    hi = Math.max(hi, n.offset + n.length);
  }
  if (hi - lo <= NAME_SPAN_READ_LIMIT) {
    const span = await reader.read(start + lo, hi - lo);
    return names.map((n) => displayName(span.subarray(n.offset - lo, n.offset - lo + n.length)));
  }
  const out: string[] = [];
  for (const n of names) out.push(displayName(await reader.read(start + n.offset, n.length)));
  return out;
}

/** Embedded names are attacker-chosen; control characters would corrupt reports and terminals. */
function displayName(raw: Buffer): string {
   
  return raw.toString('utf8').replace(/[\u0000-\u001f\u007f]/g, '\ufffd');
}


export interface SourceMapSource {
  name: string;
  /** zstd-compressed original text; empty when the map omits it. */
  content: Span;
}

/**
 * Lists the original sources inside a module's serialized source map (`--sourcemap` with `--compile`):
 * a header (source count, mapping length), then one (offset, length) pair per source name and one per
 * zstd-compressed source text, all relative to the start of the map.
 */
export async function readSourceMapSources(reader: RangeReader, map: Span, le: boolean, maxSources: number): Promise<SourceMapSource[]> {
  if (map.length < 8) throw new BunFormatError('an embedded source map is shorter than its header');
  const head = new Fields(await reader.read(map.offset, 8), le);
  const count = head.u32(0);
  if (count > maxSources || 8 + count * 16 > map.length) throw new BunFormatError(`an embedded source map lists ${count} sources`);
  if (count === 0) return [];
  const table = new Fields(await reader.read(map.offset + 8, count * 16), le);
  const pointer = (i: number): Span => {
    const offset = table.u32(i * 8);
    const length = table.u32(i * 8 + 4);
    if (length > 0 && offset + length > map.length) throw new BunFormatError('an embedded source map points outside itself');
    return { offset: length === 0 ? 0 : map.offset + offset, length };
  };
  const names = await readNames(reader, map.offset, Array.from({ length: count }, (_, i) => {
    const p = pointer(i);
    return { offset: p.length === 0 ? 0 : p.offset - map.offset, length: p.length };
  }));
  return names.map((name, i) => ({ name, content: pointer(count + i) }));
}
