// What the audit and its analysis thread (analysis-worker.ts) say to each other.
import type { FileResult } from './analyze-file.js';
import type { PackageExports } from '../analyze/package/chunk-exports.js';

export interface AnalysisRequest {
  id: number;
  file: string;
  text: string;
  maxAstDepth: number;
  /** Say when each phase of this file starts (a long file's progress line). */
  phases?: boolean;
  /** What the package's other files export for this one: `process.env` under a name, opt-out helpers (package/chunk-exports.ts). */
  chunkExports?: PackageExports;
}

/** The stages of one file's analysis, in order. */
export const PHASES = ['parse', 'analyse', 'decode', 'correlate'] as const;
export type Phase = (typeof PHASES)[number];

export const PHASE = 'telltale-analysis-phase';

export interface PhaseMessage {
  type: typeof PHASE;
  id: number;
  phase: Phase;
}

export function isPhase(m: unknown): m is PhaseMessage {
  return typeof m === 'object' && m !== null && (m as { type?: unknown }).type === PHASE;
}

export type AnalysisResponse = { id: number; ok: true; result: FileResult } | { id: number; ok: false; error: string };

/**
 * Sent once the worker's modules are loaded: a file's time budget starts after it, not at thread start. It names
 * the thread's /proc stat file (null where there is none), whose CPU time the budget is measured in.
 */
export interface ReadyMessage {
  type: typeof READY;
  statPath: string | null;
}

export const READY = 'telltale-analysis-worker-ready';

export function isReady(m: unknown): m is ReadyMessage {
  return typeof m === 'object' && m !== null && (m as { type?: unknown }).type === READY;
}
