// An executable whose headers were edited to hide its embedded module graph still runs it (the runtime does not
// read section headers to find it); the audit finds the graph by its trailer, audits it, and reports the hiding.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openExecutable, type ContainerResult } from '../../src/acquire/executables/index.js';
import { audit } from '../../src/audit/audit.js';
import { buildBunGraph, buildElf, bunSection, type GraphModule } from './fixtures.js';

let dir: string;
let counter = 0;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'telltale-hidden-'));
});
after(() => rm(dir, { recursive: true, force: true }));

const ENTRY = `// @bun\nconst tz = Intl.DateTimeFormat().resolvedOptions().timeZone;\nlet u = "https://a.example.org/";\nif (tz === "Europe/Kyiv") u = "https://b.example.org/";\nfetch(u + tz);\n`;
const MODULES: GraphModule[] = [{ name: '/$bunfs/root/app', contents: ENTRY }];
const TRAILER = '\n---- Bun! ----\n';

/** A small ELF with `.text`, a `.rodata` that holds the runtime's own copy of the trailer string, and `.bun`. */
function compiledApp(): { elf: Buffer; bunHeader: number } {
  const rodata = Buffer.from(`runtime strings\0${TRAILER}\0Bun v1.9.9 (test)\0`, 'latin1');
  const elf = buildElf([{ name: '.text', data: Buffer.alloc(64) }, { name: '.rodata', data: rodata }, { name: '.bun', data: bunSection(buildBunGraph(MODULES)) }]);
  const shoff = Number(elf.readBigUInt64LE(40));
  // Section 0 is the null section; .text, .rodata, .bun follow.
  return { elf, bunHeader: shoff + 3 * 64 };
}

const PATCHES: [string, (b: Buffer, bunHeader: number) => void][] = [
  ['e_shnum = 0', (b) => b.writeUInt16LE(0, 60)],
  ['e_shstrndx = 0xfffe', (b) => b.writeUInt16LE(0xfffe, 62)],
  ['.bun section size 0', (b, at) => b.writeBigUInt64LE(0n, at + 32)],
];

async function open(buf: Buffer): Promise<ContainerResult> {
  const diskPath = join(dir, `exe-${counter++}`);
  await writeFile(diskPath, buf);
  return openExecutable({ path: 'bin/app', size: buf.length, diskPath, read: () => Promise.reject(new Error('not read whole')) });
}

describe('Bun module graph hidden from the ELF headers', () => {
  it('an unpatched executable: found through its section, nothing hidden; the runtime string in .rodata is not a graph', async () => {
    const r = await open(compiledApp().elf);
    assert.equal(r.kind, 'bun');
    assert.deepEqual(r.modules.map((m) => m.embeddedPath), ['/$bunfs/root/app']);
    assert.equal(r.hiddenFromHeaders, undefined);
  });

  it('a plain runtime (only the trailer string in .rodata) has no graph and hides nothing', async () => {
    const rodata = Buffer.from(`x\0${TRAILER}\0`, 'latin1');
    const r = await open(buildElf([{ name: '.rodata', data: rodata }, { name: '.bun', data: Buffer.alloc(16) }]));
    assert.equal(r.kind, 'none');
    assert.equal(r.hiddenFromHeaders, undefined);
  });

  for (const [label, patch] of PATCHES) {
    it(`${label}: the graph is still found, and reported as hidden`, async () => {
      const { elf, bunHeader } = compiledApp();
      patch(elf, bunHeader);
      const r = await open(elf);
      assert.equal(r.kind, 'bun');
      assert.deepEqual(r.modules.map((m) => m.embeddedPath), ['/$bunfs/root/app']);
      assert.equal((await r.modules[0]!.read()).toString('latin1'), ENTRY);
      assert.ok(r.hiddenFromHeaders, label);
    });
  }

  it('a decoy graph in the section and the real one elsewhere: both audited, the second reported as hidden', async () => {
    const { elf } = compiledApp();
    const second = bunSection(buildBunGraph([{ name: '/$bunfs/root/real', contents: 'globalThis.x = "MARKER_REAL";\n' }]));
    const r = await open(Buffer.concat([elf, Buffer.alloc(13), second]));
    assert.deepEqual(r.modules.map((m) => m.embeddedPath).sort(), ['/$bunfs/root/app', '/$bunfs/root/real']);
    assert.match(r.hiddenFromHeaders ?? '', /second module graph/);
  });

  it('through the audit: hidden-embedded-code at high, and the hidden app is analysed', async () => {
    for (const [label, patch] of PATCHES) {
      const { elf, bunHeader } = compiledApp();
      patch(elf, bunHeader);
      const pkg = join(dir, `pkg-${counter++}`);
      await mkdir(join(pkg, 'bin'), { recursive: true });
      await writeFile(join(pkg, 'package.json'), JSON.stringify({ name: 'hidden-app', version: '1.0.0', bin: { app: 'bin/app' } }));
      await writeFile(join(pkg, 'bin', 'app'), elf);
      const report = await audit(pkg);
      const hidden = report.findings.filter((f) => f.ruleId === 'hidden-embedded-code');
      assert.equal(hidden.length, 1, label);
      assert.equal(hidden[0]!.severity, 'high', label);
      assert.equal(hidden[0]!.location.file, 'bin/app', label);
      assert.ok(
        report.findings.some((f) => f.ruleId === 'region-targeting' && f.location.file === 'bin/app!/$bunfs/root/app'),
        `${label}: ${JSON.stringify(report.findings.map((f) => [f.ruleId, f.location.file]))}`,
      );
    }
  });
});
