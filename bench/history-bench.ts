// Measures `telltale history` and `--bisect` on the releases of a real AI coding CLI, through the CLI as a user runs
// it: a cold run (fresh cache folder: downloads and audits), a warm re-run (everything from the result cache), a
// bisect over a wider range that reaches the releases shipping only a compiled executable, and a diff of two
// neighbouring releases. Writes bench/results/history.json.
//
//   node dist/bench/history-bench.js [cache-dir]     (default: a new folder under ~/.cache/telltale/history-bench)
//   BENCH_WORKERS=N (default 2)
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { homedir, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../src/bin/telltale.js', import.meta.url));
const PKG = '@anthropic-ai/claude-code';
const HISTORY_RANGE = '>=2.1.85 <=2.1.112';
const BISECT_RANGE = '>=2.1.80 <=2.1.250';
const KIND = 'covert-channel-mechanism';
const workers = process.env.BENCH_WORKERS ?? '2';
const cache = process.argv[2] ?? join(homedir(), '.cache', 'telltale', 'history-bench', new Date().toISOString().replace(/[:.]/g, '-'));

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args, '--cache', cache, '--quiet'], { maxBuffer: 512 * 1024 * 1024, timeout: 4 * 3600_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
      resolve({ code, stdout, stderr, ms: Math.round(performance.now() - started) });
    });
  });
}

interface HistoryOut {
  releases: { version: string; status: string; ms: number; incomplete?: string[]; findings?: { ruleId: string }[] }[];
  timeline: { ruleId: string; present: string[] }[];
}

const OUT = fileURLToPath(new URL('../../bench/results/history.json', import.meta.url));

/** Written after every step, so a long run that is stopped still leaves what it measured. */
async function save(result: Record<string, unknown>): Promise<void> {
  await writeFile(OUT, JSON.stringify(result, null, 2) + '\n');
}

async function main(): Promise<void> {
  await mkdir(cache, { recursive: true });
  console.error(`cache: ${cache}`);
  const result: Record<string, unknown> = { date: new Date().toISOString(), node: process.version, workers: Number(workers), package: PKG, loadAverageAtStart: loadavg()[0] };

  const up = await run(['diff', `${PKG}@2.1.90`, `${PKG}@2.1.91`, '--format', 'json']);
  const down = await run(['diff', `${PKG}@2.1.91`, `${PKG}@2.1.90`, '--format', 'json']);
  const listed = (out: string, side: 'added' | 'removed') => (JSON.parse(out) as { findings: Record<string, { ruleId: string; severity: string }[]> }).findings[side]!.map((f) => `${f.severity} ${f.ruleId}`);
  result.diff = {
    up: { exit: up.code, ms: up.ms, added: up.code <= 1 ? listed(up.stdout, 'added') : up.stderr.trim() },
    down: { exit: down.code, ms: down.ms, removed: down.code <= 1 ? listed(down.stdout, 'removed') : down.stderr.trim() },
  };
  console.error(`diff: ${JSON.stringify(result.diff)}`);
  await save(result);

  const history = ['history', PKG, '--range', HISTORY_RANGE, '--workers', workers, '--platform', 'linux-x64', '--format', 'json'];
  const cold = await run(history);
  const warm = await run(history);
  const h = JSON.parse(cold.stdout) as HistoryOut;
  const hw = JSON.parse(warm.stdout) as HistoryOut;
  const covert = h.timeline.find((t) => t.ruleId === KIND);
  result.history = {
    range: HISTORY_RANGE,
    releases: h.releases.length,
    coldMs: cold.ms,
    coldExit: cold.code,
    audited: h.releases.filter((r) => r.status === 'audited').length,
    incomplete: h.releases.filter((r) => r.incomplete).map((r) => r.version),
    failed: h.releases.filter((r) => r.status === 'failed').map((r) => r.version),
    medianAuditMs: median(h.releases.filter((r) => r.status === 'audited').map((r) => r.ms)),
    warmMs: warm.ms,
    warmCached: hw.releases.filter((r) => r.status === 'cached').length,
    covertChannelIn: covert ? { first: covert.present[0], last: covert.present[covert.present.length - 1], releases: covert.present.length } : null,
  };
  console.error(`history: ${JSON.stringify(result.history)}`);
  await save(result);

  const bisect = await run(['history', PKG, '--range', BISECT_RANGE, '--bisect', KIND, '--workers', workers, '--platform', 'linux-x64', '--format', 'json']);
  const b = bisect.code === 0 || bisect.code === 1 ? (JSON.parse(bisect.stdout) as Record<string, unknown>) : { error: bisect.stderr.trim() };
  result.bisect = { range: BISECT_RANGE, kind: KIND, ms: bisect.ms, exit: bisect.code, ...pick(b, ['first', 'last', 'before', 'after', 'gaps', 'audits', 'cached', 'releases', 'failed', 'error', 'audited']) };
  console.error(`bisect: ${JSON.stringify(result.bisect)}`);
  result.loadAverageAtEnd = loadavg()[0];
  await save(result);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : 0;
}

function pick(o: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => k in o).map((k) => [k, o[k]]));
}

await main();
