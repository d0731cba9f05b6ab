// The GitHub Action's audit step (scripts/action-audit.sh, run by action.yml): one valid SARIF file per target, and
// the worst exit code. Local folders stand in for the pinned packages (no network).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { tempRoot } from '../acquire/tar-fixtures.js';
import { HANG_GUARD_MS, scratchDirs, type Scratch } from '../cli/run-cli.js';
import { sarifErrors } from '../helpers/sarif-schema.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const SCRIPT = join(repo, 'scripts', 'action-audit.sh');
const REGION = 'const z = Intl.DateTimeFormat().resolvedOptions().timeZone;\nlet u = "https://a.sample.example";\nif (z === "Asia/Tehran") u = "https://b.sample.example";\nfetch(u);\n';

let root: string;
let s: Scratch;
before(async () => {
  root = await tempRoot('action');
  s = await scratchDirs(root);
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

function run(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', [SCRIPT], { cwd: s.home, env: { PATH: process.env.PATH ?? '', HOME: s.home, TELLTALE_CACHE: s.cache, TMPDIR: s.tmp, ...env }, timeout: HANG_GUARD_MS }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? -1) : 0, stdout, stderr }),
    );
  });
}

async function pkg(name: string, files: Record<string, string>): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0' }));
  for (const [f, text] of Object.entries(files)) await writeFile(join(dir, f), text);
  return dir;
}

describe('action.yml', () => {
  interface Step { id?: string; run?: string; env?: Record<string, string>; uses?: string; with?: Record<string, string> }
  const action = parse(readFileSync(join(repo, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: string; required?: boolean }>; runs: { using: string; steps: Step[] } };
  const script = readFileSync(SCRIPT, 'utf8');

  it('is composite; every input reaches the audit script as a variable the script reads, or the upload step', () => {
    assert.equal(action.runs.using, 'composite');
    const audit = action.runs.steps.find((st) => st.id === 'audit')!;
    assert.match(audit.run!, /scripts\/action-audit\.sh/);
    const env = audit.env!;
    for (const [name, value] of Object.entries(env)) {
      assert.match(value, /^\$\{\{ inputs\.[\w-]+ \}\}$/, name);
      assert.match(script, new RegExp(`\\$\\{?${name}\\b`), `the script reads ${name}`);
    }
    const passed = new Set(Object.values(env).map((v) => /inputs\.([\w-]+)/.exec(v)![1]));
    const upload = action.runs.steps.find((st) => st.uses?.startsWith('github/codeql-action/upload-sarif'))!;
    for (const input of Object.keys(action.inputs)) assert.ok(passed.has(input) || JSON.stringify(upload).includes(`inputs.${input}`), `input ${input} is used`);
    // Neither a package list nor a project is required on its own; the script refuses to run with neither.
    assert.ok(!action.inputs.targets!.required && !action.inputs.projects!.required);
  });
});

describe('action.yml audit step', () => {
  it('writes one valid SARIF file per target and exits 1 when one has a finding at or above fail-on', { timeout: HANG_GUARD_MS }, async () => {
    const clean = await pkg('clean-tool', { 'index.js': 'module.exports = (a) => a * 2;\n' });
    const risky = await pkg('risky-tool', { 'index.js': REGION });
    const out = join(root, 'sarif');
    const r = await run({ TARGETS: `${clean}\n${risky}`, OUT_DIR: out, FAIL_ON: 'high' });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const files = (await readdir(out)).sort();
    assert.equal(files.length, 2, files.join());
    for (const f of files) {
      const log = JSON.parse(await readFile(join(out, f), 'utf8'));
      assert.deepEqual(sarifErrors(log), [], f);
    }
    const riskyLog = JSON.parse(await readFile(join(out, files.find((f) => f.includes('risky'))!), 'utf8'));
    assert.ok(riskyLog.runs[0].results.some((x: { level: string }) => x.level === 'error'));
    const passing = await run({ TARGETS: risky, OUT_DIR: join(root, 'sarif2'), FAIL_ON: 'critical' });
    assert.equal(passing.code, 0, passing.stdout + passing.stderr);
  });
  it('no targets, or a target that cannot be audited, is exit 2', { timeout: HANG_GUARD_MS }, async () => {
    assert.equal((await run({ TARGETS: '' })).code, 2);
    const r = await run({ TARGETS: join(root, 'does-not-exist'), OUT_DIR: join(root, 'sarif3') });
    assert.equal(r.code, 2);
    assert.deepEqual(await readdir(join(root, 'sarif3')), [], 'no half-written SARIF file is left for upload');
  });
});
