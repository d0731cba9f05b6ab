import { open, type FileHandle } from 'node:fs/promises';

/** Reads exact byte ranges of one file; every range is checked against the file size first,
 *  so a lying header becomes an `OutOfBounds` instead of a short read or a huge allocation. */
export class RangeReader {
  private constructor(
    private readonly fh: FileHandle,
    readonly size: number,
  ) {}

  static async open(path: string): Promise<RangeReader> {
    const fh = await open(path, 'r');
    try {
      const { size } = await fh.stat();
      return new RangeReader(fh, size);
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  contains(offset: number, length: number): boolean {
    return Number.isSafeInteger(offset) && Number.isSafeInteger(length) && offset >= 0 && length >= 0 && offset + length <= this.size;
  }

  async read(offset: number, length: number): Promise<Buffer> {
    if (!this.contains(offset, length)) throw new OutOfBounds(offset, length, this.size);
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.fh.read(buf, done, length - done, offset + done);
      if (bytesRead === 0) throw new OutOfBounds(offset, length, this.size);
      done += bytesRead;
    }
    return buf;
  }

  /** Reads as much of the range as exists (for sniffing heads and tails). */
  async readClamped(offset: number, length: number): Promise<Buffer> {
    const start = Math.max(0, Math.min(offset, this.size));
    return this.read(start, Math.max(0, Math.min(length, this.size - start)));
  }

  close(): Promise<void> {
    return this.fh.close();
  }
}

export class OutOfBounds extends Error {
  override name = 'OutOfBounds';
  constructor(offset: number, length: number, size: number) {
    super(`range ${offset}+${length} lies outside the file (${size} bytes)`);
  }
}

/**
 * Reads ranges of one file for the lazily read modules of a container. The handle is opened on first use and
 * closed when no read has needed it for `idleMs`, so thousands of small module reads share one open() and an
 * unused container holds no descriptor. The idle timer never keeps the process alive.
 */
export class SharedFile {
  private handle: Promise<FileHandle> | undefined;
  private active = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly path: string,
    private readonly idleMs = 200,
  ) {}

  async read(offset: number, length: number): Promise<Buffer> {
    this.active++;
    clearTimeout(this.timer);
    try {
      this.handle ??= open(this.path, 'r');
      let fh: FileHandle;
      try {
        fh = await this.handle;
      } catch (err) {
        this.handle = undefined;
        throw err;
      }
      const buf = Buffer.allocUnsafe(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await fh.read(buf, done, length - done, offset + done);
        if (bytesRead === 0) throw new OutOfBounds(offset, length, offset + done);
        done += bytesRead;
      }
      return buf;
    } finally {
      if (--this.active === 0) {
        this.timer = setTimeout(() => this.closeIdle(), this.idleMs);
        this.timer.unref();
      }
    }
  }

  private closeIdle(): void {
    const handle = this.handle;
    this.handle = undefined;
    handle?.then((fh) => fh.close()).catch(() => undefined);
  }
}

/** Little/big-endian integer access over a buffer with bounds checks that throw `OutOfBounds`. */
export class Fields {
  constructor(
    readonly buf: Buffer,
    readonly littleEndian: boolean,
  ) {}

  private check(at: number, width: number): void {
    if (!Number.isInteger(at) || at < 0 || at + width > this.buf.length) throw new OutOfBounds(at, width, this.buf.length);
  }

  u8(at: number): number {
    this.check(at, 1);
    return this.buf[at]!;
  }
  u16(at: number): number {
    this.check(at, 2);
    return this.littleEndian ? this.buf.readUInt16LE(at) : this.buf.readUInt16BE(at);
  }
  u32(at: number): number {
    this.check(at, 4);
    return this.littleEndian ? this.buf.readUInt32LE(at) : this.buf.readUInt32BE(at);
  }
  /** 64-bit values beyond 2^53 cannot be file offsets; they come back as Infinity so range checks reject them. */
  u64(at: number): number {
    this.check(at, 8);
    const v = this.littleEndian ? this.buf.readBigUInt64LE(at) : this.buf.readBigUInt64BE(at);
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.POSITIVE_INFINITY : Number(v);
  }
  cstring(at: number, max: number): string {
    this.check(at, 0);
    const end = Math.min(this.buf.length, at + max);
    const nul = this.buf.indexOf(0, at);
    return this.buf.toString('latin1', at, nul >= 0 && nul < end ? nul : end);
  }
}
