// Worker thread hosting the QuickJS module, so that the parent can enforce a hard wall-clock limit
// by terminating the thread (QuickJS's interrupt handler is not consulted inside long native
// operations such as garbage collection near the memory limit).
import { parentPort } from 'node:worker_threads';
import { newQuickJSWASMModule, type QuickJSWASMModule } from 'quickjs-emscripten';
import { ModuleAbortedError, runInRuntime, type EvalResult, type SandboxLimits } from './sandbox-engine.js';

export interface SandboxRequest {
  id: number;
  code: string;
  args: (string | number)[];
  limits: Required<SandboxLimits>;
}

export interface SandboxResponse {
  id: number;
  result: EvalResult;
}

function serve(): void {
  const port = parentPort;
  if (!port) throw new Error('sandbox-worker must run as a worker thread');
  let mod: Promise<QuickJSWASMModule> | undefined;

  const handle = async (req: SandboxRequest): Promise<void> => {
    let result: EvalResult;
    try {
      mod ??= newQuickJSWASMModule();
      result = runInRuntime(await mod, req.code, req.args, req.limits);
    } catch (e) {
      if (e instanceof ModuleAbortedError) mod = undefined;
      result = { ok: false, error: `sandbox: ${e instanceof Error ? e.message : String(e)}`.slice(0, 200) };
    }
    port.postMessage({ id: req.id, result } satisfies SandboxResponse);
  };
  // handle() answers every request, failures included; nothing is left to reject.
  port.on('message', (req: SandboxRequest) => void handle(req));
}

serve();
