// Completeness in the report and the exit code: an entry point or embedded executable code that could not be
// analysed is incomplete-analysis (high, exit 1) unless --allow-incomplete; other unanalysed files are listed only.
import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Report } from '../../src/model/report.js';
import { tempRoot } from '../acquire/tar-fixtures.js';
import { buildBunGraph, buildElf, bunSection } from '../executables/fixtures.js';
import { runCli, scratchDirs, type Scratch } from './run-cli.js';

let root: string;
let s: Scratch;
before(async () => {
  root = await tempRoot('complete');
  s = await scratchDirs(root);
});
after(() => rm(root, { recursive: true, force: true }));

async function pkg(name: string, manifest: Record<string, unknown>, files: Record<string, string | Buffer>): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', ...manifest }));
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(join(dir, rel, '..'), { recursive: true });
    await writeFile(join(dir, rel), content);
  }
  return dir;
}

const BROKEN = 'export function run( {\n';
const FINE = 'export const x = 1;\n';

describe('incomplete analysis', () => {
  it('a main entry that cannot be parsed: incomplete-analysis (high), exit 1; --allow-incomplete: exit 0', async () => {
    const dir = await pkg('broken-main', { main: './lib/main.js' }, { 'lib/main.js': BROKEN, 'lib/other.js': FINE });
    const r = await runCli(['audit', dir, '--format', 'json'], s);
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    const f = report.findings.filter((x) => x.ruleId === 'incomplete-analysis');
    assert.deepEqual(f.map((x) => [x.location.file, x.severity, x.policy.row]), [['lib/main.js', 'high', 'entry-unanalysed']]);
    assert.deepEqual(report.stats.unanalysed?.map((u) => [u.file, u.kind, u.entry]), [['lib/main.js', 'parse-error', true]]);
    const allowed = await runCli(['audit', dir, '--format', 'json', '--allow-incomplete'], s);
    assert.equal(allowed.code, 0, allowed.stderr);
    const text = await runCli(['audit', dir], s);
    assert.match(text.stdout, /Not analysed:\n {2}lib\/main\.js \(runs when the package is used\): parse-error/);
    const sarif = JSON.parse((await runCli(['audit', dir, '--format', 'sarif'], s)).stdout) as { runs: { invocations: { toolExecutionNotifications: { message: { text: string } }[] }[] }[] };
    const notes = sarif.runs[0]!.invocations[0]!.toolExecutionNotifications.map((n) => n.message.text);
    assert.ok(notes.some((n) => /^not analysed \(code the package runs\): lib\/main\.js \(parse-error\)/.test(n)), JSON.stringify(notes));
  });

  it('a file nobody names as an entry is listed, not failed', async () => {
    const dir = await pkg('broken-helper', { main: 'index.js' }, { 'index.js': FINE, 'lib/unused.js': BROKEN });
    const r = await runCli(['audit', dir, '--format', 'json'], s);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    assert.deepEqual(report.stats.unanalysed?.map((u) => [u.file, u.entry]), [['lib/unused.js', false]]);
    assert.ok(!report.findings.some((f) => f.ruleId === 'incomplete-analysis'));
  });

  it('install scripts and bins are entries too', async () => {
    const dir = await pkg('broken-install', { scripts: { postinstall: 'node --no-warnings scripts/setup.js' } }, { 'index.js': FINE, 'scripts/setup.js': BROKEN });
    const r = await runCli(['audit', dir, '--format', 'json'], s);
    assert.equal(r.code, 1, r.stderr);
    assert.ok((JSON.parse(r.stdout) as Report).findings.some((f) => f.ruleId === 'incomplete-analysis' && f.location.file === 'scripts/setup.js'));
  });

  it('a corrupted executable (its embedded code cannot be read) fails the audit', async () => {
    const elf = buildElf([{ name: '.text', data: Buffer.alloc(64) }, { name: '.bun', data: bunSection(buildBunGraph([{ name: '/$bunfs/root/app', contents: FINE }])) }]);
    // Cut inside the module graph: neither the headers nor a trailer scan can read it.
    const dir = await pkg('broken-exe', { bin: { app: 'bin/app' } }, { 'index.js': FINE, 'bin/app': elf.subarray(0, elf.length - 400) });
    const r = await runCli(['audit', dir, '--format', 'json'], s);
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    assert.ok(report.findings.some((f) => f.ruleId === 'container-error' && f.location.file === 'bin/app'));
    assert.ok(report.findings.some((f) => f.ruleId === 'incomplete-analysis' && f.severity === 'high' && f.location.file === 'bin/app'));
  });
});
