import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { create } from 'tar';
import { acquireTarget, checkEntryPath } from '../../src/acquire/index.js';
import { unpackTarball } from '../../src/acquire/tarball.js';
import type { AcquiredTarget } from '../../src/acquire/types.js';
import { UserError } from '../../src/model/errors.js';
import { entry, header, listTree, tar, tempRoot, tgz } from './tar-fixtures.js';

/** Runs `fn` with os.tmpdir() pointing into `root`, so everything acquisition writes lands where the test can see it. */
async function withTmpdir<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = body.length;
  while (`${len}${body}`.length !== len) len = `${len}${body}`.length;
  return `${len}${body}`;
}

function problemFor(t: AcquiredTarget, file: string): string {
  const p = t.problems.find((x) => x.file === file);
  assert.ok(p, `no problem recorded for ${file}; problems: ${JSON.stringify(t.problems)}`);
  return p.message;
}

describe('checkEntryPath', () => {
  const valid: [string, string][] = [
    ['package/index.js', 'index.js'],
    ['package/lib/a.js', 'lib/a.js'],
    ['./package/./lib//a.js', 'lib/a.js'],
    ['other-top/x.js', 'x.js'],
    ['package/', ''],
    ['package\\lib\\a.js', 'lib/a.js'],
  ];
  for (const [raw, rel] of valid) {
    it(`accepts ${raw}`, () => assert.deepEqual(checkEntryPath(raw), { ok: true, rel }));
  }
  const invalid: [string, RegExp][] = [
    ['../evil', /\.\./],
    ['package/../../evil', /\.\./],
    ['package\\..\\..\\evil', /\.\./],
    ['/etc/passwd', /absolute/],
    ['\\\\server\\share', /absolute/],
    ['C:\\Windows\\evil', /drive/],
    ['c:evil', /drive/],
    ['a\0b', /NUL/],
    ['./', /empty/],
    [Array.from({ length: 70 }, () => 'd').join('/'), /deeper/],
  ];
  for (const [raw, reason] of invalid) {
    it(`rejects ${JSON.stringify(raw).slice(0, 40)}`, () => {
      const v = checkEntryPath(raw);
      assert.equal(v.ok, false);
      if (!v.ok) assert.match(v.reason, reason);
    });
  }
});

