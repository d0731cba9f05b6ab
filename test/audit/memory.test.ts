// The memory ceiling (issue 15): a file that needs more heap than the analysis thread has is stopped and reported as
// not analysed while the audit goes on; a huge list of names or numbers is analysed the cheap way and what was
// skipped is reported. Inputs are generated here. The peak RSS of the full-size inputs (62 MB and 50 MB
// lists, 20 MB template literals) is measured by the long fuzz run (bench/fuzz.ts), not by a default test.
import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { audit } from '../../src/audit/audit.js';
import { HUGE_LIST_FROM_CHARS, HUGE_LIST_MIN_ELEMENTS } from '../../src/parse/huge-lists.js';
import type { Report } from '../../src/model/report.js';
import { tempRoot } from '../acquire/tar-fixtures.js';
import { REGION_SNIPPET } from '../helpers/fixtures.js';

let root: string;
before(async () => {
  root = await tempRoot('memory');
});
after(() => rm(root, { recursive: true, force: true }));

async function pkg(name: string, main: string, files: Record<string, string>): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', main }));
  for (const [rel, text] of Object.entries(files)) await writeFile(join(dir, rel), text);
  return dir;
}

function at(report: Report, file: string): string[] {
  return report.findings.filter((f) => f.location.file === file).map((f) => f.ruleId);
}

/** `[{},{},…]`: a few characters per syntax-tree node, no list the cheap path takes; about 35 bytes of heap per character. */
function objectArray(chars: number): string {
  return `var x = [${'{},'.repeat(Math.ceil(chars / 3))}];\n`;
}

describe('memory ceiling', () => {
  it('a file over the analysis heap is stopped and reported; the audit goes on with the next file', async () => {
    const dir = await pkg('heavy', 'index.js', { 'index.js': objectArray(9_000_000), 'other.js': REGION_SNIPPET });
    const report = await audit(dir, { limits: { analysisHeapMb: 192 } });
    const oom = report.findings.find((f) => f.location.file === 'index.js' && f.ruleId === 'analysis-error');
    assert.ok(oom, JSON.stringify(report.findings.map((f) => [f.ruleId, f.location.file, f.message])));
    assert.match(oom.message, /ran out of memory.*192 MB/);
    assert.ok(at(report, 'other.js').includes('region-targeting'), 'the next file is analysed in a new thread');
    assert.deepEqual((report.stats.unanalysed ?? []).map((u) => [u.file, u.kind, u.entry]), [['index.js', 'analysis-error', true]]);
    const incomplete = report.findings.find((f) => f.ruleId === 'incomplete-analysis');
    assert.equal(incomplete?.severity, 'high');
  });

  it('a huge list of names: its tail is skipped and reported, the code around it is analysed', async () => {
    const names = Array.from({ length: HUGE_LIST_MIN_ELEMENTS * 8 }, (_, i) => `q_${i.toString(36)}`).join(',');
    const text = `var data = [${names}];\n${REGION_SNIPPET}`;
    assert.ok(text.length > HUGE_LIST_FROM_CHARS);
    const dir = await pkg('names', 'index.js', { 'index.js': text });
    const report = await audit(dir);
    const ids = at(report, 'index.js');
    assert.ok(ids.includes('region-targeting'), ids.join(','));
    const skipped = report.findings.find((f) => f.ruleId === 'data-skipped');
    assert.ok(skipped, ids.join(','));
    assert.deepEqual([skipped.location.line, skipped.location.column], [1, 13]);
    assert.match(skipped.message, /were not analysed/);
    assert.deepEqual((report.stats.unanalysed ?? []).map((u) => [u.file, u.kind, u.entry]), [['index.js', 'data-skipped', true]]);
    assert.ok(report.findings.some((f) => f.ruleId === 'incomplete-analysis'));
  });

  it('a huge list of numbers in a file that is not an entry: listed, not failed', async () => {
    const nums = Array.from({ length: HUGE_LIST_MIN_ELEMENTS * 6 }, (_, i) => String((i * 7919) % 1_000_003)).join(',');
    const dir = await pkg('numbers', 'index.js', { 'index.js': REGION_SNIPPET, 'table.js': `module.exports = [${nums}];\n` });
    const report = await audit(dir);
    assert.deepEqual(at(report, 'table.js'), ['data-skipped']);
    assert.deepEqual((report.stats.unanalysed ?? []).map((u) => [u.file, u.kind, u.entry]), [['table.js', 'data-skipped', false]]);
    assert.ok(!report.findings.some((f) => f.ruleId === 'incomplete-analysis'));
  });
});
