import { constants, createReadStream } from 'node:fs';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { join, posix, sep } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import { UserError } from '../model/errors.js';
import type { AcquireLimits } from './types.js';
import { firstLine, problemSink, type Problem } from './problems.js';
import { MAX_FOLDER_DEPTH } from './walk.js';

export type EntryPathVerdict = { ok: true; rel: string } | { ok: false; reason: string };

/**
 * Checks a raw archive path before anything is written and strips the top folder (`package/`) like npm.
 * Both separators count, so `a\..\..\x` is caught however the archive was made. `rel` is '' for the top folder itself.
 */
export function checkEntryPath(raw: string): EntryPathVerdict {
  if (raw.includes('\0')) return { ok: false, reason: 'path contains a NUL byte' };
  if (/^[A-Za-z]:/.test(raw)) return { ok: false, reason: 'drive-letter path' };
  if (/^[\\/]/.test(raw)) return { ok: false, reason: 'absolute path' };
  const segments = raw.split(/[\\/]/);
  if (segments.includes('..')) return { ok: false, reason: 'path climbs out of the package folder ("..")' };
  const clean = segments.filter((s) => s !== '' && s !== '.');
  if (clean.length === 0) return { ok: false, reason: 'empty path' };
  if (clean.length > MAX_FOLDER_DEPTH + 1) return { ok: false, reason: `path nested deeper than ${MAX_FOLDER_DEPTH} levels` };
  return { ok: true, rel: clean.slice(1).join('/') };
}

/** Whether a link entry points outside the package, for the message. */
function linkEscapes(entryRel: string, linkpath: string, hard: boolean): boolean {
  if (hard) {
    // hard-link targets are archive paths, top folder included
    const v = checkEntryPath(linkpath);
    return !v.ok || v.rel === '';
  }
  if (/^(?:[\\/]|[A-Za-z]:)/.test(linkpath)) return true;
  const resolved = posix.resolve(posix.dirname(`/pkg/${entryRel}`), linkpath.replace(/\\/g, '/'));
  return !resolved.startsWith('/pkg/');
}

type Sniffed = 'gzip' | 'tar';

function sniff(head: Buffer): Sniffed | undefined {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 263 && head.subarray(257, 262).toString('latin1') === 'ustar') return 'tar';
  return undefined;
}

