import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { ContainerError, openExecutable, type ContainerResult } from '../../src/acquire/executables/index.js';
import { buildElf, buildMacho, buildPe, buildSeaBlob } from './fixtures.js';
import { HANG_GUARD_MS } from '../cli/run-cli.js';

const run = promisify(execFile);
const MAIN = `const marker = "SEA_MARKER_" + (6 * 7);\nrequire("https").get("https://metrics.example/" + process.platform);\n`;
const ASSET = `module.exports = "SEA_ASSET_MARKER";\n`;

let dir: string;
let counter = 0;
let nodeBlob: Buffer | undefined;
let nodeBlobProblem = '';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'telltale-sea-'));
  await writeFile(join(dir, 'main.js'), MAIN);
  await writeFile(join(dir, 'helper.js'), ASSET);
  await writeFile(join(dir, 'notes.txt'), 'plain text asset');
  const config = { main: 'main.js', output: 'sea-prep.blob', disableExperimentalSEAWarning: true, assets: { 'helper.js': 'helper.js', 'notes.txt': 'notes.txt' } };
  await writeFile(join(dir, 'sea-config.json'), JSON.stringify(config));
  try {
    await run(process.execPath, ['--experimental-sea-config', 'sea-config.json'], { cwd: dir, timeout: HANG_GUARD_MS });
    nodeBlob = await readFile(join(dir, 'sea-prep.blob'));
  } catch (err) {
    nodeBlobProblem = `this node cannot write SEA blobs: ${(err as Error).message.split('\n')[0]}`;
  }
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function openBuffer(buf: Buffer): Promise<ContainerResult> {
  const diskPath = join(dir, `exe-${counter++}`);
  await writeFile(diskPath, buf);
  return openExecutable({ path: 'bin/app', size: buf.length, diskPath, read: () => Promise.reject(new Error('not read whole')) });
}

async function assertSea(result: ContainerResult, format: string, mainName: string): Promise<void> {
  assert.equal(result.kind, 'node-sea');
  assert.equal(result.format, format);
  assert.deepEqual(
    result.modules.map((m) => [m.path, m.entryPoint]),
    [
      [`bin/app!${mainName}`, true],
      ['bin/app!helper.js', false],
    ],
  );
  assert.equal((await result.modules[0]!.read()).toString(), MAIN);
  assert.equal((await result.modules[1]!.read()).toString().indexOf('SEA_ASSET_MARKER'), ASSET.indexOf('SEA_ASSET_MARKER'));
  assert.ok(result.notes.includes('1 non-script assets left out'), result.notes.join('\n'));
}

describe('Node SEA blob written by this node, placed where postject puts it', () => {
  it('ELF note', async (t) => {
    if (!nodeBlob) return t.skip(nodeBlobProblem);
    await assertSea(await openBuffer(buildElf([{ name: '.text', data: Buffer.alloc(32) }], [{ name: 'NODE_SEA_BLOB', desc: nodeBlob }])), 'elf', 'main.js');
  });
  it('Mach-O __NODE_SEA segment', async (t) => {
    if (!nodeBlob) return t.skip(nodeBlobProblem);
    await assertSea(await openBuffer(buildMacho([{ name: '__NODE_SEA_BLOB', segment: '__NODE_SEA', data: nodeBlob }])), 'macho', 'main.js');
  });
  it('PE RCDATA resource', async (t) => {
    if (!nodeBlob) return t.skip(nodeBlobProblem);
    await assertSea(await openBuffer(buildPe([{ name: '.text', data: Buffer.alloc(32) }], { name: 'NODE_SEA_BLOB', data: nodeBlob })), 'pe', 'main.js');
  });
});

