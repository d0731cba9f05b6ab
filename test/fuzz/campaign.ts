// Runs fuzz inputs through the real CLI, one child process per target, and records what each run ended with:
// exit code, a stack trace or internal error on stderr, internal failures in the report, CPU time and peak memory
// (from GNU time where installed). Shared by the bounded test (test/fuzz/fuzz.test.ts) and the long run (bench/fuzz.ts).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Report } from '../../src/model/report.js';
import { corruptExecutable, hostileArchive, mutateJs, Rng, seeds, shapes, type FuzzFile } from './generators.js';

export const CLI = fileURLToPath(new URL('../../src/bin/telltale.js', import.meta.url));
const GNU_TIME = '/usr/bin/time';
const RUSAGE = 'TELLTALE-FUZZ-RUSAGE';

export type Category = 'mutated-js' | 'shapes' | 'archives' | 'executables' | 'huge';

export interface Run {
  category: Category;
  /** How many fuzz inputs this run audited (a folder holds several). */
  inputs: number;
  target: string;
  code: number | null;
  /** A stack trace or an internal error on stderr. */
  stackTrace: boolean;
  /** Internal failures in the report (rule errors, analysis errors other than the memory and time limits). */
  internal: string[];
  wallMs: number;
  /** User + system CPU time of the child (null without GNU time). */
  cpuMs: number | null;
  /** Peak resident memory of the child in MB (null without GNU time). */
  rssMb: number | null;
  stderr: string;
}

export interface Plan {
  seed: number;
  /** Mutated JavaScript files, audited `batch` to a folder. */
  mutated: number;
  batch: number;
  /** Size of each hand-made shape in kB (0: none). */
  shapesKb: number;
  archives: number;
  executables: number;
  executableBatch: number;
  /** Run through the CLI's `main` in this process instead of one child process per target. */
  inProcess?: boolean;
  /** Extra targets made by the caller (the long run's full-size inputs). */
  huge?: { name: string; make: (dir: string) => Promise<void> }[];
}

export interface Scratch {
  home: string;
  cache: string;
  tmp: string;
}

function internalFailures(stdout: string): string[] {
  let report: Report;
  try {
    report = JSON.parse(stdout) as Report;
  } catch {
    return ['the report is not JSON'];
  }
  return report.findings
    .filter((f) => f.ruleId === 'rule-error' || f.ruleId === 'file-error' || (f.ruleId === 'analysis-error' && !/out of memory|thread stopped/.test(f.message)))
    .map((f) => `${f.location.file}: ${f.ruleId}: ${f.message}`.slice(0, 300));
}

/** One CLI run on `target`; `timeoutMs` is a wall-clock backstop (a hang), not the measure. */
export function runOne(category: Category, inputs: number, target: string, s: Scratch, timeoutMs: number): Promise<Run> {
  const timed = existsSync(GNU_TIME);
  const args = [CLI, 'audit', target, '--format', 'json', '--quiet', '--offline'];
  const [cmd, argv] = timed ? [GNU_TIME, ['-f', `${RUSAGE} %e %U %S %M`, process.execPath, ...args]] : [process.execPath, args];
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, {
      cwd: s.home,
      env: { PATH: process.env.PATH ?? '', HOME: s.home, TELLTALE_CACHE: s.cache, TMPDIR: s.tmp, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      let cpuMs: number | null = null;
      let rssMb: number | null = null;
      const line = err.split('\n').find((l) => l.startsWith(RUSAGE));
      if (line) {
        const [, , user, sys, kb] = line.split(' ').map(Number);
        cpuMs = (user! + sys!) * 1000;
        rssMb = kb! / 1024;
      }
      const stderr = err
        .split('\n')
        .filter((l) => !l.startsWith(RUSAGE) && !/^Command exited with non-zero status/.test(l))
        .join('\n');
      const stdout = Buffer.concat(out).toString();
      resolve({
        category,
        inputs,
        target,
        code,
        stackTrace: /\n\s+at \S|^\s+at \S.*:\d+:\d+|internal error/m.test(stderr),
        internal: code === 0 || code === 1 ? internalFailures(stdout) : [],
        wallMs: performance.now() - started,
        cpuMs,
        rssMb,
        stderr: stderr.slice(0, 500),
      });
    });
  });
}

/**
 * The same in this process, through the CLI's `main` (what the executable runs, minus process start-up, which would
 * dominate a bounded run on a busy machine): an exit code, stderr, and CPU time of the whole process (analysis
 * threads included; runs are sequential). A rejection that is not a user error is what the executable prints as an
 * internal error.
 */
