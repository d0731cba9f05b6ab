// npm run bench [-- <file.js | npm spec>]
// Audits one large bundle and, in the same run, measures the parse-only floor of the same file
// (meriyah with ranges, the parser the audit uses). Each pass runs in its own child process so its
// peak memory is its own. Prints both, the ratio, and writes bench/results/latest.json.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { fetchPackage } from '../src/acquire/index.js';
import { parseJs } from '../src/parse/parse.js';
import { analyzeJs } from '../src/analyze/analyze-file.js';

const DEFAULT_SPEC = '@anthropic-ai/claude-code@2.1.91';
const DEFAULT_FILE = 'cli.js';
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

type Pass = 'parse' | 'audit';

function child(pass: Pass, file: string): void {
  const text = readFileSync(file, 'utf8');
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
  process.stdout.write(JSON.stringify({ pass, ms, maxRssMB: process.resourceUsage().maxRSS / 1024, ...detail }) + '\n');
}

function runChild(pass: Pass, file: string): { ms: number; maxRssMB: number; [k: string]: unknown } {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, [self, '--child', pass, file], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`${pass} pass failed: ${r.stderr.split('\n').slice(0, 5).join(' ')}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1] as Pass, args[2]!);
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
    const last = auditRuns[auditRuns.length - 1]!;
    const result = {
      file: label,
      bytes,
      runs: RUNS,
      node: process.version,
      parseOnlyMs: Math.round(p),
      auditMs: Math.round(a),
      ratio: Number((a / p).toFixed(2)),
      parsePeakRssMB: Math.round(Math.max(...parse.map((r) => r.maxRssMB))),
      auditPeakRssMB: Math.round(Math.max(...auditRuns.map((r) => r.maxRssMB))),
      breakdown: { parseMs: Math.round(last.parseMs as number), walkMs: Math.round(last.walkMs as number), correlateMs: Math.round(last.correlateMs as number), nodes: last.nodes },
      top: last.top,
    };
    console.log(`file            ${result.file} (${(bytes / 1e6).toFixed(1)} MB), median of ${RUNS}, ${process.version}`);
    console.log(`parse-only      ${result.parseOnlyMs} ms   peak RSS ${result.parsePeakRssMB} MB`);
    console.log(`full audit      ${result.auditMs} ms   peak RSS ${result.auditPeakRssMB} MB   (parse ${result.breakdown.parseMs} + walk ${result.breakdown.walkMs} + correlate ${result.breakdown.correlateMs} ms, ${result.breakdown.nodes} nodes)`);
    console.log(`ratio           ${result.ratio}x parse-only`);
    console.log(`top findings    ${JSON.stringify(result.top)}`);
    const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results');
    mkdirSync(resolve(dir), { recursive: true });
    writeFileSync(join(dir, 'latest.json'), JSON.stringify(result, null, 2) + '\n');
  } finally {
    await dispose();
  }
}

main().catch((e) => {
  console.error('bench: ' + String(e?.message ?? e));
  process.exitCode = 2;
});
