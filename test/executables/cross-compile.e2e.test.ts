/**
 * TELLTALE_E2E=1 only: `bun build --compile --target=...` downloads the other platforms' runtimes from the npm
 * registry, then the Mach-O and PE executables it writes are opened like the native one.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { openExecutable } from '../../src/acquire/executables/index.js';

const run = promisify(execFile);
const e2e = process.env.TELLTALE_E2E === '1';

describe('cross-compiled Bun executables (TELLTALE_E2E=1, needs the npm registry)', { skip: e2e ? false : 'set TELLTALE_E2E=1' }, () => {
  let dir: string;
  let bun: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'telltale-cross-'));
    bun = join(dirname(createRequire(import.meta.url).resolve('bun/package.json')), 'bin', 'bun.exe');
    await writeFile(join(dir, 'app.js'), 'console.log("MARKER_CROSS", Intl.DateTimeFormat().resolvedOptions().timeZone);\n');
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const targets = [
    ['bun-darwin-arm64', 'app-mac', 'macho', '/$bunfs/root/app-mac'],
    ['bun-windows-x64', 'app.exe', 'pe', 'B:/~BUN/root/app.exe'],
    ['bun-linux-x64-musl', 'app-musl', 'elf', '/$bunfs/root/app-musl'],
  ] as const;
  for (const [target, out, format, name] of targets) {
    it(target, { timeout: 300_000 }, async () => {
      await run(bun, ['build', '--compile', `--target=${target}`, 'app.js', '--outfile', out], { cwd: dir, timeout: 300_000 });
      const result = await openExecutable({ path: out, size: 0, diskPath: join(dir, out), read: () => Promise.reject(new Error('not read whole')) });
      assert.equal(result.kind, 'bun');
      assert.equal(result.format, format);
      assert.deepEqual(result.modules.map((m) => m.embeddedPath), [name]);
      assert.ok((await result.modules[0]!.read()).toString().includes('"MARKER_CROSS"'));
      assert.match(result.version ?? '', /^\d+\.\d+\.\d+/);
    });
  }
});
