// diff, history and bisect on the releases of a real AI coding CLI. Opt-in: TELLTALE_E2E=1. Downloads tens of
// releases (the later ones ship a ~380 MB executable in a platform package), cached in $TELLTALE_CACHE or
// ~/.cache/telltale, results in results.sqlite there: a second run takes seconds. Measured numbers: bench/README.md.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CLI } from '../cli/run-cli.js';

const ENABLED = process.env.TELLTALE_E2E === '1';
const SKIP = ENABLED ? false : 'set TELLTALE_E2E=1 to run: audits dozens of real releases from the npm registry (GBs, an hour cold)';
const CACHE = process.env.TELLTALE_CACHE || join(homedir(), '.cache', 'telltale');
const PKG = '@anthropic-ai/claude-code';
const KIND = 'covert-channel-mechanism';

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args, '--cache', CACHE, '--quiet', '--platform', 'linux-x64'], { maxBuffer: 512 * 1024 * 1024, timeout: 4 * 3600_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

interface Added {
  findings: { added: { ruleId: string; severity: string }[]; removed: { ruleId: string; severity: string }[] };
}

describe('over time on real releases (TELLTALE_E2E=1)', { skip: SKIP, timeout: 5 * 3600_000 }, () => {
  it('diff 2.1.90 → 2.1.91: the covert channel is the one new high/critical finding (exit 1); reversed it is removed (exit 0)', async () => {
    const up = await cli('diff', `${PKG}@2.1.90`, `${PKG}@2.1.91`, '--format', 'json');
    assert.equal(up.code, 1, up.stderr);
    const serious = (JSON.parse(up.stdout) as Added).findings.added.filter((f) => f.severity === 'critical' || f.severity === 'high');
    assert.deepEqual(serious.map((f) => `${f.severity} ${f.ruleId}`), [`critical ${KIND}`]);
    const down = await cli('diff', `${PKG}@2.1.91`, `${PKG}@2.1.90`, '--format', 'json');
    assert.equal(down.code, 0, down.stderr);
    assert.ok((JSON.parse(down.stdout) as Added).findings.removed.some((f) => f.ruleId === KIND));
  });

  it('history >=2.1.85 <=2.1.112: the mechanism is present from 2.1.91 on; a re-run audits nothing', async () => {
    const args = ['history', PKG, '--range', '>=2.1.85 <=2.1.112', '--format', 'json'];
    const r = await cli(...args);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    const h = JSON.parse(r.stdout) as { releases: { version: string; status: string }[]; timeline: { ruleId: string; present: string[] }[] };
    const audited = h.releases.filter((x) => x.status !== 'failed').map((x) => x.version);
    const covert = h.timeline.find((t) => t.ruleId === KIND);
    assert.ok(covert, 'the covert channel is in the timeline');
    assert.equal(covert.present[0], '2.1.91');
    assert.deepEqual(covert.present, audited.slice(audited.indexOf('2.1.91')), 'present in every release from 2.1.91 on');
    const again = JSON.parse((await cli(...args)).stdout) as { releases: { status: string }[] };
    assert.deepEqual([...new Set(again.releases.map((x) => x.status))].filter((st) => st !== 'failed'), ['cached']);
  });

  it('--bisect over >=2.1.80 <=2.1.250 names 2.1.91 as first and 2.1.197 as last, in O(log n) audits', async () => {
    const r = await cli('history', PKG, '--range', '>=2.1.80 <=2.1.250', '--bisect', KIND, '--format', 'json');
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    const b = JSON.parse(r.stdout) as { first: string; last: string; audits: number; releases: number; before: { version: string; presence: string }; after: { version: string; presence: string } };
    assert.equal(b.first, '2.1.91');
    assert.equal(b.last, '2.1.197');
    assert.equal(b.before.presence, 'absent');
    assert.equal(b.after.presence, 'absent');
    assert.ok(b.audits <= 4 * Math.ceil(Math.log2(b.releases)) + 6, `${b.audits} audits for ${b.releases} releases`);
  });
});
