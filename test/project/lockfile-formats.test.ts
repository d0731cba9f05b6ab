// pnpm-lock.yaml (6, 9), yarn.lock (Yarn 1 and 2+) and bun.lock: each read as data into the packages it resolves,
// with versions, integrity and development flags (marked by the lockfile, or what production dependencies do not
// reach); then a project of each kind audited through the CLI against a registry on loopback.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { findLockfile, parseLockfile, type LockedPackage } from '../../src/acquire/lockfile.js';
import { keyNames } from '../../src/acquire/lockfiles/bun.js';
import { pnpmKey } from '../../src/acquire/lockfiles/pnpm.js';
import { UserError } from '../../src/model/errors.js';
import { tempRoot } from '../acquire/tar-fixtures.js';
import { HANG_GUARD_MS, runCli, scratchDirs, type CliResult, type Scratch } from '../cli/run-cli.js';
import { startFakeRegistry, type FakeRegistry } from '../helpers/fake-registry.js';
import { CLEAN, REGION } from '../history/fixtures.js';

const FIXTURES = fileURLToPath(new URL('../../../test/project/fixtures/', import.meta.url));
const fixture = (f: string) => readFileSync(join(FIXTURES, f), 'utf8');
const MANIFEST: unknown = JSON.parse(fixture('manifest.json'));

/** name@version dev|prod [resolved-kind] */
const brief = (l: LockedPackage[]) => l.map((p) => `${p.name}@${p.version} ${p.dev ? 'dev' : 'prod'}${p.resolved && !/^https?:/.test(p.resolved) ? ' not-registry' : ''}`);

