// Audits through the result cache: what was audited before by the same analyzer is read back, the rest runs on a
// backend (the local pool or the queue) and is written to the cache as soon as it finishes. This is the one entry
// point for every command that audits many package versions (history, bisect, diff, the lockfile audit).
import { existsSync, statSync } from 'node:fs';
import type { Report } from '../model/report.js';
import { fileIntegrity, jobOptions, type AuditJob } from './audit-job.js';
import type { CacheKey, ResultCache } from './cache.js';
import type { JobBackend } from './pool.js';

export type AuditResult =
  | { job: AuditJob; status: 'cached' | 'audited'; report: Report; ms: number; /** Load-dependent limits hit (see below); such a result is not cached. */ incomplete?: string[] }
  | { job: AuditJob; status: 'failed'; error: string; ms: number };

/**
 * Limits whose outcome depends on the machine rather than on the package: the per-file time limit (a busy machine
 * or several audits at once slow each file down) and running out of memory. A report that hit one is incomplete:
 * it is returned, but not cached, so the next run audits that release again instead of trusting a partial answer
 * forever. Deterministic limits (file size, nesting depth) are part of the answer and are cached.
 */
export function loadDependentLimits(report: Report): string[] {
  return report.findings
    .filter((f) => f.ruleId === 'time-limit' || (f.ruleId === 'analysis-error' && /out of memory|thread stopped/i.test(f.message)))
    .map((f) => `${f.location.file}: ${f.ruleId === 'time-limit' ? 'per-file time limit' : f.message}`);
}

export interface AuditServiceOptions {
  backend: JobBackend;
  /** null: nothing is read from or written to a cache. */
  cache: ResultCache | null;
  analyzer: string;
}

export class AuditService {
  private readonly inFlight = new Map<string, Promise<AuditResult>>();

  constructor(private readonly opts: AuditServiceOptions) {}

  /** The report for `job`, from the cache or from a new audit. A failed audit is returned, not thrown, and not cached. */
  async audit(job: AuditJob, onProgress?: (msg: string) => void): Promise<AuditResult> {
    const key = await this.keyOf(job);
    if (!key || !this.opts.cache) return this.runOnBackend(job, undefined, onProgress);
    const id = `${key.integrity}\0${key.analyzer}\0${key.options}`;
    const running = this.inFlight.get(id);
    if (running) return running;
    const hit = this.opts.cache.get(key);
    if (hit) return { job, status: 'cached', report: hit.report, ms: hit.ms };
    const p = this.runOnBackend(job, key, onProgress).finally(() => this.inFlight.delete(id));
    this.inFlight.set(id, p);
    return p;
  }

  private async runOnBackend(job: AuditJob, key: CacheKey | undefined, onProgress?: (msg: string) => void): Promise<AuditResult> {
    const out = await this.opts.backend.run(job, onProgress);
    if (!out.ok) return { job, status: 'failed', error: out.error, ms: out.ms };
    if (out.analyzer !== this.opts.analyzer) {
      // A queue worker running other code would fill the cache with reports this analyzer did not produce.
      return { job, status: 'failed', error: `audited by analyzer ${out.analyzer}, not ${this.opts.analyzer}: update the worker`, ms: out.ms };
    }
    const incomplete = loadDependentLimits(out.report);
    if (incomplete.length) return { job, status: 'audited', report: out.report, ms: out.ms, incomplete };
    if (key && this.opts.cache) {
      const integrity = out.report.target.integrity ?? key.integrity;
      this.opts.cache.put({ ...key, integrity }, out.report, out.ms);
    }
    return { job, status: 'audited', report: out.report, ms: out.ms };
  }

  /** Cache key of a job: registry jobs carry their integrity, tarballs are hashed; folders and files are not cached. */
  private async keyOf(job: AuditJob): Promise<CacheKey | undefined> {
    let integrity = job.integrity;
    if (!integrity && /\.(tgz|tar\.gz|tar)$/i.test(job.spec) && existsSync(job.spec) && statSync(job.spec).isFile()) {
      integrity = await fileIntegrity(job.spec);
    }
    return integrity ? { integrity, analyzer: this.opts.analyzer, options: jobOptions(job) } : undefined;
  }

  async close(): Promise<void> {
    await this.opts.backend.close();
    this.opts.cache?.close();
  }
}
