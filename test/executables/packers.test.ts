import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openExecutable, type ContainerResult } from '../../src/acquire/executables/index.js';
import { audit } from '../../src/audit/audit.js';
import { mkdir } from 'node:fs/promises';
import { buildElf, buildMacho, buildPe } from './fixtures.js';

let dir: string;
let counter = 0;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'telltale-packers-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function openBuffer(buf: Buffer): Promise<ContainerResult> {
  const diskPath = join(dir, `exe-${counter++}`);
  await writeFile(diskPath, buf);
  return openExecutable({ path: 'bin/tool', size: buf.length, diskPath, read: () => Promise.reject(new Error('not read whole')) });
}

const base = buildElf([{ name: '.text', data: Buffer.alloc(4096, 0x90) }]);
const f64 = (n: number): Buffer => {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(n);
  return b;
};

describe('runtimes we recognise but cannot open', () => {
  const cases: [string, Buffer, ContainerResult['kind']][] = [
    ['nexe sentinel and sizes at the end', Buffer.concat([base, Buffer.from('console.log(1)'), Buffer.from('<nexe~~sentinel>'), f64(14), f64(0)]), 'nexe'],
    ['deno compile trailer', Buffer.concat([base, Buffer.alloc(2048, 7), Buffer.from('d3n0l4nd'), Buffer.alloc(32)]), 'deno'],
    ['deno compile section (Mach-O)', buildMacho([{ name: 'd3n0l4nd', segment: '__DATA', data: Buffer.alloc(64) }]), 'deno'],
    ['pkg payload appended to a big executable', Buffer.concat([base, Buffer.alloc(2 * 1024 * 1024), Buffer.from('/snapshot/app/index.js\0pkg/prelude/bootstrap.js'), Buffer.alloc(2 * 1024 * 1024)]), 'pkg'],
  ];
  for (const [label, buf, kind] of cases) {
    it(label, async () => {
      const result = await openBuffer(buf);
      assert.equal(result.kind, kind);
      assert.deepEqual(result.modules, []);
      assert.equal(result.notes.length, 1);
      assert.match(result.notes[0]!, new RegExp(`^contains a packed ${kind} runtime we cannot open \\(`));
    });
  }

  it('the same strings inside the described image are not a packer', async () => {
    const inside = buildPe([{ name: '.rdata', data: Buffer.concat([Buffer.alloc(2 * 1024 * 1024), Buffer.from('pkg/prelude'), Buffer.alloc(2 * 1024 * 1024)]) }]);
    const result = await openBuffer(inside);
    assert.equal(result.kind, 'none');
  });
});

describe('audit of a package carrying a packed runtime', () => {
  it('reports it as a packed-runtime finding ranked by the policy', async () => {
    const pkg = join(dir, 'pkg-with-nexe');
    await mkdir(join(pkg, 'bin'), { recursive: true });
    await writeFile(join(pkg, 'package.json'), JSON.stringify({ name: 'packed-tool', version: '1.0.0', bin: { tool: 'bin/tool' } }));
    await writeFile(join(pkg, 'bin', 'tool'), Buffer.concat([base, Buffer.from('console.log(1)'), Buffer.from('<nexe~~sentinel>'), f64(14), f64(0)]));
    const report = await audit(pkg, { offline: true });
    const f = report.findings.filter((x) => x.ruleId === 'packed-runtime');
    assert.deepEqual(f.map((x) => [x.severity, x.policy.row, x.location.file]), [['medium', 'packed-runtime', 'bin/tool']]);
  });
});
