// Hand-written ustar archives: the `tar` library refuses to create the hostile entries these tests need.
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface RawEntry {
  name: string;
  /** ustar type flag: '0' file, '1' hard link, '2' symlink, '3' char device, '5' directory, '6' FIFO. */
  type?: string;
  content?: string | Buffer;
  linkname?: string;
  /** Declared size when it must differ from the content length (truncated or lying archives). */
  declaredSize?: number;
}

function field(buf: Buffer, offset: number, length: number, value: string): void {
  buf.write(value, offset, length, 'utf8');
}

function octal(value: number, length: number): string {
  return value.toString(8).padStart(length - 1, '0') + '\0';
}

export function header(e: RawEntry): Buffer {
  const h = Buffer.alloc(512);
  const size = e.declaredSize ?? (e.content === undefined ? 0 : Buffer.byteLength(e.content));
  field(h, 0, 100, e.name);
  field(h, 100, 8, octal(0o644, 8));
  field(h, 108, 8, octal(0, 8));
  field(h, 116, 8, octal(0, 8));
  field(h, 124, 12, octal(size, 12));
  field(h, 136, 12, octal(0, 12));
  field(h, 156, 1, e.type ?? '0');
  field(h, 157, 100, e.linkname ?? '');
  field(h, 257, 6, 'ustar\0');
  field(h, 263, 2, '00');
  field(h, 148, 8, '        ');
  let sum = 0;
  for (const b of h) sum += b;
  field(h, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return h;
}

export function entry(e: RawEntry): Buffer {
  const body = e.content === undefined ? Buffer.alloc(0) : Buffer.from(e.content);
  const padded = Buffer.alloc(Math.ceil(body.length / 512) * 512);
  body.copy(padded);
  return Buffer.concat([header(e), padded]);
}

export function tar(entries: RawEntry[], trailer: Buffer = Buffer.alloc(1024)): Buffer {
  return Buffer.concat([...entries.map(entry), trailer]);
}

export function tgz(entries: RawEntry[], trailer?: Buffer): Buffer {
  return gzipSync(tar(entries, trailer));
}

export async function tempRoot(label: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `telltale-test-${label}-`));
}

/** Every path under `root`, relative, sorted; links are listed, not followed. */
export async function listTree(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const d of await readdir(root, { withFileTypes: true, recursive: true })) {
    const rel = join(d.parentPath ?? (d as unknown as { path: string }).path, d.name).slice(root.length + 1);
    out.push(d.isSymbolicLink() ? `${rel} -> link` : rel);
  }
  return out.sort();
}