describe('lockfile formats', () => {
  const cases: [string, string, string, unknown, string[]][] = [
    ['pnpm 6 (dev flags in the file)', 'pnpm-v6.yaml', 'pnpm-lock.yaml', undefined, ['@scope/beta@2.1.0 dev', 'alpha@1.0.0 prod', 'delta@0.1.0 prod not-registry', 'gamma@3.0.0 prod', 'peer-x@2.0.0 prod']],
    ['pnpm 9 (dev from the importers, through snapshots; a link is left out; an alias is its package)', 'pnpm-v9.yaml', 'pnpm-lock.yaml', undefined, ['@scope/beta@2.1.0 dev', 'alpha@1.0.0 prod', 'gamma@2.0.0 dev', 'gamma@3.0.0 prod', 'peer-x@2.0.0 prod']],
    ['yarn 1 (dev from package.json; an alias is its package; git is not the registry)', 'yarn-v1.lock', 'yarn.lock', MANIFEST, ['@scope/beta@2.1.0 dev', 'alpha@1.0.1 prod', 'delta@0.1.0 dev not-registry', 'gamma@2.0.0 dev', 'gamma@3.0.0 prod', 'wrap@1.2.0 dev']],
    ['yarn 1 without a package.json: everything counts as production', 'yarn-v1.lock', 'yarn.lock', undefined, ['@scope/beta@2.1.0 prod', 'alpha@1.0.1 prod', 'delta@0.1.0 prod not-registry', 'gamma@2.0.0 prod', 'gamma@3.0.0 prod', 'wrap@1.2.0 prod']],
    ['yarn 2+ (the workspace and the patch are left out; the patched original is reached)', 'yarn-berry.lock', 'yarn.lock', MANIFEST, ['@scope/beta@2.1.0 dev', 'alpha@1.0.1 prod', 'gamma@2.0.0 dev', 'gamma@3.0.0 prod', 'resolve@1.22.8 prod']],
    ['bun.lock (JSONC; a nested resolution; GitHub is not the registry)', 'bun.lock', 'bun.lock', undefined, ['@scope/beta@2.1.0 dev', 'alpha@1.0.1 prod', 'delta@github:someone/delta#abc dev not-registry', 'gamma@2.0.0 dev', 'gamma@3.0.0 prod']],
  ];
  for (const [title, file, name, manifest, expected] of cases) {
    it(title, () => assert.deepEqual(brief(parseLockfile(fixture(file), join('/p', name), manifest)), expected));
  }

  it('integrity and the registry URL are kept where the lockfile has them', () => {
    const yarn = parseLockfile(fixture('yarn-v1.lock'), '/p/yarn.lock', MANIFEST).find((p) => p.name === 'alpha')!;
    assert.equal(yarn.integrity, 'sha512-AAAA');
    assert.equal(yarn.resolved, 'https://registry.yarnpkg.com/alpha/-/alpha-1.0.1.tgz');
    const pnpm = parseLockfile(fixture('pnpm-v9.yaml'), '/p/pnpm-lock.yaml').find((p) => p.name === 'gamma' && p.version === '3.0.0')!;
    assert.equal(pnpm.integrity, 'sha512-CCCC');
    const bun = parseLockfile(fixture('bun.lock'), '/p/bun.lock').find((p) => p.name === '@scope/beta')!;
    assert.equal(bun.integrity, 'sha512-BBBB');
  });

  it('keys: pnpm peers and lockfile 5 paths, bun scoped paths', () => {
    assert.deepEqual(pnpmKey('/@s/b@1.2.3(peer@2.0.0)(other@1.0.0)'), { name: '@s/b', version: '1.2.3' });
    assert.deepEqual(pnpmKey('/a/1.0.0_peer@2.0.0'), { name: 'a', version: '1.0.0' });
    assert.equal(pnpmKey('/a@link:../x'), undefined);
    assert.deepEqual(keyNames('@s/a/b/@t/c'), ['@s/a', 'b', '@t/c']);
  });

  it('names and versions that are not a registry release never become a spec', () => {
    const yaml = "lockfileVersion: '9.0'\nimporters: {}\npackages:\n  '../../etc@1.0.0': {resolution: {integrity: x}}\n  a@file:../a: {resolution: {directory: ../a}}\n  b@1.0.0: {resolution: {integrity: sha512-b}}\nsnapshots: {}\n";
    assert.deepEqual(brief(parseLockfile(yaml, '/p/pnpm-lock.yaml')), ['b@1.0.0 dev']);
  });

  it('malformed or unsupported lockfiles are one-line errors', () => {
    const bad: [string, string, RegExp][] = [
      ['pnpm-lock.yaml', 'lockfileVersion: [\n', /^malformed lockfile \/p\/pnpm-lock\.yaml: /],
      ['pnpm-lock.yaml', "lockfileVersion: '3.0'\n", /unsupported lockfile .*lockfileVersion 3\.0/],
      ['pnpm-lock.yaml', '- a\n- b\n', /not a YAML mapping/],
      ['yarn.lock', '# yarn lockfile v1\n\na@^1:\n  version "1\n', /^malformed lockfile \/p\/yarn\.lock: /],
      ['bun.lock', '{"lockfileVersion": 1, "packages": {', /^malformed lockfile \/p\/bun\.lock: /],
      ['bun.lock', '{"lockfileVersion": 1}', /no "packages" map/],
    ];
    for (const [name, text, re] of bad) {
      assert.throws(
        () => parseLockfile(text, `/p/${name}`),
        (e: Error) => e instanceof UserError && re.test(e.message) && !e.message.includes('\n'),
        `${name}: ${JSON.stringify(text)}`,
      );
    }
  });

  it('a YAML alias bomb is refused, not expanded', () => {
    let bomb = "lockfileVersion: '9.0'\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
    for (let i = 1; i < 12; i++) bomb += `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`;
    assert.throws(() => parseLockfile(bomb + 'packages: {}\n', '/p/pnpm-lock.yaml'), (e: Error) => e instanceof UserError && !e.message.includes('\n'));
  });
});

