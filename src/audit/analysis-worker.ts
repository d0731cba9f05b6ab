// Worker thread that analyses one JavaScript file at a time for the audit. It exists for two reasons:
// a thread's stack size can be chosen (the main thread's ~1 MB lets a long `a.b.b.b…` chain exhaust the parser or
// the walker, which would leave the whole file unanalysed), and a thread can be stopped when a file's analysis
// exceeds its time budget (measured in this thread's CPU time, see thread-cpu.ts).
import { parentPort } from 'node:worker_threads';
import { analyzeJsWithSandbox } from './analyze-file.js';
import { PHASE, READY, type AnalysisRequest, type AnalysisResponse, type PhaseMessage, type ReadyMessage } from './worker-messages.js';
import { currentThreadStatPath } from './thread-cpu.js';
import { createSandbox, type Sandbox } from '../decode/sandbox.js';

// Decoders extracted from the package run in QuickJS (its own worker, started on first use).
let sandbox: Sandbox | null = null;

async function handle(req: AnalysisRequest): Promise<void> {
  let res: AnalysisResponse;
  try {
    sandbox ??= createSandbox();
    const onPhase = req.phases ? (phase: PhaseMessage['phase']) => parentPort!.postMessage({ type: PHASE, id: req.id, phase } satisfies PhaseMessage) : undefined;
    res = { id: req.id, ok: true, result: await analyzeJsWithSandbox(req.file, req.text, { maxAstDepth: req.maxAstDepth, ...(onPhase ? { onPhase } : {}), ...(req.chunkExports ? { chunkExports: req.chunkExports } : {}) }, sandbox.evalDecoder) };
  } catch (e) {
    res = { id: req.id, ok: false, error: String((e as Error)?.message ?? e).split('\n')[0]!.slice(0, 300) };
  }
  parentPort!.postMessage(res);
}

// handle() reports every failure as a response; nothing is left to reject.
parentPort?.on('message', (req: AnalysisRequest) => void handle(req));

parentPort?.postMessage({ type: READY, statPath: currentThreadStatPath() } satisfies ReadyMessage);
