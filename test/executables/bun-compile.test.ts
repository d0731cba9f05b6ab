/**
 * Compiles real executables with the `bun` devDependency (its binary comes from the npm platform package, no
 * network at test time) and opens them. Skipped, with the reason, when no runnable bun binary is installed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, truncate, writeFile, open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { ContainerError, openExecutable, type ContainerResult } from '../../src/acquire/executables/index.js';
import { RangeReader } from '../../src/acquire/executables/reader.js';
import { findSection, parseImages } from '../../src/acquire/executables/image.js';
import { HANG_GUARD_MS } from '../cli/run-cli.js';

const run = promisify(execFile);

async function findBun(): Promise<{ bin: string; version: string } | string> {
  let pkgDir: string;
  try {
    pkgDir = dirname(createRequire(import.meta.url).resolve('bun/package.json'));
  } catch {
    return 'the bun devDependency is not installed';
  }
  for (const bin of [join(pkgDir, 'bin', 'bun.exe'), join(pkgDir, 'bin', 'bun')]) {
    try {
      const { stdout } = await run(bin, ['--version'], { timeout: HANG_GUARD_MS });
      return { bin, version: stdout.trim() };
    } catch {
      // try the next name
    }
  }
  return 'the bun package has no runnable binary here';
}

const APP = `import { helper } from './helper.js';\nconst marker = "MARKER_APP_" + helper(2);\nconsole.log(marker, Intl.DateTimeFormat().resolvedOptions().timeZone);\n`;
const HELPER = `export function helper(x) {\n  return "MARKER_HELPER_" + x * 21;\n}\n`;
const WORKER = `const reply = "MARKER_WORKER";\nself.onmessage = () => postMessage(reply);\n`;

const bun = await findBun();
const skip = typeof bun === 'string' ? bun : false;

describe('real bun build --compile executables', { skip }, () => {
  let dir: string;
  const built = new Map<string, { exe: string; expected: Map<string, string> }>();

  /** Compiles `app.js` + `worker.js` as two entry points and, for comparison, bundles them without --compile. */
  async function build(label: string, flags: string[]): Promise<void> {
    const { bin } = bun as { bin: string };
    const exe = join(dir, label);
    await run(bin, ['build', '--compile', ...flags, 'app.js', 'worker.js', '--outfile', exe], { cwd: dir, timeout: HANG_GUARD_MS });
    const outdir = join(dir, `${label}-plain`);
    await run(bin, ['build', '--target=bun', ...flags.filter((f) => f !== '--bytecode'), 'app.js', 'worker.js', '--outdir', outdir], { cwd: dir, timeout: HANG_GUARD_MS });
    const expected = new Map([
      [`/$bunfs/root/${label}`, await readFile(join(outdir, 'app.js'), 'latin1')],
      ['/$bunfs/root/worker.js', await readFile(join(outdir, 'worker.js'), 'latin1')],
    ]);
    built.set(label, { exe, expected });
  }

  const openBuilt = (label: string, display = `package/${label}`): Promise<ContainerResult> => {
    const exe = built.get(label)!.exe;
    return openExecutable({ path: display, size: 0, diskPath: exe, read: () => Promise.reject(new Error('not read whole')) });
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'telltale-bun-'));
    await writeFile(join(dir, 'app.js'), APP);
    await writeFile(join(dir, 'helper.js'), HELPER);
    await writeFile(join(dir, 'worker.js'), WORKER);
    await build('plain', []);
    await build('minified', ['--minify']);
    await build('bytecode', ['--bytecode']);
    const { bin } = bun as { bin: string };
    await run(bin, ['build', '--compile', '--sourcemap', 'app.js', '--outfile', join(dir, 'mapped')], { cwd: dir, timeout: HANG_GUARD_MS });
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  for (const label of ['plain', 'minified', 'bytecode']) {
    it(`${label}: lists both entry modules and returns their text verbatim`, async () => {
      const result = await openBuilt(label);
      assert.equal(result.kind, 'bun');
      // The trailer scan finds the graph the headers name, and the runtime's own copy of the trailer is no graph.
      assert.equal(result.hiddenFromHeaders, undefined);
      assert.equal(result.format, process.platform === 'darwin' ? 'macho' : process.platform === 'win32' ? 'pe' : 'elf');
      assert.equal(result.version, (bun as { version: string }).version);
      assert.deepEqual(
        result.modules.map((m) => [m.path, m.entryPoint]),
        [
          [`package/${label}!/$bunfs/root/${label}`, true],
          [`package/${label}!/$bunfs/root/worker.js`, false],
        ],
      );
      const markers = [['MARKER_APP_', 'MARKER_HELPER_', 'resolvedOptions().timeZone'], ['MARKER_WORKER']];
      for (const [i, m] of result.modules.entries()) {
        const text = (await m.read()).toString('latin1');
        assert.equal(text.length, m.size);
        const expected = built.get(label)!.expected.get(m.embeddedPath)!;
        // Bytecode builds put their own pragma line first; the bundled code after it is the same.
        const body = label === 'bytecode' ? expected.replace(/^\/\/ @bun[^\n]*\n/, '') : expected;
        if (label === 'bytecode') assert.ok(m.hasBytecode, `${m.path} carries bytecode`);
        else assert.equal(text, expected);
        const shift = text.indexOf(body);
        assert.ok(shift >= 0, `${m.path} contains the bundle verbatim`);
        for (const marker of markers[i]!) {
          assert.ok(body.indexOf(marker) >= 0, `${marker} is in the bundle`);
          assert.equal(text.indexOf(marker), shift + body.indexOf(marker), `${marker} offset in ${m.path}`);
        }
      }
    });
  }

  it('--sourcemap: the original sources come back byte for byte from the embedded map', async () => {
    const result = await openExecutable({ path: 'package/mapped', size: 0, diskPath: join(dir, 'mapped'), read: () => Promise.reject(new Error('not read whole')) });
    const originals = result.modules.filter((m) => m.origin === 'source-map');
    assert.deepEqual(originals.map((m) => m.path).sort(), ['package/mapped!/$bunfs/root/mapped!app.js', 'package/mapped!/$bunfs/root/mapped!helper.js']);
    const byName = new Map(await Promise.all(originals.map(async (m) => [m.path.split('!').pop()!, (await m.read()).toString()] as const)));
    assert.equal(byName.get('app.js'), APP);
    assert.equal(byName.get('helper.js'), HELPER);
    assert.deepEqual(originals.map((m) => m.size).sort(), [APP.length, HELPER.length].sort());
    assert.ok(result.notes.includes('2 original sources recovered from embedded source maps'), result.notes.join('\n'));
  });

  describe('damaged copies of a real executable', () => {
    let graphStart = 0;
    let graphLength = 0;
    let exe = '';
    const copies = join(tmpdir(), `telltale-bun-damaged-${process.pid}`);

    before(async () => {
      exe = built.get('plain')!.exe;
      await mkdir(copies, { recursive: true });
      const reader = await RangeReader.open(exe);
      try {
        const [image] = await parseImages(reader, 'elf');
        const section = findSection(image!, '.bun')!;
        graphStart = section.offset + 8;
        graphLength = Number((await reader.read(section.offset, 8)).readBigUInt64LE(0));
      } finally {
        await reader.close();
      }
    });
    after(async () => {
      await rm(copies, { recursive: true, force: true });
    });

    async function damaged(name: string, change: (path: string) => Promise<void>): Promise<ContainerResult> {
      const path = join(copies, name);
      await copyFile(exe, path);
      await change(path);
      return openExecutable({ path: `package/${name}`, size: 0, diskPath: path, read: () => Promise.reject(new Error('not read whole')) });
    }
    const patch = (at: number, bytes: Buffer) => async (path: string): Promise<void> => {
      const fh = await open(path, 'r+');
      try {
        await fh.write(bytes, 0, bytes.length, at);
      } finally {
        await fh.close();
      }
    };

    it('truncated inside the module graph and before it', { skip: process.platform !== 'linux' }, async () => {
      for (const at of [graphStart + Math.floor(graphLength / 2), graphStart - 4096, 1024]) {
        await assert.rejects(damaged(`cut-${at}`, (p) => truncate(p, at)), ContainerError, `cut at ${at}`);
      }
    });

    it('flipped trailer and offsets bytes', { skip: process.platform !== 'linux' }, async () => {
      const trailerAt = graphStart + graphLength - 16;
      await assert.rejects(damaged('trailer', patch(trailerAt + 3, Buffer.from('X'))), /no module graph trailer/);
      await assert.rejects(damaged('byte-count', patch(trailerAt - 32, Buffer.from([0xff, 0xff, 0xff, 0x7f]))), ContainerError);
      await assert.rejects(damaged('table', patch(trailerAt - 32 + 8, Buffer.from([0xf0, 0xff, 0xff, 0x0f]))), ContainerError);
    });
  });
});
