import { isAscii } from 'node:buffer';
import type { PackageFile } from '../types.js';
import { ContainerError } from './errors.js';
import { OutOfBounds, RangeReader, SharedFile } from './reader.js';
import { ImageError, findSection, parseImages, sniffExecutable, type ExecutableFormat, type Image } from './image.js';
import { BunFormatError, findBunGraph, readSourceMapSources, scanBunGraphs, type BunGraph, type BunModule, type Span } from './bun.js';
import { SeaFlag, SeaFormatError, findSeaBlob, parseSeaBlob, type SeaBlob } from './node-sea.js';
import { detectOtherPacker } from './packers.js';
import { DecompressionError, decompress, sniffCompression, zstdDeclaredSize, type Compression } from './compression.js';

export { ContainerError } from './errors.js';
export { sniffExecutable, type ExecutableFormat } from './image.js';
export { checkPlatform, findPlatformPackages, type PlatformManifest, type PlatformPackage } from './platform-packages.js';

export interface ContainerResult {
  kind: 'bun' | 'node-sea' | 'pkg' | 'nexe' | 'deno' | 'none';
  format: ExecutableFormat;
  /** JavaScript found inside, each read lazily from its own byte range. */
  modules: EmbeddedModule[];
  /** What was found and what was left out, one line each. */
  notes: string[];
  /** Bun version string, when the runtime names itself in its read-only data. */
  version?: string;
  /**
   * Set when embedded code was found that the executable's headers hide (no section names it, a section says it is
   * empty, the headers are broken, or it is a second graph beside the one they name): why, in a few words.
   */
  hiddenFromHeaders?: string;
}

/** One script inside a compiled executable. `path` is `<container path>!<embedded path>`. */
export interface EmbeddedModule extends PackageFile {
  container: 'bun' | 'node-sea';
  embeddedPath: string;
  /** `source-map` for an original source recovered from a module's embedded source map; its path is
   *  `<container>!<module>!<source>`. */
  origin: 'module' | 'source-map';
  /** The program's entry point (Bun) or main script (SEA). */
  entryPoint: boolean;
  /** Stored compressed inside the container; `read()` returns the decompressed text. */
  compression?: Compression;
  /** Precompiled engine bytecode is stored beside the source. */
  hasBytecode: boolean;
  hasSourceMap: boolean;
}

export interface ExecutableOptions {
  /** Most module records accepted from one container. */
  maxModules: number;
  /** Largest output of decompressing one embedded module. */
  maxDecompressedBytes: number;
  /** Also expose the original sources stored in embedded source maps. */
  sourceMapSources: boolean;
}

export const DEFAULT_EXECUTABLE_OPTIONS: ExecutableOptions = {
  maxModules: 200_000,
  maxDecompressedBytes: 256 * 1024 * 1024,
  sourceMapSources: true,
};

/** The executable as its modules see it: display path and one shared lazy reader. */
interface Container {
  path: string;
  source: SharedFile;
}

const HEAD_BYTES = 4096;
const JS_NAME = /\.(?:[cm]?jsx?|[cm]?tsx?)$/i;
const COMPRESSED_SUFFIX = /\.(?:zst|zstd|gz)$/i;
/** Bun's loader numbering shifted between releases, but jsx, js, ts and tsx have always been 0–3. */
const BUN_SCRIPT_LOADERS = 3;

/**
 * Opens a compiled executable and lists the JavaScript inside it. Bun standalone executables and Node SEAs are
 * unpacked; pkg, nexe and deno compile are recognised and reported in `notes`. Reads only headers, the module
 * table and names here; every module's text is read by its own `read()`.
 * Throws `ContainerError` when the file is not an executable or its container is truncated or inconsistent.
 */