describe('SEA header generations', () => {
  for (const extra of [0, 1, 2] as const) {
    it(`${extra} header byte(s) after the flags`, async () => {
      const blob = buildSeaBlob({ codePath: '/home/dev/app/main.js', main: MAIN, assets: { 'helper.js': ASSET, 'notes.txt': 'x' }, extraHeaderBytes: extra });
      await assertSea(await openBuffer(buildElf([], [{ name: 'NODE_SEA_BLOB', desc: blob }])), 'elf', '/home/dev/app/main.js');
    });
  }

  it('before Node 20.3 the code ran bare to the end of the blob', async () => {
    const head = Buffer.alloc(8);
    head.writeUInt32LE(0x0143da20, 0);
    const result = await openBuffer(buildElf([], [{ name: 'NODE_SEA_BLOB', desc: Buffer.concat([head, Buffer.from(MAIN)]) }]));
    assert.deepEqual(result.modules.map((m) => m.path), ['bin/app!main.js']);
    assert.equal((await result.modules[0]!.read()).toString(), MAIN);
  });

  it('a startup snapshot is reported, not exposed as source', async () => {
    const blob = buildSeaBlob({ main: 'not javascript', flags: 2 });
    const result = await openBuffer(buildElf([], [{ name: 'NODE_SEA_BLOB', desc: blob }]));
    assert.equal(result.kind, 'node-sea');
    assert.deepEqual(result.modules, []);
    assert.ok(result.notes.some((n) => n.includes('V8 startup snapshot')), result.notes.join('\n'));
  });

  it('ELF notes aligned to 8 bytes, as x86-64 GNU property notes are: read in place, the blob found after one', async () => {
    const property = Buffer.alloc(16, 0xab);
    const plain = await openBuffer(buildElf([{ name: '.text', data: Buffer.alloc(32) }], [{ name: 'GNU', desc: property }], 8));
    assert.equal(plain.kind, 'none');
    const blob = buildSeaBlob({ main: MAIN, codePath: '/home/dev/app/main.js', assets: { 'helper.js': ASSET, 'notes.txt': 'plain text asset' } });
    await assertSea(await openBuffer(buildElf([], [{ name: 'GNU', desc: property }, { name: 'NODE_SEA_BLOB', desc: blob }], 8)), 'elf', '/home/dev/app/main.js');
  });

  it('a note that does run past its 8-aligned area is a ContainerError', async () => {
    const elf = buildElf([], [{ name: 'GNU', desc: Buffer.alloc(16) }], 8);
    const area = elf.indexOf(Buffer.from('GNU\0', 'latin1')) - 12;
    elf.writeUInt32LE(24, area + 4);
    await assert.rejects(openBuffer(elf), ContainerError);
  });

  it('bad magic or lengths are a ContainerError', async () => {
    const good = buildSeaBlob({ main: MAIN });
    const badMagic = Buffer.from(good);
    badMagic[0] ^= 1;
    const badLength = Buffer.from(good);
    badLength.writeBigUInt64LE(1n << 40n, 9 + 8 + '/build/main.js'.length);
    for (const blob of [badMagic, badLength, good.subarray(0, 6)]) {
      await assert.rejects(openBuffer(buildElf([], [{ name: 'NODE_SEA_BLOB', desc: blob }])), ContainerError);
    }
  });
});

describe('real SEA injected with postject', () => {
  it('opens the main script of an injected copy of this node', { timeout: 600_000 }, async (t) => {
    if (!nodeBlob) return t.skip(nodeBlobProblem);
    if (process.platform !== 'linux') return t.skip('postject injection is exercised on Linux only');
    let cli: string;
    try {
      cli = join(dirname(createRequire(import.meta.url).resolve('postject/package.json')), 'dist', 'cli.js');
    } catch {
      return t.skip('the postject devDependency is not installed');
    }
    const exe = join(dir, 'app');
    await copyFile(process.execPath, exe);
    await run(process.execPath, [cli, exe, 'NODE_SEA_BLOB', join(dir, 'sea-prep.blob'), '--sentinel-fuse', 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2'], { timeout: 600_000 });
    const result = await openExecutable({ path: 'bin/app', size: 0, diskPath: exe, read: () => Promise.reject(new Error('not read whole')) });
    await assertSea(result, 'elf', 'main.js');
  });
});
