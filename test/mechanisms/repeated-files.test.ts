// Identical findings in identical files are reported once, with every location (chunk files, copies).
import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { audit } from '../../src/audit/audit.js';
import { tempRoot } from '../acquire/tar-fixtures.js';

const CHUNK =
  'const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;\n' +
  'let b = "https://a.example.com";\n' +
  'if (tz === "Asia/Shanghai") b = "https://m.example.cn";\n' +
  'fetch(b);\n';

describe('repeated files', () => {
  let root: string;
  before(async () => {
    root = await tempRoot('repeated');
    await mkdir(join(root, 'pkg', 'dist', 'chunks'), { recursive: true });
    await writeFile(join(root, 'pkg', 'package.json'), JSON.stringify({ name: 'chunks', version: '1.0.0' }));
    await writeFile(join(root, 'pkg', 'dist', 'chunks', 'a.js'), CHUNK);
    await writeFile(join(root, 'pkg', 'dist', 'chunks', 'b.js'), CHUNK);
    // The same code after a different prefix: not an identical file, the same finding at another line.
    await writeFile(join(root, 'pkg', 'dist', 'chunks', 'c.js'), '// build 2\n' + CHUNK);
    // Different code: its own finding.
    await writeFile(join(root, 'pkg', 'dist', 'other.js'), CHUNK.replace('Asia/Shanghai', 'Europe/Moscow'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('reports a finding of identical files once, with every location in alsoAt', async () => {
    const report = await audit(join(root, 'pkg'));
    const found = report.findings.filter((f) => f.ruleId === 'region-targeting');
    assert.deepEqual(
      found.map((f) => [f.location.file, f.location.line, (f.alsoAt ?? []).map((l) => `${l.file}:${l.line}`)]),
      [
        ['dist/chunks/a.js', 3, ['dist/chunks/b.js:3', 'dist/chunks/c.js:4']],
        ['dist/other.js', 3, []],
      ],
    );
    assert.equal(report.stats.files, 4);
  });
});
