// The audit pipeline's per-file limits, through its API (the CLI has no flag for the time budget).
import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { audit } from '../../src/audit/audit.js';
import { tempRoot } from '../acquire/tar-fixtures.js';
import { REGION_SNIPPET } from '../helpers/fixtures.js';

/** Many short base64-looking literals: each one is decoded and key-searched; about 2.5 s of analysis on an idle machine, 5 s on a busy one: at least 5x the budget below. */
function slowFile(count: number): string {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const bytes = Buffer.from(Array.from({ length: 60 + (i % 40) }, (_, j) => (j * 131 + i * 17 + 7) & 255));
    lines.push(`var a${i} = "${bytes.toString('base64')}";`);
  }
  return lines.join('\n');
}

describe('per-file time limit', () => {
  let root: string;
  before(async () => {
    root = await tempRoot('limits');
    await mkdir(join(root, 'pkg'));
    await writeFile(join(root, 'pkg', 'package.json'), JSON.stringify({ name: 'slow', version: '1.0.0' }));
    await writeFile(join(root, 'pkg', 'a-slow.js'), slowFile(60_000));
    await writeFile(join(root, 'pkg', 'b-good.js'), REGION_SNIPPET);
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('stops a file that runs over its budget, reports it, and audits the next file', async () => {
    // The budget counts from when the analysis thread is ready, so a busy machine's slow thread start
    // does not eat the next file's budget; the small file needs a few milliseconds of it.
    // The wall-clock backstop (by default 10x the budget, 5 s here) is raised far above it: on a machine busy enough
    // to give this process a few percent of a core, 5 s of wall time stopped the small file too (issue 8 stress run).
    const report = await audit(join(root, 'pkg'), { limits: { fileTimeMs: 500, fileWallMs: 600_000 } });
    const slow = report.findings.filter((f) => f.location.file === 'a-slow.js');
    assert.deepEqual(slow.map((f) => f.ruleId), ['time-limit']);
    assert.match(slow[0]!.message, /500 ms/);
    assert.ok(report.stats.limits.some((l) => l.startsWith('a-slow.js:') && /time limit/.test(l)), JSON.stringify(report.stats.limits));
    assert.ok(report.findings.some((f) => f.location.file === 'b-good.js' && f.ruleId === 'region-targeting'), JSON.stringify(report.stats.limits));
  });
});