export async function runInProcess(category: Category, inputs: number, target: string, s: Scratch): Promise<Run> {
  const { main } = await import('../../src/cli.js');
  const { UserError } = await import('../../src/model/errors.js');
  process.env.TMPDIR = s.tmp;
  let stdout = '';
  let stderr = '';
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  let code: number;
  let stackTrace = false;
  try {
    code = await main(['audit', target, '--format', 'json', '--quiet', '--offline', '--cache', s.cache], {
      stdout: (x) => void (stdout += x),
      stderr: (x) => void (stderr += x),
      isTTY: false,
    });
  } catch (e) {
    code = 2;
    stackTrace = !(e instanceof UserError);
    stderr += `telltale: ${stackTrace ? 'internal error: ' : ''}${String((e as Error)?.message ?? e).split('\n')[0]}\n`;
  }
  const cpu = process.cpuUsage(cpu0);
  return {
    category,
    inputs,
    target,
    code,
    stackTrace: stackTrace || /\n\s+at \S|^\s+at \S.*:\d+:\d+|internal error/m.test(stderr),
    internal: code === 0 || code === 1 ? internalFailures(stdout) : [],
    wallMs: performance.now() - started,
    cpuMs: (cpu.user + cpu.system) / 1000,
    rssMb: null,
    stderr: stderr.slice(0, 500),
  };
}

async function writeFolder(dir: string, files: FuzzFile[], manifest: object): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ version: '1.0.0', ...manifest }));
  for (const f of files) {
    await mkdir(join(dir, f.name, '..'), { recursive: true });
    await writeFile(join(dir, f.name), f.data);
  }
}

/** Makes every input of `plan` under `dir` and runs them, calling `onRun` after each run. */
export async function campaign(plan: Plan, dir: string, s: Scratch, timeoutMs: number, onRun: (r: Run) => void = () => {}): Promise<Run[]> {
  const rng = new Rng(plan.seed);
  const runs: Run[] = [];
  const run = async (category: Category, inputs: number, target: string): Promise<void> => {
    const r = plan.inProcess ? await runInProcess(category, inputs, target, s) : await runOne(category, inputs, target, s, timeoutMs);
    runs.push(r);
    onRun(r);
  };
  const all = seeds();
  for (let i = 0, b = 0; i < plan.mutated; i += plan.batch, b++) {
    const files = Array.from({ length: Math.min(plan.batch, plan.mutated - i) }, (_, k) => mutateJs(rng, all, i + k));
    const target = join(dir, `mutated-${b}`);
    await writeFolder(target, files, { name: `mutated-${b}`, main: files[0]!.name });
    await run('mutated-js', files.length, target);
  }
  if (plan.shapesKb > 0) {
    const files = shapes(plan.shapesKb);
    const target = join(dir, 'shapes');
    await writeFolder(target, files, { name: 'shapes' });
    await run('shapes', files.length, target);
  }
  for (let i = 0; i < plan.archives; i++) {
    const a = hostileArchive(rng, i, plan.inProcess);
    const target = join(dir, a.name);
    await writeFile(target, a.data);
    await run('archives', 1, target);
  }
  for (let i = 0, b = 0; i < plan.executables; i += plan.executableBatch, b++) {
    const files = Array.from({ length: Math.min(plan.executableBatch, plan.executables - i) }, (_, k) => corruptExecutable(rng, i + k)).map((f) => ({ ...f, name: `bin/${f.name}` }));
    const target = join(dir, `executables-${b}`);
    await writeFolder(target, files, { name: `executables-${b}`, bin: Object.fromEntries(files.map((f) => [f.name.slice(4), f.name])) });
    await run('executables', files.length, target);
  }
  for (const h of plan.huge ?? []) {
    const target = join(dir, h.name);
    await h.make(target);
    await run('huge', 1, target);
  }
  return runs;
}

/** The table the long run writes: per category, inputs, runs, exits, stack traces, internal failures, worst CPU and memory. */
export function table(runs: readonly Run[]): string {
  const rows = ['| category | inputs | runs | exit 0 / 1 / 2 / other | stack traces | internal failures | median CPU s | worst CPU s | worst wall s | worst peak RSS MB |', '|---|---|---|---|---|---|---|---|---|---|'];
  const cats = [...new Set(runs.map((r) => r.category))];
  const fmt = (n: number | null | undefined, d = 1): string => (n === null || n === undefined ? 'n/a' : n.toFixed(d));
  for (const c of [...cats, 'all' as const]) {
    const rs = c === 'all' ? runs : runs.filter((r) => r.category === c);
    const exits = [0, 1, 2].map((e) => rs.filter((r) => r.code === e).length);
    const other = rs.filter((r) => r.code !== 0 && r.code !== 1 && r.code !== 2).length;
    const cpu = rs.map((r) => r.cpuMs).filter((x): x is number => x !== null).sort((a, b) => a - b);
    const rss = rs.map((r) => r.rssMb).filter((x): x is number => x !== null);
    rows.push(
      `| ${c} | ${rs.reduce((n, r) => n + r.inputs, 0)} | ${rs.length} | ${exits.join(' / ')} / ${other} | ${rs.filter((r) => r.stackTrace).length} | ${rs.reduce((n, r) => n + r.internal.length, 0)} | ${fmt(cpu.length ? cpu[Math.floor(cpu.length / 2)]! / 1000 : null, 2)} | ${fmt(cpu.length ? cpu.at(-1)! / 1000 : null)} | ${fmt(Math.max(...rs.map((r) => r.wallMs)) / 1000)} | ${fmt(rss.length ? Math.max(...rss) : null, 0)} |`,
    );
  }
  return rows.join('\n');
}
