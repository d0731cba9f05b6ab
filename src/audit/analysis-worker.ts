// Worker thread that analyses one JavaScript file at a time for the audit. It exists for two reasons:
// a thread's stack size can be chosen (the main thread's ~1 MB lets a long `a.b.b.b…` chain exhaust the parser or
// the walker, which would leave the whole file unanalysed), and a thread can be stopped when a file's analysis
// exceeds its time budget.
import { parentPort } from 'node:worker_threads';
import { analyzeJs, type FileResult } from '../analyze/analyze-file.js';

export interface AnalysisRequest {
  id: number;
  file: string;
  text: string;
  maxAstDepth: number;
}

export type AnalysisResponse = { id: number; ok: true; result: FileResult } | { id: number; ok: false; error: string };

parentPort?.on('message', (req: AnalysisRequest) => {
  let res: AnalysisResponse;
  try {
    res = { id: req.id, ok: true, result: analyzeJs(req.file, req.text, { maxAstDepth: req.maxAstDepth }) };
  } catch (e) {
    res = { id: req.id, ok: false, error: String((e as Error)?.message ?? e).split('\n')[0]!.slice(0, 300) };
  }
  parentPort!.postMessage(res);
});
