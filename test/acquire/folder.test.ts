import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { acquireTarget, readPackageJson } from '../../src/acquire/index.js';
import { MAX_FOLDER_DEPTH } from '../../src/acquire/walk.js';
import { UserError } from '../../src/model/errors.js';
import { tempRoot } from './tar-fixtures.js';

describe('folder targets', () => {
  let root: string;
  let pkg: string;

  before(async () => {
    root = await tempRoot('folder');
    pkg = join(root, 'pkg');
    await mkdir(join(pkg, 'lib', 'b'), { recursive: true });
    await mkdir(join(pkg, '.git', 'objects'), { recursive: true });
    await mkdir(join(pkg, 'node_modules', 'dep'), { recursive: true });
    await writeFile(join(pkg, 'package.json'), JSON.stringify({ name: 'walked', version: '0.3.0', os: 'linux', cpu: ['x64', 7], bin: { w: 'cli.js', bad: 1 } }));
    await writeFile(join(pkg, 'lib', 'b', 'z.js'), 'z');
    await writeFile(join(pkg, 'lib', 'a.js'), 'aa');
    await writeFile(join(pkg, 'lib', 'B.js'), 'B');
    await writeFile(join(pkg, '.git', 'objects', 'x'), 'git object');
    await writeFile(join(pkg, '.gitignore'), 'x');
    await writeFile(join(pkg, 'node_modules', 'dep', 'index.js'), 'dep');
    await symlink('/etc', join(pkg, 'etc-link'));
    await symlink('../lib', join(pkg, 'lib', 'b', 'loop'));
    execFileSync('mkfifo', [join(pkg, 'pipe')]);
  });

  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('lists every regular file except .git, sorted, with / paths', async () => {
    const t = await acquireTarget(pkg);
    assert.deepEqual(
      t.files.map((f) => [f.path, f.size]),
      [
        ['.gitignore', 1],
        ['lib/B.js', 1],
        ['lib/a.js', 2],
        ['lib/b/z.js', 1],
        ['node_modules/dep/index.js', 3],
        ['package.json', t.files.find((f) => f.path === 'package.json')!.size],
      ],
    );
    const z = t.files.find((f) => f.path === 'lib/b/z.js')!;
    assert.equal(z.diskPath, join(pkg, 'lib', 'b', 'z.js'));
    assert.equal((await z.read()).toString(), 'z');
    assert.deepEqual(t.info, { spec: pkg, kind: 'folder', name: 'walked', version: '0.3.0' });
  });

  it('does not follow links or open special files, and says so', async () => {
    const t = await acquireTarget(pkg);
    assert.deepEqual(
      [...t.problems].sort((a, b) => a.file.localeCompare(b.file)),
      [
        { file: 'etc-link', message: 'symbolic link to "/etc" not followed' },
        { file: 'lib/b/loop', message: 'symbolic link to "../lib" not followed' },
        { file: 'pipe', message: 'special file (FIFO, socket or device) skipped' },
      ],
    );
  });

  it('does not remove a user folder on dispose', async () => {
    const t = await acquireTarget(pkg);
    await t.dispose();
    assert.ok((await acquireTarget(pkg)).files.length > 0);
  });

  it('caps the number of entries', async () => {
    const t = await acquireTarget(pkg, { limits: { maxEntries: 3 } });
    assert.ok(t.files.length <= 3);
    assert.ok(t.problems.some((p) => p.message === 'more than 3 entries; the rest of the folder was not listed'));
  });

  it(`reports folders nested deeper than ${MAX_FOLDER_DEPTH} levels`, async () => {
    const deepRoot = join(root, 'deep');
    const segments = Array.from({ length: MAX_FOLDER_DEPTH + 2 }, (_, i) => `d${i}`);
    await mkdir(join(deepRoot, ...segments), { recursive: true });
    await writeFile(join(deepRoot, ...segments.slice(0, MAX_FOLDER_DEPTH), 'ok.js'), '1');
    await writeFile(join(deepRoot, ...segments.slice(0, MAX_FOLDER_DEPTH + 1), 'too-deep.js'), '1');
    const t = await acquireTarget(deepRoot);
    assert.deepEqual(t.files.map((f) => f.path), [`${segments.slice(0, MAX_FOLDER_DEPTH).join('/')}/ok.js`]);
    assert.deepEqual(t.problems, [
      { file: segments.slice(0, MAX_FOLDER_DEPTH + 1).join('/'), message: `folder nested deeper than ${MAX_FOLDER_DEPTH} levels not entered` },
    ]);
  });

  it('reads the root package.json defensively', async () => {
    const t = await acquireTarget(pkg);
    assert.deepEqual(await readPackageJson(t), { name: 'walked', version: '0.3.0', os: ['linux'], cpu: ['x64'], bin: { w: 'cli.js' } });
  });

  it('turns an invalid package.json into one problem and no manifest', async () => {
    const bad = join(root, 'bad');
    await mkdir(bad);
    await writeFile(join(bad, 'package.json'), '{"name": "x",');
    await writeFile(join(bad, 'index.js'), '1');
    const t = await acquireTarget(bad);
    assert.equal(t.info.name, undefined);
    assert.equal(await readPackageJson(t), undefined);
    const problems = t.problems.filter((p) => p.file === 'package.json');
    assert.equal(problems.length, 1, 'reading twice does not repeat the problem');
    assert.match(problems[0]!.message, /^package\.json ignored: invalid JSON: /);
  });

  it('returns undefined without a problem when there is no package.json', async () => {
    const none = join(root, 'none');
    await mkdir(none);
    await writeFile(join(none, 'x.js'), '1');
    const t = await acquireTarget(none);
    assert.equal(await readPackageJson(t), undefined);
    assert.deepEqual(t.problems, []);
  });

  it('audits a single file alone', async () => {
    const t = await acquireTarget(join(pkg, 'lib', 'a.js'));
    assert.deepEqual(t.info, { spec: join(pkg, 'lib', 'a.js'), kind: 'file' });
    assert.deepEqual(t.files.map((f) => [f.path, f.size, f.diskPath]), [['a.js', 2, join(pkg, 'lib', 'a.js')]]);
  });

  it('refuses a FIFO given as the target', async () => {
    await assert.rejects(acquireTarget(join(pkg, 'pipe')), (e: unknown) => e instanceof UserError && /not a regular file or directory/.test(e.message));
  });
});
