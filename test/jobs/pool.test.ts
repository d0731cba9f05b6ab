// The local pool: one process per job, at most N at once; a process that dies or hangs becomes a failed job with
// its reason; a real audit of a tarball built here comes back as a report.
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LocalPool, stoppedReason } from '../../src/jobs/pool.js';
import { tempRoot, tgz } from '../acquire/tar-fixtures.js';

const FAKE = new URL('./fixtures/fake-job.js', import.meta.url);
const job = (spec: string) => ({ spec, platform: 'linux-x64' });

describe('LocalPool', () => {
  let root: string;
  before(async () => {
    root = await tempRoot('pool');
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('runs at most `workers` jobs at once', async () => {
    const pool = new LocalPool({ workers: 2, settings: {}, entry: FAKE });
    const outs = await Promise.all([0, 1, 2, 3].map(() => pool.run(job('sleep:300'))));
    await pool.close();
    const spans = outs.map((o) => {
      assert.ok(o.ok);
      return o.report.target.spec.split('-').map(Number) as [number, number];
    });
    for (const [start] of spans) {
      const running = spans.filter(([s, e]) => s <= start && start < e).length;
      assert.ok(running <= 2, `${running} jobs ran at once`);
    }
  });

  it('a process that dies is a failed job with the reason it printed', async () => {
    const pool = new LocalPool({ workers: 1, settings: {}, entry: FAKE });
    const out = await pool.run(job('crash'));
    await pool.close();
    assert.equal(out.ok, false);
    assert.equal(!out.ok && out.error, 'the audit process stopped with exit code 3 before it reported a result: something broke badly');
  });

  it('a process that hangs is stopped at the job time limit', async () => {
    const pool = new LocalPool({ workers: 1, settings: {}, entry: FAKE, jobTimeoutMs: 500 });
    const out = await pool.run(job('hang'));
    await pool.close();
    assert.equal(!out.ok && out.error, 'the audit took longer than 1 s and was stopped');
  });

  it('out of memory is named as such', () => {
    assert.equal(stoppedReason(null, 'SIGABRT', 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory'), 'the audit process ran out of memory');
  });

  it('audits a real tarball in its own process', async () => {
    const path = join(root, 'tool.tgz');
    const js = 'const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;\nconst base = zone === "Europe/Minsk" ? "https://by.example.org" : "https://www.example.org";\nfetch(base + "/ping");\n';
    await writeFile(path, tgz([{ name: 'package/package.json', content: '{"name":"tool","version":"3.2.1"}' }, { name: 'package/main.js', content: js }]));
    const pool = new LocalPool({ workers: 1, settings: {} });
    const out = await pool.run(job(path));
    await pool.close();
    assert.ok(out.ok, !out.ok ? out.error : '');
    assert.equal(out.report.target.version, '3.2.1');
    assert.deepEqual(out.report.findings.filter((f) => f.severity === 'high').map((f) => [f.ruleId, f.location.file]), [['region-targeting', 'main.js']]);
    assert.match(out.analyzer, /^\d+\.\d+\.\d+\+[0-9a-f]{12}$/);
  });
});