export async function openExecutable(
  file: PackageFile & { diskPath: string },
  options: Partial<ExecutableOptions> = {},
): Promise<ContainerResult> {
  const opts = { ...DEFAULT_EXECUTABLE_OPTIONS, ...options };
  let reader: RangeReader;
  try {
    reader = await RangeReader.open(file.diskPath);
  } catch (err) {
    throw new ContainerError(file.path, `cannot open: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    const format = sniffExecutable(await reader.readClamped(0, HEAD_BYTES));
    if (!format) throw new ContainerError(file.path, 'not an ELF, Mach-O or PE executable');
    const container: Container = { path: file.path, source: new SharedFile(file.diskPath) };
    const seen: HeaderFinds = {};
    let images: Image[] = [];
    let found: ContainerResult | undefined;
    try {
      images = await parseImages(reader, format);
      for (const image of images) {
        found = await openImage(reader, image, container, opts, seen);
        if (found) break;
      }
    } catch (err) {
      if (!isFormatError(err)) throw err;
      seen.problem = err instanceof OutOfBounds ? `truncated or corrupt executable: ${err.message}` : (err as Error).message;
    }
    // What the headers say is not what the runtime reads: look for graphs by their trailer as well.
    const scanned = await scanBunGraphs(reader, images[0]?.littleEndian ?? true, { maxModules: opts.maxModules, maxNameBytes: 4096 });
    const hidden = scanned.graphs.filter((g) => g.trailerAt !== seen.graphTrailerAt);
    if (hidden.length === 0) {
      if (seen.problem !== undefined) throw new ContainerError(file.path, seen.problem);
      return found ?? { kind: 'none', format, modules: [], notes: [] };
    }
    const why =
      seen.graphTrailerAt !== undefined
        ? 'a second module graph beside the one the headers name'
        : seen.problem !== undefined
          ? `the headers cannot be read (${seen.problem})`
          : seen.runtimeOnly
            ? 'the section meant for it declares no module graph'
            : 'no section header names it';
    const image = images[0] ?? { format, littleEndian: true, base: 0, sections: [], noteAreas: [], imageEnd: reader.size };
    const results = [];
    for (const g of hidden) results.push(await bunResult(reader, image, g, container, opts));
    const base = found;
    const modules = [...(base?.modules ?? []), ...results.flatMap((r) => r.modules)];
    const notes = [...(base?.notes ?? []), ...results.flatMap((r) => r.notes), `embedded code hidden from the headers: ${why}`];
    if (scanned.candidatesLeft > 0) notes.push(`${scanned.candidatesLeft} further graph trailers were not tried`);
    const version = base?.version ?? results.find((r) => r.version)?.version;
    return { kind: 'bun', format, modules, notes, ...(version ? { version } : {}), hiddenFromHeaders: why };
  } catch (err) {
    if (err instanceof ContainerError) throw err;
    if (err instanceof OutOfBounds) throw new ContainerError(file.path, `truncated or corrupt executable: ${err.message}`);
    if (isFormatError(err)) throw new ContainerError(file.path, (err as Error).message);
    throw err;
  } finally {
    await reader.close();
  }
}

/** What the headers led to: the graph they name, or a Bun runtime whose graph section is empty, or why they could not be read. */
interface HeaderFinds {
  graphTrailerAt?: number;
  runtimeOnly?: boolean;
  problem?: string;
}

function isFormatError(err: unknown): boolean {
  return err instanceof ImageError || err instanceof BunFormatError || err instanceof SeaFormatError || err instanceof DecompressionError || err instanceof OutOfBounds;
}

async function openImage(reader: RangeReader, image: Image, file: Container, opts: ExecutableOptions, seen: HeaderFinds): Promise<ContainerResult | undefined> {
  const graph = await findBunGraph(reader, image, { maxModules: opts.maxModules, maxNameBytes: 4096 });
  if (graph && graph !== 'runtime-only') {
    seen.graphTrailerAt = graph.trailerAt;
    return bunResult(reader, image, graph, file, opts);
  }
  if (graph === 'runtime-only') seen.runtimeOnly = true;
  const sea = await findSeaBlob(reader, image);
  if (sea) return seaResult(await parseSeaBlob(reader, sea.span, sea.where), image.format, file);
  const other = await detectOtherPacker(reader, image);
  if (other) {
    return { kind: other.packer, format: image.format, modules: [], notes: [`contains a packed ${other.packer} runtime we cannot open (${other.evidence})`] };
  }
  if (graph === 'runtime-only') return { kind: 'none', format: image.format, modules: [], notes: ['Bun runtime without an embedded module graph'] };
  return undefined;
}

async function bunResult(reader: RangeReader, image: Image, graph: BunGraph, file: Container, opts: ExecutableOptions): Promise<ContainerResult> {
  const modules: EmbeddedModule[] = [];
  const skipped = new Map<string, number>();
  let withBytecode = 0;
  let compressed = 0;
  let fromSourceMaps = 0;
  for (const [index, m] of graph.modules.entries()) {
    const script = m.loader <= BUN_SCRIPT_LOADERS || JS_NAME.test(m.name.replace(COMPRESSED_SUFFIX, ''));
    if (!script) {
      const kind = extensionOf(m.name);
      skipped.set(kind, (skipped.get(kind) ?? 0) + 1);
      continue;
    }
    if (m.bytecode.length > 0) withBytecode++;
    // Bun never compresses what it bundles; only files embedded as assets can hold compressed scripts.
    const compression = m.loader > BUN_SCRIPT_LOADERS && m.contents.length >= 4 ? sniffCompression(await reader.read(m.contents.offset, Math.min(18, m.contents.length))) : undefined;
    let size = m.contents.length;
    if (compression) {
      compressed++;
      size = await decompressedSize(reader, m.contents, compression, opts.maxDecompressedBytes);
    }
    modules.push(bunModule(file, m, index === graph.entryPointId, compression, size, opts));
    if (opts.sourceMapSources && m.sourcemap.length > 0) {
      for (const source of await readSourceMapSources(reader, m.sourcemap, image.littleEndian, opts.maxModules)) {
        if (!JS_NAME.test(source.name) || source.content.length === 0) continue;
        const sourceSize = await decompressedSize(reader, source.content, 'zstd', opts.maxDecompressedBytes);
        modules.push(sourceMapModule(file, m.name, source.name, source.content, sourceSize, opts));
        fromSourceMaps++;
      }
    }
  }
  const notes = [
    `Bun standalone executable (${image.format}, ${graph.where}, ${graph.recordSize}-byte module records): ${graph.modules.length} embedded files, ${modules.length - fromSourceMaps} scripts`,
  ];
  const entry = graph.modules[graph.entryPointId];
  if (entry) notes.push(`entry point ${entry.name}`);
  if (skipped.size > 0) notes.push(`not scripts, left out: ${[...skipped].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n} ${k}`).join(', ')}`);
  if (compressed > 0) notes.push(`${compressed} scripts are stored compressed and are decompressed on read`);
  if (fromSourceMaps > 0) notes.push(`${fromSourceMaps} original sources recovered from embedded source maps`);
  if (withBytecode > 0) notes.push(`${withBytecode} scripts carry precompiled bytecode beside their source`);
  const bytecodeOnly = modules.filter((m) => m.size === 0 && m.hasBytecode);
  if (bytecodeOnly.length > 0) notes.push(`${bytecodeOnly.length} scripts have bytecode but no source text: ${bytecodeOnly.slice(0, 3).map((m) => m.embeddedPath).join(', ')}`);
  if (graph.execArgv) notes.push(`compile-time runtime arguments: ${truncate(graph.execArgv, 300)}`);
  const version = await findBunVersion(reader, image);
  return { kind: 'bun', format: image.format, modules, notes, ...(version ? { version } : {}) };
}

function bunModule(file: Container, m: BunModule, entryPoint: boolean, compression: Compression | undefined, size: number, opts: ExecutableOptions): EmbeddedModule {
  const source = file.source;
  const span = m.contents;
  // Bun stores scripts as Latin-1 (one byte per character); re-encode so consumers can read UTF-8.
  const latin1 = m.encoding === 1;
  return {
    path: `${file.path}!${m.name}`,
    size,
    container: 'bun',
    embeddedPath: m.name,
    origin: 'module',
    entryPoint,
    ...(compression ? { compression } : {}),
    hasBytecode: m.bytecode.length > 0,
    hasSourceMap: m.sourcemap.length > 0,
    read: () =>
      typedRead(`${file.path}!${m.name}`, async () => {
        const raw = span.length === 0 ? Buffer.alloc(0) : await source.read(span.offset, span.length);
        const text = compression ? decompress(compression, raw, Math.min(opts.maxDecompressedBytes, Math.max(size, 1))) : raw;
        return latin1 && !compression && !isAscii(text) ? Buffer.from(text.toString('latin1'), 'utf8') : text;
      }),
  };
}

function sourceMapModule(file: Container, moduleName: string, sourceName: string, span: Span, size: number, opts: ExecutableOptions): EmbeddedModule {
  const source = file.source;
  const path = `${file.path}!${moduleName}!${sourceName}`;
  return {
    path,
    size,
    container: 'bun',
    embeddedPath: `${moduleName}!${sourceName}`,
    origin: 'source-map',
    entryPoint: false,
    compression: 'zstd',
    hasBytecode: false,
    hasSourceMap: false,
    read: () => typedRead(path, async () => decompress('zstd', await source.read(span.offset, span.length), Math.min(opts.maxDecompressedBytes, Math.max(size, 1)))),
  };
}

async function decompressedSize(reader: RangeReader, span: Span, kind: Compression, max: number): Promise<number> {
  if (kind === 'zstd') {
    const declared = zstdDeclaredSize(await reader.read(span.offset, Math.min(18, span.length)));
    if (declared !== undefined) return declared;
  } else if (span.length >= 18) {
    // gzip records the size modulo 2^32 in its last four bytes; good enough for limit checks.
    return (await reader.read(span.offset + span.length - 4, 4)).readUInt32LE(0);
  }
  return decompress(kind, await reader.read(span.offset, span.length), max).length;
}

function seaResult(blob: SeaBlob, format: ExecutableFormat, file: Container): ContainerResult {
  const notes = [`Node single executable application (${format}, ${blob.where}), flags 0x${blob.flags.toString(16)}`];
  const modules: EmbeddedModule[] = [];
  const mainName = blob.codePath ?? 'main.js';
  if (blob.flags & SeaFlag.useSnapshot) {
    notes.push(`main entry ${mainName} is a V8 startup snapshot (${blob.main.length} bytes), not source text`);
  } else {
    modules.push(seaModule(file, mainName, blob.main, true, blob.codeCache !== undefined));
  }
  if (blob.codeCache) notes.push(`carries a V8 code cache of ${blob.codeCache.length} bytes`);
  let otherAssets = 0;
  for (const asset of blob.assets) {
    if (JS_NAME.test(asset.name)) modules.push(seaModule(file, asset.name, asset.content, false, false));
    else otherAssets++;
  }
  if (otherAssets > 0) notes.push(`${otherAssets} non-script assets left out`);
  if (blob.execArgv.length > 0) notes.push(`compile-time runtime arguments: ${truncate(blob.execArgv.join(' '), 300)}`);
  return { kind: 'node-sea', format, modules, notes };
}

function seaModule(file: Container, name: string, span: Span, entryPoint: boolean, hasBytecode: boolean): EmbeddedModule {
  const source = file.source;
   
  const embeddedPath = name.replace(/[\u0000-\u001f\u007f]/g, '\ufffd');
  return {
    path: `${file.path}!${embeddedPath}`,
    size: span.length,
    container: 'node-sea',
    embeddedPath,
    origin: 'module',
    entryPoint,
    hasBytecode,
    hasSourceMap: false,
    read: () => typedRead(`${file.path}!${embeddedPath}`, () => source.read(span.offset, span.length)),
  };
}

/** Runtimes name themselves in read-only data ("Bun v1.2.3 (rev)"); only those sections are searched, at most 64 MB. */
async function findBunVersion(reader: RangeReader, image: Image): Promise<string | undefined> {
  const candidates = [findSection(image, '.rodata'), findSection(image, '.rdata'), findSection(image, '__cstring', '__TEXT'), findSection(image, '__const', '__TEXT')];
  const pattern = /Bun v(\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?)/;
  const chunk = 4 * 1024 * 1024;
  for (const section of candidates) {
    if (!section || !reader.contains(section.offset, section.size)) continue;
    const end = section.offset + Math.min(section.size, 64 * 1024 * 1024);
    for (let at = section.offset; at < end; at += chunk) {
      const start = Math.max(section.offset, at - 64);
      const text = (await reader.read(start, Math.min(end, at + chunk) - start)).toString('latin1');
      const match = pattern.exec(text);
      if (match) return match[1];
    }
  }
  return undefined;
}

/** The file may have changed or been cut since it was opened; say so in one line. */
async function typedRead(path: string, read: () => Promise<Buffer>): Promise<Buffer> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof OutOfBounds || err instanceof DecompressionError) throw new ContainerError(path, err.message);
    throw err;
  }
}

function extensionOf(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot).toLowerCase() : 'without extension';
}

function truncate(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
