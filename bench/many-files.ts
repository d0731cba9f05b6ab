// Cost per file of auditing a package of many small files: it must stay flat as the count grows (issue 15).
// `node dist/bench/many-files.js [counts…]` (default 2000 20000 100000); run it niced on a shared machine. Each
// count is audited in its own child process; the table goes to stdout and to bench/results/many-files.md.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileSync } from 'node:fs';
import { audit } from '../src/audit/audit.js';

/** A one-line file with a host, a URL and an environment variable of its own, so every file adds inventory items. */
function file(i: number): string {
  return `const u${i} = process.env.TOOL_${i % 997}_URL || "https://h${i}.example.com/api/${i}"; fetch(u${i});\n`;
}

async function child(count: number): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'telltale-many-'));
  try {
    await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'many', version: '1.0.0' }));
    for (let d = 0; d < Math.ceil(count / 1000); d++) {
      const dir = join(root, `d${d}`);
      await mkdir(dir);
      const n = Math.min(1000, count - d * 1000);
      await Promise.all(Array.from({ length: n }, (_, k) => writeFile(join(dir, `f${k}.js`), file(d * 1000 + k))));
    }
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const report = await audit(root, { limits: { maxEntries: count + 100 } });
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    process.stdout.write(
      JSON.stringify({ count, files: report.stats.files, ms, cpuMs: (cpu.user + cpu.system) / 1000, hosts: report.inventory.hosts.length, rssMb: process.resourceUsage().maxRSS / 1024 }) + '\n',
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(Number(args[1]));
  const counts = args.length ? args.map(Number) : [2000, 20000, 100000];
  const self = fileURLToPath(import.meta.url);
  const rows: string[] = ['| files | audited | wall s | CPU s | CPU ms per file | peak RSS MB | load avg |', '|---|---|---|---|---|---|---|'];
  for (const count of counts) {
    const load = loadavg()[0]!.toFixed(1);
    const out = execFileSync(process.execPath, [self, '--child', String(count)], { encoding: 'utf8', maxBuffer: 1 << 20 });
    const r = JSON.parse(out.trim().split('\n').pop()!) as { count: number; files: number; ms: number; cpuMs: number; rssMb: number };
    rows.push(`| ${r.count} | ${r.files} | ${(r.ms / 1000).toFixed(1)} | ${(r.cpuMs / 1000).toFixed(1)} | ${(r.cpuMs / r.files).toFixed(2)} | ${r.rssMb.toFixed(0)} | ${load} |`);
    process.stdout.write(rows[rows.length - 1] + '\n');
  }
  const table = [`# Many small files (${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores, Node ${process.version})`, '', ...rows, ''].join('\n');
  writeFileSync(join(self, '..', '..', '..', 'bench', 'results', 'many-files.md'), table);
}

await main();
