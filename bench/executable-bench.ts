/**
 * Opens a compiled executable, reads every embedded script, and compares that with one plain sequential
 * read of the same file in 16 MB chunks. Usage: node dist/bench/executable-bench.js <executable> [rounds]
 */
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { openExecutable } from '../src/acquire/executables/index.js';

const CHUNK = 16 * 1024 * 1024;

async function sequentialPass(path: string): Promise<number> {
  const fh = await open(path, 'r');
  const buf = Buffer.allocUnsafe(CHUNK);
  let total = 0;
  try {
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, CHUNK, total);
      if (bytesRead === 0) return total;
      total += bytesRead;
    }
  } finally {
    await fh.close();
  }
}

async function containerPass(path: string): Promise<{ openMs: number; readMs: number; modules: number; bytes: number; kind: string; version?: string }> {
  const t0 = performance.now();
  const result = await openExecutable({ path: basename(path), size: 0, diskPath: path, read: () => Promise.reject(new Error('not used')) });
  const t1 = performance.now();
  let bytes = 0;
  for (const m of result.modules) bytes += (await m.read()).length;
  const t2 = performance.now();
  return { openMs: t1 - t0, readMs: t2 - t1, modules: result.modules.length, bytes, kind: result.kind, ...(result.version ? { version: result.version } : {}) };
}

const peakRssMb = (): number => process.resourceUsage().maxRSS / 1024;

async function main(): Promise<void> {
  const [path, roundsArg] = process.argv.slice(2);
  if (!path) {
    process.stderr.write('usage: node dist/bench/executable-bench.js <executable> [rounds]\n');
    process.exitCode = 2;
    return;
  }
  const rounds = Math.max(1, Number(roundsArg ?? 2));
  const baseline = peakRssMb();
  for (let round = 1; round <= rounds; round++) {
    const s0 = performance.now();
    const fileBytes = await sequentialPass(path);
    const seqMs = performance.now() - s0;
    const rssAfterSeq = peakRssMb();
    const c = await containerPass(path);
    const containerMs = c.openMs + c.readMs;
    process.stdout.write(
      [
        `round ${round}: ${basename(path)} ${(fileBytes / 1e6).toFixed(1)} MB, ${c.kind}${c.version ? ` ${c.version}` : ''}, ${c.modules} scripts, ${(c.bytes / 1e6).toFixed(1)} MB of script text`,
        `  sequential 16 MB-chunk read: ${seqMs.toFixed(0)} ms (peak RSS ${rssAfterSeq.toFixed(0)} MB)`,
        `  open ${c.openMs.toFixed(0)} ms + read every script ${c.readMs.toFixed(0)} ms = ${containerMs.toFixed(0)} ms`,
        `  ratio container/sequential: ${(containerMs / seqMs).toFixed(2)}`,
        `  peak RSS ${peakRssMb().toFixed(0)} MB (process baseline ${baseline.toFixed(0)} MB)`,
      ].join('\n') + '\n',
    );
  }
}

await main();
