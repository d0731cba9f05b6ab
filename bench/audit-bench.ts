// npm run bench [-- <file.js | npm spec>]
// 1. Audits one large bundle (default: the 13 MB cli.js of a real AI coding CLI) and, in the same run,
//    the parse-only floor of the same file (meriyah with ranges, the parser the audit uses).
// 2. Audits a ~380 MB compiled executable with ~3,700 embedded modules next to a read-only pass over
//    the same file (BENCH_SKIP_EXE=1 to skip).
// Each pass runs in its own child process so its peak memory is its own. Prints times, ratios and
// peak RSS, and writes bench/results/latest.json.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { fetchPackage } from '../src/acquire/index.js';
import { parseJs } from '../src/parse/parse.js';
import { analyzeJs } from '../src/audit/analyze-file.js';
import { audit } from '../src/audit/audit.js';
import { open } from 'node:fs/promises';

const DEFAULT_SPEC = '@anthropic-ai/claude-code@2.1.91';
const DEFAULT_FILE = 'cli.js';
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

type Pass = 'parse' | 'audit' | 'executable';

// A compiled executable (Bun standalone, ~380 MB, ~3,700 embedded modules) audited whole.
const EXE_SPEC = '@anthropic-ai/claude-code-linux-x64@2.1.330';
const CHUNK = 16 * 1024 * 1024;