describe('hostile tarball', () => {
  let root: string;
  let target: AcquiredTarget;
  let absEvil: string;
  const outsideMarker = `/tmp-telltale-abs-${process.pid}-${Date.now()}`;

  before(async () => {
    root = await tempRoot('hostile');
    await mkdir(join(root, 'in'));
    await mkdir(join(root, 'tmp'));
    absEvil = join(root, 'abs', 'evil.js');
    const archive = tgz([
      { name: 'package/package.json', content: '{"name":"hostile","version":"1.0.0"}' },
      { name: 'package/index.js', content: 'module.exports = 1;\n' },
      { name: '../evil.js', content: 'pwned' },
      { name: 'package/../../evil2.js', content: 'pwned' },
      { name: absEvil, content: 'pwned' },
      { name: `${outsideMarker}/x.js`, content: 'pwned' },
      { name: 'package/etc', type: '2', linkname: '/etc' },
      // classic follow-up: write through the link planted just before
      { name: 'package/etc/telltale-pwned', content: 'pwned' },
      { name: 'package/up', type: '2', linkname: '../../..' },
      { name: 'package/inner-link', type: '2', linkname: 'index.js' },
      { name: 'package/hard', type: '1', linkname: '../../etc/passwd' },
      { name: 'package/tty', type: '3' },
      { name: 'package/pipe', type: '6' },
      { name: 'top-level.js', content: 'outside the top folder' },
      { name: 'package/lib/', type: '5' },
      // a pax record overrides the innocent header name
      { name: 'PaxHeader/innocent.js', type: 'x', content: paxRecord('path', '../pax-evil.js') },
      { name: 'package/innocent.js', content: 'pwned' },
      { name: 'package/lib/deep.js', content: 'exports.x = 2;' },
    ]);
    await writeFile(join(root, 'in', 'hostile.tgz'), archive);
    target = await withTmpdir(join(root, 'tmp'), () => acquireTarget(join(root, 'in', 'hostile.tgz')));
  });

  after(async () => {
    await target?.dispose();
    await rm(root, { recursive: true, force: true });
  });

  it('keeps the safe files, sorted, with / paths, readable lazily', async () => {
    assert.deepEqual(
      target.files.map((f) => f.path),
      ['etc/telltale-pwned', 'index.js', 'lib/deep.js', 'package.json'],
    );
    const index = target.files.find((f) => f.path === 'index.js')!;
    assert.equal(index.size, 20);
    assert.equal((await index.read()).toString(), 'module.exports = 1;\n');
    assert.ok(index.diskPath?.startsWith(join(root, 'tmp', 'telltale-')));
  });

  it('names the target from its package.json', () => {
    assert.deepEqual(target.info, { spec: join(root, 'in', 'hostile.tgz'), kind: 'tarball', name: 'hostile', version: '1.0.0' });
  });

  it('writes nothing outside its own temp folder', async () => {
    const tree = await listTree(root);
    const tempDirs = tree.filter((p) => /^tmp\/telltale-[^/]+$/.test(p));
    assert.equal(tempDirs.length, 1, tree.join('\n'));
    const outsideTemp = tree.filter((p) => !p.startsWith(`${tempDirs[0]}/`) && p !== tempDirs[0]);
    assert.deepEqual(outsideTemp, ['in', 'in/hostile.tgz', 'tmp']);
    assert.equal(tree.some((p) => p.endsWith('-> link')), false, 'no link was created');
    assert.equal(existsSync('/etc/telltale-pwned'), false);
    assert.equal(existsSync(outsideMarker), false);
  });

  it('records one problem per skipped entry', () => {
    assert.match(problemFor(target, '../evil.js'), /climbs out/);
    assert.match(problemFor(target, 'package/../../evil2.js'), /climbs out/);
    assert.match(problemFor(target, absEvil), /absolute path/);
    assert.match(problemFor(target, 'etc'), /^symbolic link to "\/etc" skipped \(points outside the package\)$/);
    assert.match(problemFor(target, 'up'), /points outside/);
    assert.equal(problemFor(target, 'inner-link'), 'symbolic link to "index.js" skipped');
    assert.match(problemFor(target, 'hard'), /^hard link to "\.\.\/\.\.\/etc\/passwd" skipped \(points outside/);
    assert.equal(problemFor(target, 'tty'), 'device file skipped');
    assert.equal(problemFor(target, 'pipe'), 'FIFO skipped');
    assert.match(problemFor(target, 'top-level.js'), /outside the top folder/);
    assert.match(problemFor(target, '../pax-evil.js'), /^file skipped: path climbs out/);
    assert.equal(target.problems.length, 12, JSON.stringify(target.problems, null, 1));
  });

  it('removes its temp folder on dispose', async () => {
    const dir = target.files[0]!.diskPath!.replace(/\/etc\/telltale-pwned$/, '');
    assert.ok(existsSync(dir));
    await target.dispose();
    assert.equal(existsSync(dir), false);
    await target.dispose();
  });
});

describe('tarball limits and corruption', () => {
  let root: string;
  before(async () => {
    root = await tempRoot('limits');
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function acquireBytes(name: string, bytes: Buffer, limits = {}) {
    const path = join(root, name);
    await writeFile(path, bytes);
    return acquireTarget(path, { limits });
  }

  it('stops before an entry whose declared size exceeds maxUnpackedBytes', async () => {
    const t = await acquireBytes(
      'huge.tgz',
      tgz(
        [
          { name: 'package/a.js', content: 'a();' },
          { name: 'package/huge.bin', content: 'tiny', declaredSize: 4 * 1024 * 1024 * 1024 },
        ],
        Buffer.alloc(0),
      ),
      { maxUnpackedBytes: 1024 * 1024 },
    );
    try {
      assert.deepEqual(t.files.map((f) => f.path), ['a.js']);
      assert.equal(t.problems.length, 1);
      assert.match(problemFor(t, 'huge.bin'), /unpacking stopped: 4294967296 more bytes would exceed the limit of 1048576 bytes/);
    } finally {
      await t.dispose();
    }
  });

  it('counts bytes across entries', async () => {
    const big = 'x'.repeat(600);
    const t = await acquireBytes(
      'sum.tgz',
      tgz([1, 2, 3].map((i) => ({ name: `package/f${i}.txt`, content: big }))),
      { maxUnpackedBytes: 1500 },
    );
    try {
      assert.deepEqual(t.files.map((f) => f.path), ['f1.txt', 'f2.txt']);
      assert.match(problemFor(t, 'f3.txt'), /exceed the limit of 1500 bytes/);
    } finally {
      await t.dispose();
    }
  });

  it('stops after maxEntries entries', async () => {
    const entries = Array.from({ length: 10 }, (_, i) => ({ name: `package/f${i}.js`, content: `${i};` }));
    const t = await acquireBytes('many.tgz', tgz(entries), { maxEntries: 4 });
    try {
      assert.deepEqual(t.files.map((f) => f.path), ['f0.js', 'f1.js', 'f2.js', 'f3.js']);
      assert.deepEqual(t.problems, [{ file: 'package/f4.js', message: 'more than 4 entries; the rest of the tarball was not unpacked' }]);
    } finally {
      await t.dispose();
    }
  });

  it('stops a decompression bomb of metadata records', async () => {
    const junk = Array.from({ length: 4 }, () => ({ name: 'PaxHeader/x', type: 'x', content: 'A'.repeat(900_000) }));
    const t = await acquireBytes(
      'bomb.tgz',
      tgz([{ name: 'package/a.js', content: 'a();' }, ...junk, { name: 'package/b.js', content: 'b();' }]),
      { maxUnpackedBytes: 1000, maxEntries: 10 },
    );
    try {
      assert.deepEqual(t.files.map((f) => f.path), ['a.js']);
      assert.deepEqual(t.problems, [{ file: join(root, 'bomb.tgz'), message: 'unpacking stopped: archive decompresses to more than 1089512 bytes' }]);
    } finally {
      await t.dispose();
    }
  });

  it('stops reading at the end-of-archive blocks, ignoring what follows like npm', async () => {
    const archive = tar([{ name: 'package/a.js', content: 'a();' }]);
    const hidden = tar([{ name: 'package/hidden.js', content: 'never unpacked by npm' }]);
    let pulled = 0;
    function* chunks() {
      yield archive;
      for (let i = 0; i < 1000; i++, pulled++) yield Buffer.alloc(64 * 1024);
      yield hidden;
    }
    const dest = join(root, 'eof');
    await mkdir(dest);
    const problems = await unpackTarball(() => Readable.from(chunks()), archive.subarray(0, 512), dest, { maxUnpackedBytes: 1e9, maxEntries: 100 }, 'eof');
    assert.deepEqual(problems, []);
    assert.deepEqual(await listTree(dest), ['a.js']);
    assert.ok(pulled < 10, `read ${pulled} chunks past the end of the archive`);
  });

  it('skips an entry with a bad header checksum and keeps the rest', async () => {
    const good = (name: string) => entry({ name: `package/${name}`, content: `${name};` });
    const bad = header({ name: 'package/bad.js', content: 'x' });
    bad[148] = '7'.charCodeAt(0);
    const t = await acquireBytes('checksum.tgz', gzipSync(Buffer.concat([good('a.js'), bad, Buffer.alloc(512), good('b.js'), Buffer.alloc(1024)])));
    try {
      assert.deepEqual(t.files.map((f) => f.path), ['a.js', 'b.js']);
      assert.deepEqual(t.problems, [{ file: 'package/bad.js', message: 'invalid entry skipped: checksum failure' }]);
    } finally {
      await t.dispose();
    }
  });

  it('reads an uncompressed tar too', async () => {
    const t = await acquireBytes('plain.tar', tar([{ name: 'package/a.js', content: 'a();' }]));
    try {
      assert.deepEqual(t.files.map((f) => f.path), ['a.js']);
      assert.deepEqual(t.problems, []);
    } finally {
      await t.dispose();
    }
  });

  it('unpacks a tarball made by the tar library like npm pack does', async () => {
    const src = join(root, 'src');
    await mkdir(join(src, 'package', 'lib', 'sub'), { recursive: true });
    await writeFile(join(src, 'package', 'package.json'), '{"name":"@s/made","version":"2.0.0"}');
    await writeFile(join(src, 'package', 'lib', 'sub', 'x.mjs'), 'export {};');
    await create({ gzip: true, file: join(root, 'made.tgz'), cwd: src, portable: true }, ['package']);
    const t = await acquireTarget(join(root, 'made.tgz'));
    try {
      assert.deepEqual(t.files.map((f) => f.path), ['lib/sub/x.mjs', 'package.json']);
      assert.equal(t.info.name, '@s/made');
      assert.equal(t.info.version, '2.0.0');
      assert.deepEqual(t.problems, []);
    } finally {
      await t.dispose();
    }
  });

  const broken: [string, () => Buffer, RegExp][] = [
    ['garbage.tgz', () => Buffer.from('this is not an archive at all'.repeat(40)), /^cannot read tarball .*garbage\.tgz: not a gzip or tar archive$/],
    ['empty.tgz', () => Buffer.alloc(0), /garbage|not a gzip or tar archive/],
    ['gzip-garbage.tgz', () => gzipSync(Buffer.from('x'.repeat(5000))), /^cannot read tarball .*: Unrecognized archive format$/],
    ['truncated.tgz', () => tgz([{ name: 'package/a.js', content: 'a'.repeat(100_000) }]).subarray(0, 60), /^cannot read tarball .*truncated\.tgz: unexpected end of file$/],
    ['short-entry.tgz', () => tgz([{ name: 'package/a.js', content: 'abc', declaredSize: 5000 }], Buffer.alloc(0)), /Truncated input/],
  ];
  for (const [name, bytes, message] of broken) {
    it(`refuses ${name} with a one-line UserError`, async () => {
      const tmp = join(root, `tmp-${name}`);
      await mkdir(tmp);
      await assert.rejects(
        withTmpdir(tmp, () => acquireBytes(name, bytes())),
        (err: unknown) => err instanceof UserError && message.test(err.message) && !err.message.includes('\n'),
      );
      assert.deepEqual(await listTree(tmp), [], 'the temp folder is removed on failure');
    });
  }
});
