// Every limit of one audit: what acquiring may unpack (acquire/types.ts) and what analysing one file may cost.
import { DEFAULT_ACQUIRE_LIMITS, type AcquireLimits } from '../acquire/types.js';

export interface AnalysisLimits {
  /** Largest single file analysed as JavaScript. */
  maxJsFileBytes: number;
  /** Deepest AST nesting walked before the walker stops descending. */
  maxAstDepth: number;
  /** Per-file analysis budget in milliseconds of the analysis thread's CPU time (wall clock where that cannot be read). */
  fileTimeMs: number;
  /**
   * Heap (V8 old generation) of the thread that analyses one file at a time. Past it the file is stopped and reported
   * as not analysed; with the rest of the process (main thread, decoder sandbox, young generation) the auditor stays
   * under 2 GB. 22 MB of ordinary bundled code needs about 0.9 GB.
   */
  analysisHeapMb: number;
  /**
   * Wall-clock backstop of one file's analysis (default `fileTimeMs` × 10): a thread that waits, or gets almost no
   * share of a very busy machine, is not kept forever. A test that asserts a CPU-time stop raises it, so that the
   * machine's load cannot stop a file the CPU budget would not.
   */
  fileWallMs?: number;
}

export type Limits = AcquireLimits & AnalysisLimits;

export const DEFAULT_LIMITS: Limits = {
  ...DEFAULT_ACQUIRE_LIMITS,
  maxJsFileBytes: 64 * 1024 * 1024,
  maxAstDepth: 2_000,
  fileTimeMs: 120_000,
  analysisHeapMb: 1280,
};
