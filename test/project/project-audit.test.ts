// `telltale audit <project>` through the CLI, for every lockfile kind, against one registry on loopback and one
// result cache: the first run audits each package once (5 production packages, one with a finding, and a dev one),
// and every later run (other lockfile kinds of the same packages, other formats, the Action's script) is served from
// the cache, which is what a re-run must do. Per-package table worst first, exit codes, the re-run's cost, SARIF for
// code scanning (valid, anchored at each package's lockfile entry), and the Action's script on a project.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { findLockfile } from '../../src/acquire/lockfile.js';
import { tempRoot } from '../acquire/tar-fixtures.js';
import { HANG_GUARD_MS, runCli, scratchDirs, type CliResult, type Scratch } from '../cli/run-cli.js';
import { startFakeRegistry, type FakeRegistry } from '../helpers/fake-registry.js';
import { sarifErrors } from '../helpers/sarif-schema.js';
import { CLEAN, REGION } from '../history/fixtures.js';

const PROD = ['tt-one', 'tt-two', 'tt-three', 'tt-four', 'tt-geo'];
const ALL: [string, string][] = [...PROD.map((n): [string, string] => [n, '1.0.0']), ['tt-dev', '0.1.0']];
const WORST_FIRST = ['tt-geo', 'tt-four', 'tt-one', 'tt-three', 'tt-two'];
const SCRIPT = fileURLToPath(new URL('../../../scripts/action-audit.sh', import.meta.url));

interface Out {
  lockfile: string;
  ms: number;
  gate: { failed: boolean };
  packages: { name: string; status: string; worst: string | null; dev: boolean; findingCount: number; reason?: string; findings: { ruleId: string; fingerprint: string }[] }[];
}

let root: string;
let s: Scratch;
let registry: FakeRegistry;
const cli = (...args: string[]): Promise<CliResult> => runCli(args, s, HANG_GUARD_MS, { npm_config_registry: registry.url });
const tarballs = () => registry.requests.filter((p) => p.endsWith('.tgz')).length;
const manifest = () => ({ name: 'app', version: '1.0.0', dependencies: Object.fromEntries(PROD.map((n) => [n, '^1.0.0'])), devDependencies: { 'tt-dev': '^0.1.0' } });

/** The five lockfile kinds of one project (the same packages), with a package that is not on the registry in npm's. */
const LOCKFILES: Record<string, () => string> = {
  'package-lock.json': () => {
    const packages: Record<string, unknown> = { '': { name: 'app', version: '1.0.0' } };
    for (const n of PROD) packages[`node_modules/${n}`] = { version: '1.0.0', resolved: `${registry.url}${n}/-/${n}-1.0.0.tgz`, integrity: registry.integrity(n, '1.0.0') };
    packages['node_modules/tt-dev'] = { version: '0.1.0', dev: true, integrity: registry.integrity('tt-dev', '0.1.0') };
    packages['node_modules/tt-missing'] = { version: '9.9.9' };
    return JSON.stringify({ name: 'app', lockfileVersion: 3, packages }, null, 2);
  },
  'pnpm-lock.yaml': () =>
    `lockfileVersion: '9.0'\n\nimporters:\n  .:\n    dependencies:\n${PROD.map((n) => `      ${n}:\n        specifier: ^1.0.0\n        version: 1.0.0\n`).join('')}    devDependencies:\n      tt-dev:\n        specifier: ^0.1.0\n        version: 0.1.0\n\npackages:\n` +
    ALL.map(([n, v]) => `  ${n}@${v}:\n    resolution: {integrity: ${registry.integrity(n, v)}}\n`).join('') +
    `\nsnapshots:\n` +
    ALL.map(([n, v]) => `  ${n}@${v}: {}\n`).join(''),
  'yarn.lock': () => '# yarn lockfile v1\n\n' + ALL.map(([n, v]) => `${n}@^${v}:\n  version "${v}"\n  resolved "${registry.url}${n}/-/${n}-${v}.tgz"\n  integrity ${registry.integrity(n, v)}\n`).join('\n'),
  'bun.lock': () =>
    JSON.stringify({ lockfileVersion: 1, workspaces: { '': { name: 'app', dependencies: manifest().dependencies, devDependencies: manifest().devDependencies } }, packages: Object.fromEntries(ALL.map(([n, v]) => [n, [`${n}@${v}`, '', {}, registry.integrity(n, v)]])) }, null, 2).replace(/\n(\s*)([}\]])/g, ',\n$1$2'),
};

