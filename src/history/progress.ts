// The progress line of a long run: a bar, counts, an ETA and what is being audited. Redrawn in place on a
// terminal; nothing at all when stderr is not one (logs stay clean).
import { moreList } from '../report/list.js';

export interface ProgressSink {
  start(label: string): void;
  finish(label: string, how: 'cached' | 'audited' | 'failed'): void;
  stop(): void;
}

export const NO_PROGRESS: ProgressSink = { start() {}, finish() {}, stop() {} };

const WIDTH = 24;

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** The line for a moment of the run; pure, so the format is tested without a terminal. */
export function progressLine(s: { total?: number; cached: number; audited: number; failed: number; running: string[]; elapsedMs: number; auditMs: number }): string {
  const done = s.cached + s.audited + s.failed;
  const running = s.running.length ? ` · ${moreList(s.running, 3)}` : '';
  if (s.total === undefined) {
    // Bisect: how many audits it will take is not known in advance, so there is no bar and no ETA.
    return [`${done} audited`, s.cached ? `${s.cached} cached` : '', s.failed ? `${s.failed} failed` : '', formatDuration(s.elapsedMs)].filter(Boolean).join(' · ') + running;
  }
  const filled = s.total ? Math.round((done / s.total) * WIDTH) : WIDTH;
  const bar = '█'.repeat(filled) + '░'.repeat(WIDTH - filled);
  // Throughput of real audits so far (cached results are instant and say nothing about the rest).
  const remaining = s.total - done;
  const eta = s.audited + s.failed > 0 && remaining > 0 ? ` ETA ${formatDuration((s.auditMs / (s.audited + s.failed)) * remaining)}` : '';
  const parts = [`${bar} ${done}/${s.total}`, s.cached ? `${s.cached} cached` : '', s.failed ? `${s.failed} failed` : '', formatDuration(s.elapsedMs) + eta];
  return parts.filter(Boolean).join(' · ') + running;
}

export class TerminalProgress implements ProgressSink {
  private readonly running = new Set<string>();
  private cached = 0;
  private audited = 0;
  private failed = 0;
  private readonly started = performance.now();
  private firstAuditStart: number | undefined;
  private lastLen = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    /** Undefined when the number of audits is not known in advance (bisect). */
    private readonly total: number | undefined,
    private readonly write: (s: string) => void,
  ) {
    this.timer = setInterval(() => this.draw(), 1000);
    this.timer.unref();
  }

  start(label: string): void {
    this.firstAuditStart ??= performance.now();
    this.running.add(label);
    this.draw();
  }

  finish(label: string, how: 'cached' | 'audited' | 'failed'): void {
    this.running.delete(label);
    this[how]++;
    this.draw();
  }

  private draw(): void {
    const now = performance.now();
    const line = progressLine({
      total: this.total,
      cached: this.cached,
      audited: this.audited,
      failed: this.failed,
      running: [...this.running],
      elapsedMs: now - this.started,
      auditMs: this.firstAuditStart === undefined ? 0 : now - this.firstAuditStart,
    }).slice(0, 120);
    this.write('\r' + line.padEnd(this.lastLen));
    this.lastLen = line.length;
  }

  stop(): void {
    clearInterval(this.timer);
    if (this.lastLen) this.write('\r' + ' '.repeat(this.lastLen) + '\r');
    this.lastLen = 0;
  }
}