describe('telltale audit <project> with pnpm, yarn and bun lockfiles', () => {
  let root: string;
  let s: Scratch;
  let registry: FakeRegistry;
  const PROD = ['tt-one', 'tt-two', 'tt-three', 'tt-four', 'tt-geo'];
  before(async () => {
    root = await tempRoot('lockfiles');
    s = await scratchDirs(root);
    const pkgs = Object.fromEntries(PROD.map((n) => [n, [{ version: '1.0.0', files: { 'lib/index.js': n === 'tt-geo' ? REGION : CLEAN } }]]));
    registry = await startFakeRegistry({ ...pkgs, 'tt-dev': [{ version: '0.1.0', files: { 'lib/index.js': CLEAN } }] });
  });
  after(async () => {
    await registry?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });
  const cli = (...args: string[]): Promise<CliResult> => runCli(args, s, HANG_GUARD_MS, { npm_config_registry: registry.url });
  const tarballs = () => registry.requests.filter((p) => p.endsWith('.tgz')).length;
  const manifest = { name: 'app', version: '1.0.0', dependencies: Object.fromEntries(PROD.map((n) => [n, '^1.0.0'])), devDependencies: { 'tt-dev': '^0.1.0' } };
  const all: [string, string][] = [...PROD.map((n): [string, string] => [n, '1.0.0']), ['tt-dev', '0.1.0']];

  const lockfiles: Record<string, () => string> = {
    'pnpm-lock.yaml': () =>
      `lockfileVersion: '9.0'\n\nimporters:\n  .:\n    dependencies:\n${PROD.map((n) => `      ${n}:\n        specifier: ^1.0.0\n        version: 1.0.0\n`).join('')}    devDependencies:\n      tt-dev:\n        specifier: ^0.1.0\n        version: 0.1.0\n\npackages:\n` +
      all.map(([n, v]) => `  ${n}@${v}:\n    resolution: {integrity: ${registry.integrity(n, v)}}\n`).join('') +
      `\nsnapshots:\n` +
      all.map(([n, v]) => `  ${n}@${v}: {}\n`).join(''),
    'yarn.lock': () => '# yarn lockfile v1\n\n' + all.map(([n, v]) => `${n}@^${v}:\n  version "${v}"\n  resolved "${registry.url}/${n}/-/${n}-${v}.tgz"\n  integrity ${registry.integrity(n, v)}\n`).join('\n'),
    'bun.lock': () =>
      JSON.stringify({ lockfileVersion: 1, workspaces: { '': { name: 'app', dependencies: manifest.dependencies, devDependencies: manifest.devDependencies } }, packages: Object.fromEntries(all.map(([n, v]) => [n, [`${n}@${v}`, '', {}, registry.integrity(n, v)]])) }, null, 2).replace(/\n(\s*)([}\]])/g, ',\n$1$2'),
  };

  interface Out {
    lockfile: string;
    gate: { failed: boolean };
    packages: { name: string; status: string; worst: string | null; dev: boolean; findingCount: number }[];
  }

  for (const [file, make] of Object.entries(lockfiles)) {
    it(`${file}: every package audited on its own, --prod honoured, worst first, exit 1; a re-run is served from the cache`, async () => {
      const dir = join(root, file.replace(/\W/g, '-'));
      await mkdir(dir);
      await writeFile(join(dir, file), make());
      await writeFile(join(dir, 'package.json'), JSON.stringify(manifest));
      assert.equal(findLockfile(dir), join(dir, file));
      const prod = await cli('audit', dir, '--format', 'json', '--prod');
      assert.equal(prod.code, 1, prod.stderr);
      const out = JSON.parse(prod.stdout) as Out;
      assert.equal(out.lockfile, join(dir, file));
      assert.deepEqual(out.packages.map((p) => p.name), ['tt-geo', 'tt-four', 'tt-one', 'tt-three', 'tt-two']);
      assert.equal(out.packages[0]!.worst, 'high');
      assert.ok(out.packages.every((p) => (p.status === 'audited' || p.status === 'cached') && !p.dev), JSON.stringify(out.packages));
      const fetched = tarballs();
      const again = await cli('audit', dir);
      assert.equal(again.code, 1, again.stderr);
      assert.match(again.stdout, /^tt-geo\s+1\.0\.0\s+high\s+\d+\s+cached$/m);
      assert.match(again.stdout, /^tt-dev\s+0\.1\.0\s+-\s+0\s+(cached|audited)$/m);
      assert.equal(tarballs() - fetched, again.stdout.includes('audited') ? 1 : 0, 'only the dev package, on the first run that includes it, is downloaded');
    });
  }
});
