// The local worker pool: at most N audit processes at a time, one fresh process per job (src/bin/audit-job.ts).
import { fork, type ChildProcess } from 'node:child_process';
import type { AuditJob, JobMessage, JobOutcome, JobRequest, JobSettings } from './audit-job.js';

/** Where jobs run: the local pool or a queue. */
export interface JobBackend {
  /** Resolves when the job has finished or failed; never rejects for a failure of the job itself. */
  run(job: AuditJob, onProgress?: (msg: string) => void): Promise<JobOutcome>;
  close(): Promise<void>;
}

export interface PoolOptions {
  workers: number;
  settings: JobSettings;
  /** A job still running after this long is stopped and reported as failed. */
  jobTimeoutMs?: number;
  /** The script each process runs (default src/bin/audit-job.ts); tests substitute one that crashes. */
  entry?: URL;
}

const DEFAULT_JOB_TIMEOUT_MS = 60 * 60_000;
const STDERR_TAIL = 4096;

export class LocalPool implements JobBackend {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly children = new Set<ChildProcess>();
  private closed = false;

  constructor(private readonly opts: PoolOptions) {
    if (!(opts.workers >= 1)) throw new RangeError('a pool needs at least one worker');
  }

  async run(job: AuditJob, onProgress?: (msg: string) => void): Promise<JobOutcome> {
    if (this.running >= this.opts.workers) await new Promise<void>((r) => this.waiting.push(r));
    this.running++;
    try {
      return await this.runInChild(job, onProgress);
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  private runInChild(job: AuditJob, onProgress?: (msg: string) => void): Promise<JobOutcome> {
    const started = performance.now();
    const failed = (error: string): JobOutcome => ({ ok: false, error, analyzer: '', ms: Math.round(performance.now() - started) });
    if (this.closed) return Promise.resolve(failed('the pool was closed'));
    let child: ChildProcess;
    try {
      child = fork(this.opts.entry ?? new URL('../bin/audit-job.js', import.meta.url), [], { execArgv: [], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    } catch (e) {
      return Promise.resolve(failed(`cannot start an audit process: ${(e as Error).message}`));
    }
    this.children.add(child);
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (s: string) => {
      stderr = (stderr + s).slice(-STDERR_TAIL);
    });
    return new Promise<JobOutcome>((resolve) => {
      let outcome: JobOutcome | undefined;
      const timer = setTimeout(() => {
        outcome = failed(`the audit took longer than ${Math.round((this.opts.jobTimeoutMs ?? DEFAULT_JOB_TIMEOUT_MS) / 1000)} s and was stopped`);
        child.kill('SIGKILL');
      }, this.opts.jobTimeoutMs ?? DEFAULT_JOB_TIMEOUT_MS);
      child.on('message', (m: JobMessage) => {
        if (m.type === 'progress') onProgress?.(m.message);
        else if (m.type === 'done' && !outcome) {
          outcome = m.outcome;
          // It exits by itself after sending; one that lingers is not needed any more.
          setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
        }
      });
      child.on('error', (e) => {
        outcome ??= failed(`audit process error: ${e.message}`);
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        this.children.delete(child);
        resolve(outcome ?? failed(stoppedReason(code, signal, stderr)));
      });
      child.send({ job, settings: this.opts.settings } satisfies JobRequest);
    });
  }

  /** Stops every running audit (their jobs resolve as failed) and refuses new ones. */
  async close(): Promise<void> {
    this.closed = true;
    for (const r of this.waiting.splice(0)) r();
    const exits = [...this.children].map((c) => new Promise((r) => c.once('exit', r)));
    for (const c of this.children) c.kill('SIGKILL');
    await Promise.all(exits);
  }
}

/** Why an audit process ended without a result, in one line. */
export function stoppedReason(code: number | null, signal: NodeJS.Signals | null, stderr: string): string {
  if (/heap out of memory|Allocation failed/i.test(stderr)) return 'the audit process ran out of memory';
  const last = stderr.trim().split('\n').filter(Boolean).pop();
  const how = signal ? `was killed (${signal})` : `stopped with exit code ${code}`;
  return `the audit process ${how} before it reported a result${last ? `: ${last.slice(0, 300)}` : ''}`;
}
