// Evaluates decoder functions extracted from untrusted packages. The code runs in QuickJS
// (WebAssembly) inside a worker thread: QuickJS enforces the memory limit and a deadline, and the
// worker is terminated when a call overruns its deadline anyway.
import { Worker } from 'node:worker_threads';
import type { EvalResult, SandboxLimits } from './sandbox-engine.js';
import type { SandboxRequest, SandboxResponse } from './sandbox-worker.js';

export { DEFAULT_SANDBOX_LIMITS, type EvalResult, type SandboxLimits, type StopReason } from './sandbox-engine.js';
import { DEFAULT_SANDBOX_LIMITS } from './sandbox-engine.js';

export type EvalDecoder = (code: string, args: (string | number)[], limits?: SandboxLimits) => Promise<EvalResult>;

export interface Sandbox {
  evalDecoder: EvalDecoder;
  /** Stops the worker thread; later calls fail with an error result. */
  dispose(): Promise<void>;
}

const MAX_CODE_CHARS = 256 * 1024;
/** Time for the worker to start and load the WebAssembly module, granted on top of a call's limit. */
const STARTUP_GRACE_MS = 5000;
/** Slack past the in-engine deadline before the worker is killed. */
const KILL_GRACE_MS = 300;
/** The host-side heap of the worker: the QuickJS memory limit lives inside its WebAssembly memory. */
const WORKER_HEAP_MB = 256;

/** A sandbox whose worker and WebAssembly module start on the first call and are reused. */
export function createSandbox(): Sandbox {
  let worker: Worker | undefined;
  let warm = false;
  let disposed = false;
  let nextId = 1;
  let queue: Promise<unknown> = Promise.resolve();

  function start(): Worker {
    const w = new Worker(new URL('./sandbox-worker.js', import.meta.url), {
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
      stdout: true,
      stderr: true,
    });
    // Emscripten prints aborts to stderr; they are reported through the result instead.
    w.stdout.resume();
    w.stderr.resume();
    w.unref();
    return w;
  }

  function kill(w: Worker): void {
    if (worker === w) {
      worker = undefined;
      warm = false;
    }
    void w.terminate();
  }

  function call(code: string, args: (string | number)[], limits: Required<SandboxLimits>): Promise<EvalResult> {
    let w: Worker;
    try {
      w = worker ??= start();
    } catch (e) {
      return Promise.resolve({ ok: false, error: `sandbox: cannot start worker: ${e instanceof Error ? e.message : String(e)}`.slice(0, 200) });
    }
    const id = nextId++;
    const budget = limits.ms + KILL_GRACE_MS + (warm ? 0 : STARTUP_GRACE_MS);
    return new Promise<EvalResult>((resolve) => {
      const done = (result: EvalResult): void => {
        clearTimeout(timer);
        w.off('message', onMessage);
        w.off('error', onError);
        w.off('exit', onExit);
        resolve(result);
      };
      const onMessage = (msg: SandboxResponse): void => {
        if (msg.id !== id) return;
        warm = true;
        done(msg.result);
      };
      const onError = (e: Error): void => {
        kill(w);
        const oom = (e as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';
        done({ ok: false, error: `sandbox: worker failed: ${e.message}`.slice(0, 200), ...(oom ? { stopped: 'memory' as const } : {}) });
      };
      const onExit = (): void => {
        kill(w);
        done({ ok: false, error: 'sandbox: worker exited' });
      };
      const timer = setTimeout(() => {
        kill(w);
        done({ ok: false, error: `time limit exceeded (${limits.ms} ms wall clock)`, stopped: 'time' });
      }, budget);
      w.on('message', onMessage);
      w.on('error', onError);
      w.on('exit', onExit);
      w.postMessage({ id, code, args, limits } satisfies SandboxRequest);
    });
  }

  const evalDecoder: EvalDecoder = (code, args, limits) => {
    if (disposed) return Promise.resolve({ ok: false, error: 'sandbox: disposed' });
    if (code.length > MAX_CODE_CHARS) {
      return Promise.resolve({ ok: false, error: `decoder: longer than ${MAX_CODE_CHARS} characters` });
    }
    const resolved: Required<SandboxLimits> = {
      ticks: limits?.ticks ?? DEFAULT_SANDBOX_LIMITS.ticks,
      ms: limits?.ms ?? DEFAULT_SANDBOX_LIMITS.ms,
      memoryBytes: limits?.memoryBytes ?? DEFAULT_SANDBOX_LIMITS.memoryBytes,
    };
    // One call at a time, so that each deadline measures that call alone.
    const result = queue.then(() => (disposed ? { ok: false as const, error: 'sandbox: disposed' } : call(code, args, resolved)));
    queue = result.catch(() => undefined);
    return result;
  };

  return {
    evalDecoder,
    async dispose() {
      disposed = true;
      const w = worker;
      worker = undefined;
      if (w) await w.terminate();
    },
  };
}

/** What all decoder calls for one file may cost together, far below the file's own time limit. */
export interface FileDecoderBudget {
  /** Calls stopped by their time or memory limit; after this many, no more calls run for the file. */
  maxStops: number;
  /** Wall-clock time of all calls together, milliseconds (a backstop: each call's own work budget stops it first). */
  maxMs: number;
}

export const DEFAULT_FILE_DECODER_BUDGET: FileDecoderBudget = { maxStops: 2, maxMs: 15_000 };

/**
 * One file's view of the sandbox: the same calls, until the file's decoder budget is spent; then every call
 * answers at once with `stopped: 'budget'`. A file full of decoders that never finish costs seconds, not minutes,
 * and the rest of its analysis goes on.
 */
export function budgetedDecoder(evalDecoder: EvalDecoder, budget: FileDecoderBudget = DEFAULT_FILE_DECODER_BUDGET): EvalDecoder {
  let stops = 0;
  let spentMs = 0;
  return async (code, args, limits) => {
    if (stops >= budget.maxStops || spentMs >= budget.maxMs) {
      const why = stops >= budget.maxStops ? `${stops} decoder calls were stopped` : `${Math.round(spentMs)} ms spent in decoders`;
      return { ok: false, error: `the file's decoder budget is spent (${why})`, stopped: 'budget' };
    }
    const started = performance.now();
    const result = await evalDecoder(code, args, limits);
    spentMs += performance.now() - started;
    if (!result.ok && (result.stopped === 'time' || result.stopped === 'memory')) stops++;
    return result;
  };
}
