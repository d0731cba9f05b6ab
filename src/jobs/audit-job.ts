// The unit of work for history, diff, the lockfile audit and the queue: audit one package version. A job is
// idempotent: the same job audited by the same analyzer gives the same report, so a result can be cached under
// (tarball integrity, analyzer version, options) and a job can be retried or run on any machine.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Report } from '../model/report.js';

export interface AuditJob {
  /** An exact registry spec (`name@1.2.3`), or the path of a tarball the worker can read. */
  spec: string;
  /** The tarball's integrity (SRI) when known before fetching (from the packument or a lockfile). */
  integrity?: string;
  /** The platform build to follow for stub packages, `os-cpu[-musl]` or `all`. Resolved by whoever creates the job,
   *  so a worker on another machine audits the same build. */
  platform: string;
  /** Largest JavaScript file analysed, in MB; undefined for the default. */
  maxFileMb?: number;
}

/** Settings of the machine that runs the job; they do not change the report. */
export interface JobSettings {
  cacheDir?: string;
  offline?: boolean;
}

export type JobOutcome =
  | { ok: true; report: Report; analyzer: string; ms: number }
  | { ok: false; error: string; analyzer: string; ms: number };

export function defaultPlatform(): string {
  return `${process.platform}-${process.arch}`;
}

/** The options of a job that change its report, in one canonical string (part of the cache key). */
export function jobOptions(job: AuditJob): string {
  return [`platform=${job.platform}`, ...(job.maxFileMb !== undefined ? [`maxFileMb=${job.maxFileMb}`] : [])].join(';');
}

export function firstLineOf(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0]!.slice(0, 400);
}

/** Runs one job in this process. Failures are returned, never thrown: a job that fails is listed, not fatal. */
export async function runAuditJob(job: AuditJob, settings: JobSettings, analyzer: string, onProgress?: (msg: string) => void): Promise<JobOutcome> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  try {
    // Loaded here, in the process that runs the job: the commands that only create jobs (history, diff, a project)
    // do not need the analyser.
    const { audit } = await import('../audit/audit.js');
    const report = await audit(job.spec, {
      cacheDir: settings.cacheDir,
      offline: settings.offline,
      platform: job.platform,
      onProgress,
      limits: job.maxFileMb !== undefined ? { maxJsFileBytes: job.maxFileMb * 1024 * 1024 } : undefined,
    });
    if (job.integrity && report.target.integrity && report.target.integrity !== job.integrity) {
      return { ok: false, error: `the registry served a tarball with integrity ${report.target.integrity}, not the expected ${job.integrity}`, analyzer, ms: ms() };
    }
    return { ok: true, report, analyzer, ms: ms() };
  } catch (e) {
    return { ok: false, error: firstLineOf(e), analyzer, ms: ms() };
  }
}

/** What the pool sends an audit process (src/bin/audit-job.ts), and what it answers. */
export interface JobRequest {
  job: AuditJob;
  settings: JobSettings;
}

export type JobMessage = { type: 'progress'; message: string } | { type: 'done'; outcome: JobOutcome };

/** SRI sha512 of a file (tarballs given by path have no registry integrity). */
export function fileIntegrity(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha512');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(`sha512-${hash.digest('base64')}`));
  });
}