export async function readHead(path: string, bytes: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

export function tarballSource(path: string): () => Readable {
  return () => createReadStream(path);
}

export function bufferSource(buf: Buffer): () => Readable {
  return () => Readable.from([buf]);
}

/**
 * Unpacks a (gzipped) tar into `dest`, which must be a fresh private directory. Only regular files and folders are
 * created, never links or devices, so no later entry can be redirected outside `dest`. Unsafe or unsupported entries
 * are skipped and reported; limits stop unpacking and are reported; the archive being unreadable is a `UserError`.
 */
export async function unpackTarball(
  openSource: () => Readable,
  head: Buffer,
  dest: string,
  limits: AcquireLimits,
  label: string,
): Promise<Problem[]> {
  const format = sniff(head);
  if (format === undefined) throw new UserError(`cannot read tarball ${label}: not a gzip or tar archive`);

  const problems: Problem[] = [];
  const sink = problemSink(problems);
  // headers, padding and pax records on top of file data; anything beyond is a decompression bomb
  const streamCap = limits.maxUnpackedBytes + (limits.maxEntries + 16) * 3 * 512 + 1024 * 1024;
  let stopped = false;
  // npm ignores whatever follows the end-of-archive blocks, and the parser would buffer it all
  let sawEnd = false;
  let fatal: string | undefined;
  let entries = 0;
  let bytes = 0;
  let writes: Promise<void> = Promise.resolve();

  const stop = (file: string, message: string) => {
    if (stopped) return;
    stopped = true;
    sink.add(file, message);
  };

  const parser = new Parser({ strict: false, brotli: false, zstd: false, maxMetaEntrySize: 1024 * 1024 });
  parser.on('warn', (code: string, message: string, data: { entry?: ReadEntry; header?: { path?: string } }) => {
    if (stopped) return;
    if (code === 'TAR_BAD_ARCHIVE' || code === 'TAR_ABORT') fatal ??= message;
    else sink.add(data.entry?.path ?? data.header?.path ?? label, `invalid entry skipped: ${message}`);
  });
  parser.on('error', (err: Error) => {
    if (!stopped) fatal ??= firstLine(err);
  });
  parser.on('eof', () => {
    sawEnd = true;
  });
  parser.on('entry', (entry: ReadEntry) => {
    if (stopped) return void entry.resume();
    if (++entries > limits.maxEntries) {
      stop(entry.path, `more than ${limits.maxEntries} entries; the rest of the tarball was not unpacked`);
      return void entry.resume();
    }
    const verdict = checkEntryPath(entry.path);
    if (!verdict.ok) {
      sink.add(entry.path, `${describe(entry.type)} skipped: ${verdict.reason}`);
      return void entry.resume();
    }
    const { rel } = verdict;
    switch (entry.type) {
      case 'Directory':
      case 'GNUDumpDir':
        entry.resume();
        if (rel !== '') writes = writes.then(() => makeDir(dest, rel, sink));
        return;
      case 'File':
      case 'OldFile':
      case 'ContiguousFile':
        if (rel === '') {
          sink.add(entry.path, 'file outside the top folder skipped (npm ignores it too)');
          return void entry.resume();
        }
        if (bytes + entry.size > limits.maxUnpackedBytes) {
          stop(rel, `unpacking stopped: ${entry.size} more bytes would exceed the limit of ${limits.maxUnpackedBytes} bytes`);
          return void entry.resume();
        }
        bytes += entry.size;
        writes = writes.then(() => writeFile(dest, rel, entry, sink));
        return;
      case 'SymbolicLink':
      case 'Link': {
        const hard = entry.type === 'Link';
        const outside = linkEscapes(rel, entry.linkpath ?? '', hard);
        sink.add(rel || entry.path, `${hard ? 'hard link' : 'symbolic link'} to ${JSON.stringify(entry.linkpath ?? '')} skipped${outside ? ' (points outside the package)' : ''}`);
        return void entry.resume();
      }
      default:
        sink.add(rel || entry.path, `${describe(entry.type)} skipped`);
        return void entry.resume();
    }
  });
  const parserDone = new Promise<void>((resolve) => {
    parser.on('end', () => resolve());
    parser.on('error', () => resolve());
    parser.on('abort', () => resolve());
  });

  let readError: string | undefined;
  const raw = openSource();
  try {
    const data: AsyncIterable<Buffer> = format === 'gzip' ? raw.pipe(createGunzip()) : raw;
    if (format === 'gzip') raw.on('error', (err) => (data as Readable).destroy(err));
    let total = 0;
    for await (const chunk of data) {
      if (stopped || sawEnd || fatal !== undefined) break;
      total += chunk.length;
      if (total > streamCap) {
        stop(label, `unpacking stopped: archive decompresses to more than ${streamCap} bytes`);
        break;
      }
      if (!parser.write(chunk)) await drained(parser);
    }
  } catch (err) {
    readError = firstLine(err);
  } finally {
    // breaking out early leaves the source paused with its file open
    raw.destroy();
  }
  parser.end();
  await parserDone;
  await writes;
  sink.finish();
  const failure = readError ?? (stopped ? undefined : fatal);
  if (failure !== undefined) throw new UserError(`cannot read tarball ${label}: ${failure}`);
  return problems;
}

function drained(parser: Parser): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      parser.off('drain', done);
      parser.off('error', done);
      parser.off('abort', done);
      resolve();
    };
    parser.on('drain', done);
    parser.on('error', done);
    parser.on('abort', done);
  });
}

function describe(type: string): string {
  switch (type) {
    case 'CharacterDevice':
    case 'BlockDevice':
      return 'device file';
    case 'FIFO':
      return 'FIFO';
    case 'File':
    case 'OldFile':
    case 'ContiguousFile':
      return 'file';
    case 'Directory':
      return 'folder';
    case 'SymbolicLink':
      return 'symbolic link';
    case 'Link':
      return 'hard link';
    default:
      return `entry of type ${type}`;
  }
}

type Sink = ReturnType<typeof problemSink>;

function target(dest: string, rel: string): string {
  const abs = join(dest, ...rel.split('/'));
  // checkEntryPath already refused anything that could leave dest; this guards against a future change there
  if (!abs.startsWith(dest + sep)) throw new Error(`internal: ${rel} resolves outside the unpack folder`);
  return abs;
}

async function makeDir(dest: string, rel: string, sink: Sink): Promise<void> {
  try {
    await mkdir(target(dest, rel), { recursive: true, mode: 0o755 });
  } catch (err) {
    sink.add(rel, `folder not created: ${firstLine(err)}`);
  }
}

async function writeFile(dest: string, rel: string, entry: ReadEntry, sink: Sink): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    const abs = target(dest, rel);
    await mkdir(join(abs, '..'), { recursive: true, mode: 0o755 });
    // no exec bits: nothing unpacked here is ever meant to run
    fh = await open(abs, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o644);
    for await (const chunk of entry as AsyncIterable<Buffer>) await fh.write(chunk);
  } catch (err) {
    sink.add(rel, `file not written: ${firstLine(err)}`);
    entry.resume();
  } finally {
    await fh?.close();
  }
}
