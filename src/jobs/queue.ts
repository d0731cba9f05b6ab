// Queue mode: the same audit jobs run by BullMQ workers on Redis, on any number of machines. The coordinator
// (`history … --queue <url>`) adds the jobs its cache does not hold and stores what comes back in its own SQLite
// cache; `telltale worker --redis <url>` processes them, each in its own audit process (the local pool).
// BullMQ provides what a home-made queue would get wrong: a job whose worker dies is found stalled when its lock
// expires and handed to another worker; a job that fails is retried with backoff; one that keeps failing stays in
// the queue's failed set, the dead-letter list, with its error.
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Job, Queue, QueueEvents, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Report } from '../model/report.js';
import { UserError } from '../model/errors.js';
import { firstLineOf, jobOptions, type AuditJob, type JobOutcome, type JobSettings } from './audit-job.js';
import { LocalPool, type JobBackend } from './pool.js';

export const QUEUE_NAME = 'telltale-audit';
/** Attempts per job before it goes to the dead-letter list. */
export const ATTEMPTS = 3;
const RETRY_DELAY_MS = 1_000;

interface QueueJobData {
  job: AuditJob;
  /** The coordinator's analyzer version: a worker running other code refuses the job instead of answering. */
  analyzer: string;
}

/** What a worker returns: the report compressed (reports of large tools are megabytes of JSON). */
interface PackedOutcome {
  analyzer: string;
  ms: number;
  report: string;
}

/**
 * One PING with no reconnection: BullMQ's own connections retry forever (right for a worker riding out a Redis
 * restart, wrong for a user who mistyped the URL), so reachability is checked first.
 */
async function ping(url: string, timeoutMs: number): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    throw new UserError(`cannot reach Redis at ${url}: ${firstLineOf(e)}`);
  } finally {
    client.disconnect();
  }
}

export function checkRedisUrl(url: string): { url: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UserError(`not a Redis URL: ${url} (expected redis://host:port)`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new UserError(`not a Redis URL: ${url} (expected redis://host:port)`);
  return { url };
}

/** One job per (package version, analyzer, options): adding it twice is a no-op, and a finished job answers at once. */
export function queueJobId(job: AuditJob, analyzer: string): string {
  return createHash('sha256').update([job.integrity ?? '', job.spec, jobOptions(job), analyzer].join('\0')).digest('hex').slice(0, 40);
}

/** The coordinator's side: a JobBackend whose jobs run wherever workers are. */
export class QueueBackend implements JobBackend {
  private readonly queue: Queue;
  private readonly events: QueueEvents;

  /** Connects, or says in one line that Redis cannot be reached. */
  static async open(url: string, analyzer: string, timeoutMs = 10_000): Promise<QueueBackend> {
    await ping(checkRedisUrl(url).url, timeoutMs);
    const backend = new QueueBackend(url, analyzer);
    await Promise.all([backend.queue.waitUntilReady(), backend.events.waitUntilReady()]);
    return backend;
  }

  private constructor(url: string, private readonly analyzer: string) {
    const connection = checkRedisUrl(url);
    this.queue = new Queue(QUEUE_NAME, { connection, streams: { events: { maxLen: 1_000 } } });
    this.events = new QueueEvents(QUEUE_NAME, { connection });
    this.events.setMaxListeners(0);
    // A connection error is retried by ioredis; without a listener it would also be thrown as an unhandled event.
    this.queue.on('error', () => {});
    this.events.on('error', () => {});
  }

  async run(job: AuditJob): Promise<JobOutcome> {
    const started = performance.now();
    const failed = (error: string): JobOutcome => ({ ok: false, error, analyzer: '', ms: Math.round(performance.now() - started) });
    const id = queueJobId(job, this.analyzer);
    try {
      const old = await Job.fromId(this.queue, id);
      // A dead letter from an earlier run is tried again: its cause (the network, a registry outage) may be gone.
      if (old && (await old.isFailed())) await old.remove();
      const added = await this.queue.add(job.spec, { job, analyzer: this.analyzer } satisfies QueueJobData, {
        jobId: id,
        attempts: ATTEMPTS,
        backoff: { type: 'exponential', delay: RETRY_DELAY_MS },
        removeOnComplete: { age: 24 * 3600 },
        removeOnFail: false,
      });
      const packed = (await added.waitUntilFinished(this.events)) as PackedOutcome;
      return { ok: true, analyzer: packed.analyzer, ms: packed.ms, report: JSON.parse(gunzipSync(Buffer.from(packed.report, 'base64')).toString('utf8')) as Report };
    } catch (e) {
      const attempts = await Job.fromId(this.queue, id).then((j) => j?.attemptsMade, () => undefined);
      return failed(`${firstLineOf(e)}${attempts ? ` (after ${attempts} attempt${attempts > 1 ? 's' : ''}; kept in the dead-letter list)` : ''}`);
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.events.close(), this.queue.close()]);
  }
}

export interface QueueWorkerOptions {
  url: string;
  concurrency: number;
  settings: JobSettings;
  analyzer: string;
  /** How long a job's lock lasts without renewal; a dead worker's job is taken over after about this long. */
  lockMs: number;
  name?: string;
  log: (line: string) => void;
}

/** The worker's side: processes jobs until `stop()` is called. */
export async function startQueueWorker(o: QueueWorkerOptions): Promise<{ stop(): Promise<void> }> {
  const pool = new LocalPool({ workers: o.concurrency, settings: o.settings });
  const worker = new Worker(
    QUEUE_NAME,
    async (bull: Job<QueueJobData>) => {
      const { job, analyzer } = bull.data;
      if (analyzer !== o.analyzer) throw new UnrecoverableError(`this worker runs analyzer ${o.analyzer}, the job was made for ${analyzer}`);
      o.log(`auditing ${job.spec} (attempt ${bull.attemptsMade + 1} of ${ATTEMPTS})`);
      const out = await pool.run(job);
      if (!out.ok) throw new Error(out.error);
      o.log(`done ${job.spec} in ${(out.ms / 1000).toFixed(1)} s`);
      return { analyzer: out.analyzer, ms: out.ms, report: gzipSync(JSON.stringify(out.report)).toString('base64') } satisfies PackedOutcome;
    },
    {
      connection: checkRedisUrl(o.url),
      concurrency: o.concurrency,
      lockDuration: o.lockMs,
      stalledInterval: o.lockMs,
      maxStalledCount: 2,
      ...(o.name ? { name: o.name } : {}),
    },
  );
  worker.on('error', (e) => o.log(`queue error: ${firstLineOf(e)}`));
  worker.on('failed', (j, e) => o.log(`failed ${j?.data.job.spec ?? '?'}: ${firstLineOf(e)}`));
  await worker.waitUntilReady();
  return {
    async stop() {
      // Jobs in progress are not failed: their locks lapse and another worker takes them over.
      await worker.close(true);
      await pool.close();
    },
  };
}

export interface DeadLetter {
  spec: string;
  attempts: number;
  error: string;
  failedAt?: string;
}

/** The dead-letter list: jobs that failed every attempt, or were refused. */
export async function deadLetters(url: string): Promise<DeadLetter[]> {
  const queue = new Queue(QUEUE_NAME, { connection: checkRedisUrl(url) });
  queue.on('error', () => {});
  try {
    const failed = await queue.getFailed();
    return failed.map((j) => ({
      spec: (j.data as QueueJobData).job.spec,
      attempts: j.attemptsMade,
      error: j.failedReason ?? '',
      ...(j.finishedOn ? { failedAt: new Date(j.finishedOn).toISOString() } : {}),
    }));
  } finally {
    await queue.close();
  }
}
