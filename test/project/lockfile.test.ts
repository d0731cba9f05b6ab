// A project folder with a lockfile: the lockfile read as text (hostile input), then every package audited on its
// own through the CLI against a registry on loopback, worst first; a re-run is served from the result cache.
import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { nameFromKey, parsePackageLock } from '../../src/acquire/lockfile.js';
import { UserError } from '../../src/model/errors.js';
import { tempRoot } from '../acquire/tar-fixtures.js';
import { HANG_GUARD_MS, runCli, scratchDirs, type CliResult, type Scratch } from '../cli/run-cli.js';
import { startFakeRegistry, type FakeRegistry } from '../helpers/fake-registry.js';
import { CLEAN, REGION } from '../history/fixtures.js';

describe('package-lock.json', () => {
  it('lists resolved packages, skipping the root and links, with dev and optional', () => {
    const text = JSON.stringify({
      lockfileVersion: 3,
      packages: {
        '': { name: 'app', version: '1.0.0' },
        'node_modules/a': { version: '1.0.0', resolved: 'https://r/a.tgz', integrity: 'sha512-x' },
        'node_modules/a/node_modules/@s/b': { version: '2.0.0', dev: true },
        'node_modules/c': { version: '3.0.0', optional: true },
        'node_modules/ws': { resolved: 'packages/ws', link: true },
        'node_modules/../evil': { version: '1.0.0' },
      },
    });
    assert.deepEqual(parsePackageLock(text, 'x'), [
      { name: '@s/b', version: '2.0.0', dev: true, optional: false },
      { name: 'a', version: '1.0.0', dev: false, optional: false, integrity: 'sha512-x', resolved: 'https://r/a.tgz' },
      { name: 'c', version: '3.0.0', dev: false, optional: true },
    ]);
    assert.equal(nameFromKey('node_modules/x/node_modules/@a/b'), '@a/b');
  });
  it('refuses malformed and v1 lockfiles with a one-line error', () => {
    assert.throws(() => parsePackageLock('{"packages": ', 'lock'), (e: Error) => e instanceof UserError && /^malformed lockfile lock/.test(e.message) && !e.message.includes('\n'));
    assert.throws(() => parsePackageLock('{"lockfileVersion":1,"dependencies":{}}', 'lock'), /no "packages" map/);
  });
});

describe('telltale audit <project>', () => {
  let root: string;
  let s: Scratch;
  let registry: FakeRegistry;
  let project: string;
  const NAMES = ['tt-one', 'tt-two', 'tt-three', 'tt-four', 'tt-geo'];
  before(async () => {
    root = await tempRoot('project');
    s = await scratchDirs(root);
    const pkgs = Object.fromEntries(NAMES.map((n) => [n, [{ version: '1.0.0', files: { 'lib/index.js': n === 'tt-geo' ? REGION : CLEAN } }]]));
    registry = await startFakeRegistry({ ...pkgs, 'tt-dev': [{ version: '0.1.0', files: { 'lib/index.js': CLEAN } }] });
    project = join(root, 'app');
    await mkdir(project);
    const packages: Record<string, unknown> = { '': { name: 'app', version: '1.0.0' } };
    for (const n of NAMES) packages[`node_modules/${n}`] = { version: '1.0.0', resolved: `${registry.url}/${n}/-/${n}-1.0.0.tgz`, integrity: registry.integrity(n, '1.0.0') };
    packages['node_modules/tt-dev'] = { version: '0.1.0', dev: true, integrity: registry.integrity('tt-dev', '0.1.0') };
    packages['node_modules/tt-missing'] = { version: '9.9.9' };
    await writeFile(join(project, 'package-lock.json'), JSON.stringify({ name: 'app', lockfileVersion: 3, packages }));
  });
  after(async () => {
    await registry?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });
  const cli = (...args: string[]): Promise<CliResult> => runCli(args, s, HANG_GUARD_MS, { npm_config_registry: registry.url });
  const tarballs = () => registry.requests.filter((p) => p.endsWith('.tgz')).length;

  interface Out {
    gate: { failed: boolean };
    packages: { name: string; status: string; worst: string | null; findingCount: number; reason?: string; findings: { ruleId: string }[] }[];
  }

  it('audits each package, worst first, lists the unfetchable one, and a re-run is served from the cache', async () => {
    const first = await cli('audit', project, '--format', 'json', '--prod');
    assert.equal(first.code, 1, first.stderr);
    const out = JSON.parse(first.stdout) as Out;
    assert.deepEqual(out.packages.map((p) => p.name), ['tt-geo', 'tt-four', 'tt-one', 'tt-three', 'tt-two', 'tt-missing']);
    assert.equal(out.packages[0]!.worst, 'high');
    assert.ok(out.packages[0]!.findings.some((f) => /region|targeting/.test(f.ruleId)), JSON.stringify(out.packages[0]));
    assert.deepEqual(out.packages.slice(1, 5).map((p) => [p.status, p.findingCount]), Array(4).fill(['audited', 0]));
    assert.equal(out.packages[5]!.status, 'failed');
    assert.ok(out.packages[5]!.reason);
    assert.equal(out.gate.failed, true);
    const fetched = tarballs();
    assert.equal(fetched, 5);

    const text = await cli('audit', project, '--prod');
    assert.equal(text.code, 1);
    assert.match(text.stdout, /^tt-geo\s+1\.0\.0\s+high\s+\d+\s+cached$/m);
    assert.match(text.stdout, /^tt-one\s+1\.0\.0\s+-\s+0\s+cached$/m);
    assert.match(text.stdout, /worst findings:\n\s+\[high\] tt-geo@1\.0\.0/);
    assert.equal(tarballs(), fetched, 'a warm run downloads and audits nothing');

    const dev = JSON.parse((await cli('audit', project, '--format', 'json', '--fail-on', 'critical')).stdout) as Out;
    assert.ok(dev.packages.some((p) => p.name === 'tt-dev' && p.status === 'audited'));
  });

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
