// pnpm-lock.yaml (6, 9), yarn.lock (Yarn 1 and 2+) and bun.lock: each read as data into the packages it resolves,
// with versions, integrity and development flags (marked by the lockfile, or what production dependencies do not
// reach). A project of each kind audited through the CLI is in project-audit.test.ts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { parseLockfile, type LockedPackage } from '../../src/acquire/lockfile.js';
import { lockfileLines } from '../../src/acquire/lockfile-lines.js';
import { keyNames } from '../../src/acquire/lockfiles/bun.js';
import { pnpmKey } from '../../src/acquire/lockfiles/pnpm.js';
import { UserError } from '../../src/model/errors.js';

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

  it('each package\'s line is its own entry, not a mention of it elsewhere (what SARIF points at)', () => {
    const npm = JSON.stringify({ lockfileVersion: 3, packages: { '': { dependencies: { alpha: '^1.0.0' } }, 'node_modules/alpha': { version: '1.0.1' }, 'node_modules/x/node_modules/alpha': { version: '0.9.0' } } }, null, 2);
    const cases: [string, string, string, [string, RegExp][]][] = [
      ['package-lock.json', npm, 'package-lock.json', [['alpha@1.0.1', /^ {4}"node_modules\/alpha": \{$/], ['alpha@0.9.0', /^ {4}"node_modules\/x\/node_modules\/alpha": \{$/]]],
      ['pnpm 6', fixture('pnpm-v6.yaml'), 'pnpm-lock.yaml', [['alpha@1.0.0', /^ {2}\/alpha@1\.0\.0\(peer-x@2\.0\.0\):$/], ['peer-x@2.0.0', /^ {2}\/peer-x@2\.0\.0:$/], ['@scope/beta@2.1.0', /^ {2}\/@scope\/beta@2\.1\.0:$/]]],
      ['pnpm 9', fixture('pnpm-v9.yaml'), 'pnpm-lock.yaml', [['gamma@2.0.0', /^ {2}gamma@2\.0\.0:$/], ['gamma@3.0.0', /^ {2}gamma@3\.0\.0:$/]]],
      ['yarn 1', fixture('yarn-v1.lock'), 'yarn.lock', [['alpha@1.0.1', /^alpha@\^1\.0\.0, alpha@\^1\.0\.1:$/], ['gamma@3.0.0', /^gamma@\^3\.0\.0:$/], ['@scope/beta@2.1.0', /^"@scope\/beta@\^2\.0\.0":$/]]],
      ['yarn 2+', fixture('yarn-berry.lock'), 'yarn.lock', [['alpha@1.0.1', /^"alpha@npm:\^1\.0\.0, alpha@npm:\^1\.0\.1":$/], ['resolve@1.22.8', /^"resolve@npm:\^1\.22\.0":$/]]],
      ['bun', fixture('bun.lock'), 'bun.lock', [['alpha@1.0.1', /^ {4}"alpha": \["alpha@1\.0\.1"/], ['gamma@3.0.0', /^ {4}"alpha\/gamma": \["gamma@3\.0\.0"/]]],
    ];
    for (const [title, text, name, expected] of cases) {
      const all = parseLockfile(text, join('/p', name), MANIFEST);
      const at = lockfileLines(text, all);
      const lines = text.split('\n');
      for (const [id, re] of expected) {
        assert.ok(all.some((p) => `${p.name}@${p.version}` === id), `${title}: ${id} is parsed`);
        assert.match(lines[at.get(id)! - 1]!, re, `${title}: ${id} at line ${at.get(id)}`);
      }
      assert.equal(at.size, all.length, title);
    }
    assert.equal(lockfileLines('{}', [{ name: 'nowhere', version: '1.0.0' }]).get('nowhere@1.0.0'), 1, 'an entry not found points at line 1');
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
