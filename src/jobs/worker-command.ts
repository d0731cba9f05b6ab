// `telltale worker --redis <url>`: processes audit jobs from the queue until stopped (SIGINT or SIGTERM), or with
// `--dead-letters` prints the jobs that failed every attempt and exits.
import { defaultCacheDir } from '../acquire/index.js';
import { UserError } from '../model/errors.js';
import { parseCommandArgs } from '../model/cli-args.js';
import { analyzerVersion } from './analyzer-version.js';
import { deadLetters, startQueueWorker } from './queue.js';

export interface WorkerIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** Resolves when the process is asked to stop; injected so tests need not send signals to themselves. */
  stopSignal?: Promise<void>;
}

function stopRequested(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export async function workerCommand(args: string[], io: WorkerIo): Promise<number> {
  const parsed = parseCommandArgs(
    'worker',
    args,
    {
        redis: { type: 'string' },
        concurrency: { type: 'string', default: '1' },
        cache: { type: 'string' },
        offline: { type: 'boolean', default: false },
        'lock-seconds': { type: 'string', default: '30' },
        name: { type: 'string' },
        'dead-letters': { type: 'boolean', default: false },
        format: { type: 'string', default: 'text' },
    },
    false,
  );
  const v = parsed.values;
  if (!v.redis) throw new UserError('worker needs --redis <url>, e.g. --redis redis://127.0.0.1:6379');
  const concurrency = Number(v.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new UserError('--concurrency needs a whole number from 1 to 64');
  const lockSeconds = Number(v['lock-seconds']);
  if (!(lockSeconds >= 1 && lockSeconds <= 3600)) throw new UserError('--lock-seconds needs a number from 1 to 3600');

  if (v['dead-letters']) {
    const dead = await deadLetters(v.redis);
    if (v.format === 'json') io.stdout(JSON.stringify(dead, null, 2) + '\n');
    else if (dead.length === 0) io.stdout('The dead-letter list is empty.\n');
    else for (const d of dead) io.stdout(`${d.spec}  ${d.attempts} attempt${d.attempts === 1 ? '' : 's'}  ${d.failedAt ?? ''}  ${d.error}\n`);
    return 0;
  }

  const log = (line: string) => io.stderr(`${new Date().toISOString()} ${line}\n`);
  const stop = io.stopSignal ?? stopRequested();
  const worker = await startQueueWorker({
    url: v.redis,
    concurrency,
    settings: { cacheDir: v.cache ?? defaultCacheDir(), offline: v.offline === true },
    analyzer: analyzerVersion(),
    lockMs: lockSeconds * 1000,
    ...(v.name ? { name: v.name } : {}),
    log,
  });
  log(`worker${v.name ? ` ${v.name}` : ''} ready: ${v.redis}, ${concurrency} at a time, analyzer ${analyzerVersion()}`);
  await stop;
  log('stopping');
  await worker.stop();
  return 0;
}
