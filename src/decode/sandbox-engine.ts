// One decoder call inside QuickJS compiled to WebAssembly: a fresh runtime with its own memory
// limit, stack limit and deadline, the prelude's Buffer/atob shims, and nothing else from the host
// (no require, process, fetch, timers or file system).
import { shouldInterruptAfterDeadline, type QuickJSContext, type QuickJSHandle, type QuickJSWASMModule } from 'quickjs-emscripten';
import { SANDBOX_PRELUDE } from './sandbox-prelude.js';

export interface SandboxLimits {
  /**
   * Work budget for one call, prelude included, in interrupt checks: QuickJS consults its interrupt
   * handler about every 10,000 operations (loop iterations, calls). Counting work instead of time
   * makes the outcome the same on a busy machine as on an idle one.
   */
  ticks?: number;
  /** Wall-clock backstop for one call (the work budget normally stops it long before). */
  ms?: number;
  memoryBytes?: number;
}

/** Why a call was stopped rather than failing on its own: it ran out of work budget or time, or of memory. */
export type StopReason = 'time' | 'memory';

export type EvalResult = { ok: true; value: string } | { ok: false; error: string; stopped?: StopReason | 'budget' };
// About 0.2 s of a tight loop on an idle machine of the project's kind; the wall-clock backstop is far
// above what that work takes even when the machine is loaded.
export const DEFAULT_SANDBOX_LIMITS: Required<SandboxLimits> = { ticks: 150, ms: 5_000, memoryBytes: 32 * 1024 * 1024 };
const MAX_STACK_BYTES = 512 * 1024;
const MAX_RESULT_CHARS = 1 << 20;
const MAX_ERROR_CHARS = 200;

function errorText(ctx: QuickJSContext, handle: QuickJSHandle): string {
  let text: string;
  try {
    const dumped: unknown = ctx.dump(handle);
    if (dumped && typeof dumped === 'object' && 'message' in dumped) {
      const { name, message } = dumped as { name?: unknown; message?: unknown };
      text = `${typeof name === 'string' ? name : 'Error'}: ${String(message)}`;
    } else text = String(dumped);
  } catch {
    text = 'unprintable error';
  }
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}…` : text;
}

export function runInRuntime(
  mod: QuickJSWASMModule,
  code: string,
  args: (string | number)[],
  limits: Required<SandboxLimits>,
): EvalResult {
  const runtime = mod.newRuntime();
  const handles: QuickJSHandle[] = [];
  let ctx: QuickJSContext | undefined;
  let interrupted = false;
  /** A failure, marked as a stop when the budget or the memory limit ended it. */
  const failed = (error: string): EvalResult => {
    const stopped: StopReason | undefined = interrupted ? 'time' : /out of memory/i.test(error) ? 'memory' : undefined;
    return stopped ? { ok: false, error, stopped } : { ok: false, error };
  };
  try {
    runtime.setMemoryLimit(limits.memoryBytes);
    runtime.setMaxStackSize(MAX_STACK_BYTES);
    const deadline = shouldInterruptAfterDeadline(Date.now() + limits.ms);
    let ticks = 0;
    runtime.setInterruptHandler((rt) => {
      interrupted = ++ticks > limits.ticks || deadline(rt) === true;
      return interrupted;
    });
    ctx = runtime.newContext();
    const c = ctx;
    const step = (r: ReturnType<QuickJSContext['evalCode']>, what: string): QuickJSHandle | EvalResult => {
      if (r.error) {
        handles.push(r.error);
        return failed(`${what}: ${errorText(c, r.error)}`);
      }
      handles.push(r.value);
      return r.value;
    };
    const isResult = (x: QuickJSHandle | EvalResult): x is EvalResult => 'ok' in x;

    const coerce = step(c.evalCode(SANDBOX_PRELUDE, 'prelude.js'), 'prelude');
    if (isResult(coerce)) return coerce;

    // A function declaration or expression, parenthesised to make it a value; otherwise a script
    // whose completion value is the function.
    let fn = step(c.evalCode(`(${code}\n)`, 'decoder.js'), 'decoder');
    if (isResult(fn)) fn = step(c.evalCode(code, 'decoder.js'), 'decoder');
    if (isResult(fn)) return fn;
    if (c.typeof(fn) !== 'function') return { ok: false, error: 'decoder: code does not evaluate to a function' };

    const argHandles = args.map((a) => (typeof a === 'number' ? c.newNumber(a) : c.newString(a)));
    handles.push(...argHandles);
    const value = step(c.callFunction(fn, c.undefined, ...argHandles), 'call');
    if (isResult(value)) return value;
    const text = step(c.callFunction(coerce, c.undefined, value), 'result');
    if (isResult(text)) return text;
    if (c.typeof(text) !== 'string') return { ok: false, error: 'result: not a string' };
    const s = c.getString(text);
    if (s.length > MAX_RESULT_CHARS) return { ok: false, error: `result: longer than ${MAX_RESULT_CHARS} characters` };
    return { ok: true, value: s };
  } catch (e) {
    // The engine itself failed (out of memory while creating a value on the host side, ...).
    return failed(`sandbox: ${e instanceof Error ? e.message : String(e)}`.slice(0, MAX_ERROR_CHARS));
  } finally {
    for (const h of handles) if (h.alive) h.dispose();
    ctx?.dispose();
    // QuickJS asserts (and aborts the whole WebAssembly instance) when a runtime that hit a stack
    // overflow still lists objects; the caller learns through ModuleAbortedError and starts afresh.
    try {
      runtime.dispose();
    } catch (e) {
      // eslint-disable-next-line no-unsafe-finally -- an aborted WebAssembly instance must replace any result
      throw new ModuleAbortedError(e instanceof Error ? e.message : String(e));
    }
  }
}

/** The WebAssembly instance aborted; it must not be used again. */
export class ModuleAbortedError extends Error {
  override name = 'ModuleAbortedError';
}

