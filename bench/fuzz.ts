// The long fuzz run (issue 15): over 1,000 inputs from a fixed seed, each target audited by the executable in a
// child process under GNU time, plus the issue's full-size memory inputs (a 62 MB one-line list of names, a 50 MB
// one of numbers, a folder with two 20 MB template literals). Writes the table to bench/results/fuzz.md and every
// run to bench/results/fuzz.json. `node dist/bench/fuzz.js [seed]`; run it niced on a shared machine. The size is
// set by FUZZ_MUTATED (default 800), FUZZ_ARCHIVES (24) and FUZZ_EXECUTABLES (160).
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { campaign, table, type Run } from '../test/fuzz/campaign.js';

/** Peak memory the issue allows the auditor on any input. */
const CEILING_MB = 2048;

/** A file written in 1 MB pieces, so that making a 62 MB input does not itself need gigabytes. */
async function writeChunks(path: string, head: string, piece: (i: number) => string, bytes: number, tail: string): Promise<void> {
  const { open } = await import('node:fs/promises');
  const fh = await open(path, 'w');
  try {
    await fh.write(head);
    let written = 0;
    let i = 0;
    while (written < bytes) {
      const parts: string[] = [];
      let len = 0;
      while (len < 1 << 20) {
        const p = piece(i++);
        parts.push(p);
        len += p.length;
      }
      written += (await fh.write(parts.join(''))).bytesWritten;
    }
    await fh.write(tail);
  } finally {
    await fh.close();
  }
}

async function pkg(dir: string, files: Record<string, (path: string) => Promise<void>>): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'huge', version: '1.0.0', main: Object.keys(files)[0] }));
  for (const [name, make] of Object.entries(files)) await make(join(dir, name));
}

const HUGE = [
  {
    name: 'names-62mb',
    make: (dir: string) => pkg(dir, { 'index.js': (p) => writeChunks(p, 'var x = [', (i) => `q_${i.toString(36)},`, 62e6, 'q_end];\n') }),
  },
  {
    name: 'numbers-50mb',
    make: (dir: string) => pkg(dir, { 'index.js': (p) => writeChunks(p, 'var x = [', (i) => `${(i * 7919) % 1_000_003},`, 50e6, '0];\n') }),
  },
  {
    name: 'templates-2x20mb',
    make: (dir: string) =>
      pkg(dir, {
        'a.js': (p) => writeChunks(p, 'var a = `', (i) => `line ${i} of a long template literal\n`, 20e6, '`;\n'),
        'b.js': (p) => writeChunks(p, 'var b = `', (i) => `row ${i}: lorem ipsum dolor sit amet `, 20e6, '`;\n'),
      }),
  },
];

/** The run's size: the defaults make about 1,050 inputs; FUZZ_MUTATED, FUZZ_ARCHIVES and FUZZ_EXECUTABLES change it. */
function count(name: string, fallback: number): number {
  const n = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, not ${process.env[name]}`);
  return n;
}

async function main(): Promise<void> {
  const seed = Number(process.argv[2] ?? 15);
  const root = await mkdtemp(join(tmpdir(), 'telltale-fuzz-'));
  const s = { home: join(root, 'home'), cache: join(root, 'cache'), tmp: join(root, 'tmp') };
  await Promise.all(Object.values(s).map((d) => mkdir(d, { recursive: true })));
  const load0 = loadavg()[0]!.toFixed(1);
  const started = Date.now();
  let runs: Run[];
  try {
    runs = await campaign(
      { seed, mutated: count('FUZZ_MUTATED', 800), batch: 200, shapesKb: 400, archives: count('FUZZ_ARCHIVES', 24), executables: count('FUZZ_EXECUTABLES', 160), executableBatch: 80, huge: HUGE },
      join(root, 'inputs'),
      s,
      30 * 60_000,
      (r) => process.stdout.write(`${r.category} ${r.target.slice(root.length)}: exit ${r.code}, ${r.cpuMs === null ? '?' : (r.cpuMs / 1000).toFixed(1)} s CPU, ${r.rssMb?.toFixed(0) ?? '?'} MB${r.stackTrace ? ', STACK TRACE' : ''}${r.internal.length ? `, ${r.internal.length} internal` : ''}\n`),
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  const worst = Math.max(...runs.map((r) => r.rssMb ?? 0));
  const bad = runs.filter((r) => (r.code !== 0 && r.code !== 1 && r.code !== 2) || r.stackTrace || r.internal.length > 0);
  const huge = runs.filter((r) => r.category === 'huge').map((r) => `| ${r.target.split('/').pop()} | ${r.code} | ${((r.cpuMs ?? 0) / 1000).toFixed(1)} | ${((r.wallMs ?? 0) / 1000).toFixed(1)} | ${r.rssMb?.toFixed(0) ?? 'n/a'} |`);
  const out = [
    `# Long fuzz run (seed ${seed}, ${new Date().toISOString().slice(0, 16)}Z, ${cpus().length} cores, Node ${process.version}, load ${load0} at start, ${((Date.now() - started) / 60000).toFixed(0)} min)`,
    '',
    table(runs),
    '',
    '## The issue\'s memory inputs',
    '',
    '| input | exit | CPU s | wall s | peak RSS MB |',
    '|---|---|---|---|---|',
    ...huge,
    '',
    `Worst peak RSS of any run: ${worst.toFixed(0)} MB (ceiling ${CEILING_MB} MB): ${worst <= CEILING_MB ? 'within' : 'OVER'}. Runs with a bad exit, a stack trace or an internal failure: ${bad.length}.`,
    ...bad.map((r) => `- ${r.target.slice(root.length)}: exit ${r.code}${r.stackTrace ? ', stack trace' : ''}; ${r.internal.slice(0, 3).join('; ')} ${r.stderr.split('\n')[0] ?? ''}`),
    '',
  ].join('\n');
  const dir = join(fileURLToPath(import.meta.url), '..', '..', '..', 'bench', 'results');
  writeFileSync(join(dir, 'fuzz.md'), out);
  writeFileSync(join(dir, 'fuzz.json'), JSON.stringify(runs.map((r) => ({ ...r, target: r.target.slice(root.length) })), null, 1));
  process.stdout.write(out);
}

await main();