async function project(file: string): Promise<string> {
  const dir = join(root, 'repo', file.replace(/\W/g, '-'));
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, file), LOCKFILES[file]!());
  await writeFile(join(dir, 'package.json'), JSON.stringify(manifest()));
  assert.equal(findLockfile(dir), join(dir, file));
  return dir;
}

before(async () => {
  root = await tempRoot('project-audit');
  s = await scratchDirs(root);
  const pkgs = Object.fromEntries(PROD.map((n) => [n, [{ version: '1.0.0', files: { 'lib/index.js': n === 'tt-geo' ? REGION : CLEAN } }]]));
  registry = await startFakeRegistry({ ...pkgs, 'tt-dev': [{ version: '0.1.0', files: { 'lib/index.js': CLEAN } }] });
});
after(async () => {
  await registry?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

/** The first (cold) audit of the npm project, the reference for the other runs. */
let first: Out;

describe('telltale audit <project>', () => {
  let npm: string;

  it('package-lock.json: each package audited once, worst first, the unfetchable one listed, exit 1; a re-run is served from the cache', async (t) => {
    npm = await project('package-lock.json');
    const cold = await cli('audit', npm, '--format', 'json', '--prod');
    assert.equal(cold.code, 1, cold.stderr);
    first = JSON.parse(cold.stdout) as Out;
    assert.deepEqual(first.packages.map((p) => p.name), [...WORST_FIRST, 'tt-missing']);
    assert.equal(first.packages[0]!.worst, 'high');
    assert.ok(first.packages[0]!.findings.some((f) => /region|targeting/.test(f.ruleId)), JSON.stringify(first.packages[0]));
    assert.deepEqual(first.packages.slice(1, 5).map((p) => [p.status, p.findingCount]), Array(4).fill(['audited', 0]));
    assert.equal(first.packages[5]!.status, 'failed');
    assert.ok(first.packages[5]!.reason);
    assert.equal(first.gate.failed, true);
    assert.equal(tarballs(), 5, 'each production package downloaded once');

    const warm = await cli('audit', npm, '--prod');
    assert.equal(warm.code, 1);
    assert.match(warm.stdout, /^tt-geo\s+1\.0\.0\s+high\s+\d+\s+cached$/m);
    assert.match(warm.stdout, /^tt-one\s+1\.0\.0\s+-\s+0\s+cached$/m);
    assert.match(warm.stdout, /worst findings:\n\s+\[high\] tt-geo@1\.0\.0/);
    assert.match(warm.stdout, /^6 packages: 5 from the cache, 0 audited, 1 not audited \(\d+\.\d s\)$/m);
    assert.equal(tarballs(), 5, 'a warm run downloads and audits nothing');
    t.diagnostic(`cold run ${Math.round(cold.ms)} ms (CLI ${first.ms} ms in the command), cached re-run ${Math.round(warm.ms)} ms wall`);

    const dev = JSON.parse((await cli('audit', npm, '--format', 'json', '--fail-on', 'critical')).stdout) as Out;
    assert.deepEqual(dev.packages.filter((p) => p.name === 'tt-dev').map((p) => [p.status, p.dev]), [['audited', true]]);
    assert.equal(tarballs(), 6, 'only the dev package, the first time it is included');
  });

  for (const file of ['pnpm-lock.yaml', 'yarn.lock', 'bun.lock']) {
    it(`${file}: the same packages, dev marked, worst first, exit 1, all from the cache`, async () => {
      const dir = await project(file);
      const r = await cli('audit', dir, '--format', 'json');
      assert.equal(r.code, 1, r.stderr);
      const out = JSON.parse(r.stdout) as Out;
      assert.equal(out.lockfile, join(dir, file));
      // Worst first, then by name: the dev package (no finding) sorts among the clean ones.
      assert.deepEqual(out.packages.map((p) => `${p.name}${p.dev ? ' dev' : ''}`), ['tt-geo', 'tt-dev dev', 'tt-four', 'tt-one', 'tt-three', 'tt-two']);
      assert.equal(out.packages[0]!.worst, 'high');
      assert.ok(out.packages.every((p) => p.status === 'cached'), JSON.stringify(out.packages));
      // The same release has the same fingerprints whichever lockfile resolved it.
      assert.deepEqual(out.packages[0]!.findings.map((f) => f.fingerprint), first.packages[0]!.findings.map((f) => f.fingerprint));
    });
  }

  it('exits 2 with one line on a malformed lockfile and when nothing could be audited', async () => {
    const bad = join(root, 'bad');
    await mkdir(bad);
    await writeFile(join(bad, 'package-lock.json'), '{"packages": {');
    const r = await cli('audit', bad);
    assert.equal(r.code, 2);
    assert.match(r.stderr.trim(), /^telltale: malformed lockfile .*package-lock\.json: [^\n]*$/);
    const none = join(root, 'none');
    await mkdir(none);
    await writeFile(join(none, 'package-lock.json'), JSON.stringify({ lockfileVersion: 3, packages: { 'node_modules/tt-nope': { version: '1.0.0' } } }));
    const n = await cli('audit', none);
    assert.equal(n.code, 2);
    assert.match(n.stderr, /nothing could be audited/);
  });
});

describe('telltale audit <project> --format sarif', () => {
  const sarifOf = async (cwd: string, dir: string, ...more: string[]): Promise<any> => {
    const r = await runCli(['audit', dir, '--format', 'sarif', ...more], s, HANG_GUARD_MS, { npm_config_registry: registry.url }, cwd);
    assert.equal(r.code, 1, r.stderr);
    return JSON.parse(r.stdout);
  };

  it('one valid run for the project: each finding at its package\'s lockfile entry, its evidence in the package as installed', async () => {
    const dir = join(root, 'repo', 'package-lock-json');
    const log = await sarifOf(join(root, 'repo'), dir, '--prod');
    assert.deepEqual(sarifErrors(log), []);
    assert.equal(log.runs.length, 1);
    const run = log.runs[0];
    assert.equal(run.automationDetails.id, 'telltale/project/package-lock-json/package-lock.json/');
    assert.match(run.originalUriBaseIds['%SRCROOT%'].uri, /^file:\/\/.*\/repo\/$/);
    const geo = run.results.filter((x: any) => x.properties.package.name === 'tt-geo');
    assert.ok(geo.length > 0 && geo.length === run.results.length, 'only the package with findings has results');
    const high = geo.find((x: any) => x.properties.severity === 'high');
    assert.equal(high.level, 'error');
    assert.match(high.message.text, /^.+ in dependency tt-geo@1\.0\.0\./);
    const at = high.locations[0].physicalLocation;
    assert.deepEqual(at.artifactLocation, { uri: 'package-lock-json/package-lock.json', uriBaseId: '%SRCROOT%' });
    const lockLines = readFileSync(join(dir, 'package-lock.json'), 'utf8').split('\n');
    assert.equal(lockLines[at.region.startLine - 1]!.trim(), '"node_modules/tt-geo": {');
    const related = high.relatedLocations.map((l: any) => l.physicalLocation.artifactLocation.uri);
    assert.equal(related[0], 'package-lock-json/node_modules/tt-geo/lib/index.js');
    const steps = high.codeFlows[0].threadFlows[0].locations.map((l: any) => l.location.physicalLocation.artifactLocation.uri);
    assert.ok(steps.length > 0 && steps.every((u: string) => u === 'package-lock-json/node_modules/tt-geo/lib/index.js'), steps.join());
    const fp = first.packages[0]!.findings;
    assert.ok(fp.some((f) => f.fingerprint === high.partialFingerprints['telltale/v1']));
    assert.match(high.partialFingerprints.primaryLocationLineHash, /^[0-9a-f]{16}:\d+$/);
    const notes = run.invocations[0].toolExecutionNotifications.map((n: any) => n.message.text);
    assert.ok(notes.some((n: string) => /^tt-missing@9\.9\.9 not audited \(failed\): /.test(n)), notes.join('\n'));
    assert.deepEqual(run.properties.packages.map((p: any) => [p.name, p.status]), [...WORST_FIRST.map((n) => [n, 'cached']), ['tt-missing', 'failed']]);
  });

  it('the alert keeps its identity across lockfile kinds (same package, same fingerprints, other file and line)', async () => {
    const npmLog = await sarifOf(join(root, 'repo'), join(root, 'repo', 'package-lock-json'), '--prod');
    const dir = join(root, 'repo', 'pnpm-lock-yaml');
    const pnpmLog = await sarifOf(join(root, 'repo'), dir, '--prod');
    assert.deepEqual(sarifErrors(pnpmLog), []);
    const hashes = (log: any) => log.runs[0].results.map((x: any) => x.partialFingerprints.primaryLocationLineHash).sort();
    assert.deepEqual(hashes(pnpmLog), hashes(npmLog));
    const at = pnpmLog.runs[0].results[0].locations[0].physicalLocation;
    assert.equal(at.artifactLocation.uri, 'pnpm-lock-yaml/pnpm-lock.yaml');
    const line = readFileSync(join(dir, 'pnpm-lock.yaml'), 'utf8').split('\n')[at.region.startLine - 1]!;
    assert.equal(line.trim(), 'tt-geo@1.0.0:');
  });

  it('a project outside the folder telltale runs in: paths relative to the project', async () => {
    const log = await sarifOf(s.home, join(root, 'repo', 'yarn-lock'), '--prod');
    assert.deepEqual(sarifErrors(log), []);
    const run = log.runs[0];
    assert.match(run.originalUriBaseIds['%SRCROOT%'].uri, /\/repo\/yarn-lock\/$/);
    const high = run.results.find((x: any) => x.properties.severity === 'high');
    assert.equal(high.locations[0].physicalLocation.artifactLocation.uri, 'yarn.lock');
    assert.equal(high.relatedLocations[0].physicalLocation.artifactLocation.uri, 'node_modules/tt-geo/lib/index.js');
  });
});

describe('the Action\'s script on a project', () => {
  function action(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile('bash', [SCRIPT], { cwd: join(root, 'repo'), env: { PATH: process.env.PATH ?? '', HOME: s.home, TELLTALE_CACHE: s.cache, TMPDIR: s.tmp, npm_config_registry: registry.url, ...env }, timeout: HANG_GUARD_MS }, (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? -1) : 0, stdout, stderr }),
      );
    });
  }

  it('PROJECTS: one valid SARIF file per project, findings at the lockfile entry, exit 1; fail-on critical passes', async () => {
    const out = join(root, 'sarif');
    const r = await action({ PROJECTS: 'package-lock-json bun-lock', PROD: 'true', OUT_DIR: out, FAIL_ON: 'high' });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const files = (await readdir(out)).sort();
    assert.deepEqual(files, ['1-project-package-lock-json.sarif', '2-project-bun-lock.sarif']);
    for (const f of files) {
      const log = JSON.parse(await readFile(join(out, f), 'utf8'));
      assert.deepEqual(sarifErrors(log), [], f);
      const high = log.runs[0].results.find((x: any) => x.level === 'error');
      assert.equal(high.properties.package.name, 'tt-geo', f);
      assert.match(high.locations[0].physicalLocation.artifactLocation.uri, /^(package-lock-json\/package-lock\.json|bun-lock\/bun\.lock)$/);
    }
    assert.equal(tarballs(), 6, 'the Action\'s audits came from the cache');
    const pass = await action({ PROJECTS: 'package-lock-json', PROD: 'true', OUT_DIR: join(root, 'sarif2'), FAIL_ON: 'critical' });
    assert.equal(pass.code, 0, pass.stdout + pass.stderr);
  });

  it('a project folder without a lockfile is exit 2 and leaves no SARIF file', async () => {
    await mkdir(join(root, 'repo', 'plain'), { recursive: true });
    const out = join(root, 'sarif3');
    const r = await action({ PROJECTS: 'plain', OUT_DIR: out });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /project plain has no lockfile/);
    assert.deepEqual(await readdir(out), []);
  });
});
