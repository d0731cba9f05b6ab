// AuditService: the cache decides what runs. An unchanged analyzer never audits the same tarball twice; a new one
// audits again; failures are returned, not cached; a worker running other code is not trusted.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AuditJob, JobOutcome } from '../../src/jobs/audit-job.js';
import { ResultCache } from '../../src/jobs/cache.js';
import type { JobBackend } from '../../src/jobs/pool.js';
import { AuditService } from '../../src/jobs/service.js';
import { emptyInventory } from '../../src/model/report.js';
import type { Finding } from '../../src/model/finding.js';
import { internalFinding } from '../../src/audit/analyze-file.js';
import { tempRoot } from '../acquire/tar-fixtures.js';

class CountingBackend implements JobBackend {
  runs: string[] = [];
  constructor(
    private readonly analyzer: string,
    private readonly fail = new Set<string>(),
    private readonly slow = new Set<string>(),
  ) {}
  async run(job: AuditJob): Promise<JobOutcome> {
    this.runs.push(job.spec);
    await new Promise((r) => setTimeout(r, 5));
    if (this.fail.has(job.spec)) return { ok: false, error: 'cannot fetch', analyzer: this.analyzer, ms: 1 };
    const [name, version] = job.spec.split('@') as [string, string];
    const location = { file: 'cli.js' };
    // A busy machine: the per-file time limit cut the audit of this one short.
    const findings: Finding[] = this.slow.has(job.spec) ? [internalFinding(location.file, 'time-limit', 't', 'stopped')] : [];
    return {
      ok: true,
      analyzer: this.analyzer,
      ms: 7,
      report: { tool: { name: 'telltale', version: '0' }, target: { spec: job.spec, kind: 'registry', name, version, integrity: job.integrity }, findings, inventory: emptyInventory(), stats: { files: 0, bytes: 0, ms: 7, limits: [] } },
    };
  }
  async close() {}
}

const job = (version: string): AuditJob => ({ spec: `pkg@${version}`, integrity: `sha512-${version}`, platform: 'linux-x64' });

describe('AuditService', () => {
  let root: string;
  before(async () => {
    root = await tempRoot('service');
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('audits once per analyzer version; a new analyzer audits again', async () => {
    const dir = join(root, 'cache');
    const run = async (analyzer: string) => {
      const backend = new CountingBackend(analyzer);
      const svc = new AuditService({ backend, cache: ResultCache.open(dir), analyzer });
      const statuses = await Promise.all(['1.0.0', '1.1.0'].map(async (v) => (await svc.audit(job(v))).status));
      await svc.close();
      return { statuses, runs: backend.runs.length };
    };
    assert.deepEqual(await run('0.1.0+aaa'), { statuses: ['audited', 'audited'], runs: 2 });
    assert.deepEqual(await run('0.1.0+aaa'), { statuses: ['cached', 'cached'], runs: 0 });
    assert.deepEqual(await run('0.2.0+bbb'), { statuses: ['audited', 'audited'], runs: 2 });
    assert.deepEqual(await run('0.1.0+aaa'), { statuses: ['cached', 'cached'], runs: 0 });
  });

  it('the same job asked twice at once runs once', async () => {
    const backend = new CountingBackend('x');
    const svc = new AuditService({ backend, cache: ResultCache.open(join(root, 'dedupe')), analyzer: 'x' });
    const [a, b] = await Promise.all([svc.audit(job('3.0.0')), svc.audit(job('3.0.0'))]);
    await svc.close();
    assert.deepEqual([a.status, b.status, backend.runs.length], ['audited', 'audited', 1]);
  });

  it('failures are returned with their reason and not cached', async () => {
    const dir = join(root, 'fail');
    for (let i = 0; i < 2; i++) {
      const backend = new CountingBackend('x', new Set(['pkg@4.0.0']));
      const svc = new AuditService({ backend, cache: ResultCache.open(dir), analyzer: 'x' });
      const r = await svc.audit(job('4.0.0'));
      await svc.close();
      assert.equal(r.status, 'failed');
      assert.equal(r.status === 'failed' && r.error, 'cannot fetch');
      assert.equal(backend.runs.length, 1, 'a failed job is tried again on the next run');
    }
  });

  it('an audit cut short by the time limit is returned as incomplete and audited again next time', async () => {
    const dir = join(root, 'slow');
    for (let i = 0; i < 2; i++) {
      const backend = new CountingBackend('x', new Set(), new Set(['pkg@6.0.0']));
      const svc = new AuditService({ backend, cache: ResultCache.open(dir), analyzer: 'x' });
      const r = await svc.audit(job('6.0.0'));
      await svc.close();
      assert.equal(r.status, 'audited');
      assert.deepEqual(r.status === 'audited' && r.incomplete, ['cli.js: per-file time limit']);
      assert.equal(backend.runs.length, 1);
    }
  });

  it('a result from another analyzer (a stale queue worker) is refused and not cached', async () => {
    const dir = join(root, 'stale');
    const svc = new AuditService({ backend: new CountingBackend('old'), cache: ResultCache.open(dir), analyzer: 'new' });
    const r = await svc.audit(job('5.0.0'));
    await svc.close();
    assert.equal(r.status, 'failed');
    assert.match(r.status === 'failed' ? r.error : '', /analyzer old, not new/);
    const c = ResultCache.open(dir);
    assert.equal(c.count(), 0);
    c.close();
  });
});
