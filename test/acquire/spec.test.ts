import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resolveSpec, type ResolvedSpec } from '../../src/acquire/index.js';
import { parseManifest } from '../../src/acquire/package-json.js';
import { UserError } from '../../src/model/errors.js';
import { tempRoot } from './tar-fixtures.js';

describe('resolveSpec', () => {
  let cwd: string;
  before(async () => {
    cwd = await tempRoot('spec');
    await mkdir(join(cwd, 'folder'));
    await mkdir(join(cwd, 'lodash'));
    await writeFile(join(cwd, 'pkg.tgz'), '');
    await writeFile(join(cwd, 'pkg.tar.gz'), '');
    await writeFile(join(cwd, 'cli.js'), '');
    await writeFile(join(cwd, 'notes'), '');
  });
  after(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  const valid: [string, (cwd: string) => ResolvedSpec][] = [
    ['./folder', (c) => ({ kind: 'folder', path: join(c, 'folder'), alsoPackageName: false })],
    ['folder', (c) => ({ kind: 'folder', path: join(c, 'folder'), alsoPackageName: true })],
    ['lodash', (c) => ({ kind: 'folder', path: join(c, 'lodash'), alsoPackageName: true })],
    ['.', (c) => ({ kind: 'folder', path: c, alsoPackageName: false })],
    ['pkg.tgz', (c) => ({ kind: 'tarball', path: join(c, 'pkg.tgz'), alsoPackageName: false })],
    ['./pkg.tar.gz', (c) => ({ kind: 'tarball', path: join(c, 'pkg.tar.gz'), alsoPackageName: false })],
    ['cli.js', (c) => ({ kind: 'file', path: join(c, 'cli.js'), alsoPackageName: true })],
    ['notes', (c) => ({ kind: 'file', path: join(c, 'notes'), alsoPackageName: true })],
    ['lodash@latest', () => ({ kind: 'registry', spec: 'lodash@latest' })],
    ['is-number', () => ({ kind: 'registry', spec: 'is-number' })],
    ['is-number@7.0.0', () => ({ kind: 'registry', spec: 'is-number@7.0.0' })],
    ['is-number@^7', () => ({ kind: 'registry', spec: 'is-number@^7' })],
    ['@scope/name', () => ({ kind: 'registry', spec: '@scope/name' })],
    ['@scope/name@next', () => ({ kind: 'registry', spec: '@scope/name@next' })],
    ['chart.js', () => ({ kind: 'registry', spec: 'chart.js' })],
    ['alias@npm:is-number@7', () => ({ kind: 'registry', spec: 'alias@npm:is-number@7' })],
    ['  is-odd  ', () => ({ kind: 'registry', spec: 'is-odd' })],
  ];
  for (const [spec, expected] of valid) {
    it(`${JSON.stringify(spec)} is ${expected('<cwd>').kind}`, async () => {
      assert.deepEqual(await resolveSpec(spec, cwd), expected(cwd));
    });
  }
  it('resolves an absolute path regardless of cwd', async () => {
    assert.deepEqual(await resolveSpec(join(cwd, 'pkg.tgz'), '/'), { kind: 'tarball', path: join(cwd, 'pkg.tgz'), alsoPackageName: false });
  });

  const invalid: [string, RegExp][] = [
    ['', /^no target given$/],
    ['./missing', /^no such file or directory: \.\/missing$/],
    ['/nonexistent/telltale/x', /^no such file or directory: /],
    ['missing.tgz', /^no such file or directory: missing\.tgz$/],
    ['github:user/repo', /^not a local path or registry package: "github:user\/repo" \(git specs/],
    ['user/repo', /git specs are not supported/],
    ['https://example.invalid/x.tgz', /remote specs are not supported/],
    ['x@npm:github:a/b', /^invalid package spec "x@npm:github:a\/b": /],
    ['bad name with spaces', /^invalid package spec /],
  ];
  for (const [spec, message] of invalid) {
    it(`${JSON.stringify(spec)} is refused`, async () => {
      await assert.rejects(resolveSpec(spec, cwd), (e: unknown) => e instanceof UserError && message.test(e.message));
    });
  }
});

describe('parseManifest', () => {
  it('keeps typed fields only', () => {
    assert.deepEqual(
      parseManifest('\uFEFF{"name":"n","version":1,"scripts":{"postinstall":"node x","bad":{}},"optionalDependencies":{"n-linux-x64":"1.0.0"},"os":["darwin"],"bin":"cli.js"}'),
      { ok: true, manifest: { name: 'n', scripts: { postinstall: 'node x' }, optionalDependencies: { 'n-linux-x64': '1.0.0' }, os: ['darwin'], bin: 'cli.js' } },
    );
  });
  it('exports: the files runtimes load, not type declarations or the "source" condition', () => {
    const parsed = parseManifest(
      JSON.stringify({
        exports: {
          '.': { types: './dist/index.d.ts', import: './dist/index.mjs', require: './dist/index.cjs' },
          './hooks/trace': { source: './src/hooks/trace.ts', types: './dist/hooks/trace.d.ts', default: './dist/hooks/trace.js' },
          './legacy': ['./dist/legacy.js', './dist/legacy.d.cts'],
          './typed': { typings: './dist/typed.d.mts', node: { default: './dist/typed.js' } },
        },
      }),
    );
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.manifest.exports, ['./dist/index.mjs', './dist/index.cjs', './dist/hooks/trace.js', './dist/legacy.js', './dist/typed.js']);
  });
  it('keeps a "__proto__" script as data', () => {
    const parsed = parseManifest('{"scripts":{"__proto__":"evil","install":"x"}}');
    assert.ok(parsed.ok);
    const scripts = parsed.manifest.scripts!;
    assert.equal(Object.getPrototypeOf(scripts), Object.prototype);
    assert.deepEqual(Object.keys(scripts), ['__proto__', 'install']);
  });
  const invalid: [string, RegExp][] = [
    ['{', /^invalid JSON: /],
    ['[1]', /^not a JSON object$/],
    ['null', /^not a JSON object$/],
    ['"x"', /^not a JSON object$/],
  ];
  for (const [text, reason] of invalid) {
    it(`refuses ${text}`, () => {
      const parsed = parseManifest(text);
      assert.equal(parsed.ok, false);
      if (!parsed.ok) assert.match(parsed.reason, reason);
    });
  }
});