async function readOnlyPass(path: string): Promise<number> {
  const fh = await open(path, 'r');
  const buf = Buffer.allocUnsafe(CHUNK);
  const t0 = performance.now();
  try {
    for (let pos = 0; ; ) {
      const { bytesRead } = await fh.read(buf, 0, CHUNK, pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
    }
  } finally {
    await fh.close();
  }
  return performance.now() - t0;
}

async function child(pass: Pass, file: string): Promise<void> {
  if (pass === 'executable') {
    const t0 = performance.now();
    const report = await audit(file, {});
    const ms = performance.now() - t0;
    const top = report.findings.filter((f) => f.severity !== 'info').slice(0, 3).map((f) => `${f.severity} ${f.ruleId}`);
    process.stdout.write(JSON.stringify({ pass, ms, maxRssMB: process.resourceUsage().maxRSS / 1024, files: report.stats.files, bytes: report.stats.bytes, top }) + '\n');
    return;
  }
  const text = readFileSync(file, 'utf8');
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let detail: Record<string, unknown> = {};
  if (pass === 'parse') {
    const r = parseJs(text);
    if (!r.ok) throw new Error(r.message);
  } else {
    const r = analyzeJs(file, text, { maxAstDepth: 2000 });
    detail = { ...r.timings, nodes: r.nodes, findings: r.findings.length, top: r.findings.filter((f) => f.severity !== 'info').slice(0, 3).map((f) => `${f.severity} ${f.ruleId}`) };
  }
  const ms = performance.now() - t0;
  // CPU time (user + system, all threads of this process) is far less sensitive to other load on a shared machine
  // than wall time; both are reported, and both ratios.
  const cpu = process.cpuUsage(c0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  process.stdout.write(JSON.stringify({ pass, ms, cpuMs, maxRssMB: process.resourceUsage().maxRSS / 1024, ...detail }) + '\n');
}

function runChild(pass: Pass, file: string): { ms: number; maxRssMB: number; [k: string]: unknown } {
  const self = fileURLToPath(import.meta.url);
  // Both passes get the same V8 flags (BENCH_NODE_FLAGS), so the ratio compares like with like.
  const flags = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const r = spawnSync(process.execPath, [...flags, self, '--child', pass, file], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`${pass} pass failed: ${r.stderr.split('\n').slice(0, 5).join(' ')}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

async function executableBench(): Promise<Record<string, unknown>> {
  const fetched = await fetchPackage(EXE_SPEC, {});
  try {
    const exe = join(fetched.dir, 'claude');
    const bytes = statSync(exe).size;
    const readMs = await readOnlyPass(exe);
    const r = runChild('executable', fetched.dir);
    const out = { spec: EXE_SPEC, bytes, readOnlyMs: Math.round(readMs), auditMs: Math.round(r.ms), ratio: Number((r.ms / readMs).toFixed(1)), peakRssMB: Math.round(r.maxRssMB), files: r.files, top: r.top };
    console.log(`executable      ${EXE_SPEC} (${(bytes / 1e6).toFixed(0)} MB, ${r.files} JavaScript modules)`);
    console.log(`read-only pass  ${out.readOnlyMs} ms`);
    console.log(`full audit      ${out.auditMs} ms   peak RSS ${out.peakRssMB} MB   (${out.ratio}x the read-only pass)`);
    return out;
  } finally {
    await fetched.dispose();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return await child(args[1] as Pass, args[2]!);
  let file = args[0];
  let label = file;
  let dispose = async () => {};
  if (!file || !existsSync(file)) {
    const spec = file ?? DEFAULT_SPEC;
    const fetched = await fetchPackage(spec, {});
    file = join(fetched.dir, DEFAULT_FILE);
    label = `${spec} ${DEFAULT_FILE}`;
    dispose = fetched.dispose;
  }
  try {
    const bytes = readFileSync(file).length;
    const parse: ReturnType<typeof runChild>[] = [];
    const auditRuns: ReturnType<typeof runChild>[] = [];
    for (let i = 0; i < RUNS; i++) {
      parse.push(runChild('parse', file));
      auditRuns.push(runChild('audit', file));
    }
    const p = median(parse.map((r) => r.ms));
    const a = median(auditRuns.map((r) => r.ms));
    const pCpu = median(parse.map((r) => r.cpuMs as number));
    const aCpu = median(auditRuns.map((r) => r.cpuMs as number));
    const last = auditRuns[auditRuns.length - 1]!;
    const result = {
      file: label,
      bytes,
      runs: RUNS,
      node: process.version,
      parseOnlyMs: Math.round(p),
      auditMs: Math.round(a),
      ratio: Number((a / p).toFixed(2)),
      parseOnlyCpuMs: Math.round(pCpu),
      auditCpuMs: Math.round(aCpu),
      cpuRatio: Number((aCpu / pCpu).toFixed(2)),
      loadAverage: (await import('node:os')).loadavg().map((x) => Number(x.toFixed(1))),
      parsePeakRssMB: Math.round(Math.max(...parse.map((r) => r.maxRssMB))),
      auditPeakRssMB: Math.round(Math.max(...auditRuns.map((r) => r.maxRssMB))),
      breakdown: { parseMs: Math.round(last.parseMs as number), walkMs: Math.round(last.walkMs as number), correlateMs: Math.round(last.correlateMs as number), nodes: last.nodes },
      top: last.top,
    };
    console.log(`file            ${result.file} (${(bytes / 1e6).toFixed(1)} MB), median of ${RUNS}, ${process.version}`);
    console.log(`parse-only      ${result.parseOnlyMs} ms   peak RSS ${result.parsePeakRssMB} MB`);
    console.log(`full audit      ${result.auditMs} ms   peak RSS ${result.auditPeakRssMB} MB   (parse ${result.breakdown.parseMs} + walk ${result.breakdown.walkMs} + correlate ${result.breakdown.correlateMs} ms, ${result.breakdown.nodes} nodes)`);
    console.log(`ratio           ${result.ratio}x parse-only (wall)   ${result.cpuRatio}x (CPU time: ${result.parseOnlyCpuMs} / ${result.auditCpuMs} ms)   load ${result.loadAverage.join(' ')}`);
    console.log(`top findings    ${JSON.stringify(result.top)}`);
    const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results');
    mkdirSync(resolve(dir), { recursive: true });
    let executable: Record<string, unknown> | undefined;
    if (!process.env.BENCH_SKIP_EXE) executable = await executableBench();
    writeFileSync(join(dir, 'latest.json'), JSON.stringify({ ...result, executable }, null, 2) + '\n');
  } finally {
    await dispose();
  }
}

main().catch((e) => {
  console.error('bench: ' + String(e?.message ?? e));
  process.exitCode = 2;
});
