// The one status line of a running audit on a terminal (stderr), redrawn in place. A long file reports its phases
// (parse, analyse, decode, correlate): the line names the phase it is in with the seconds spent so far, ticking,
// and the phases already done with theirs, so a file that takes minutes is visibly moving, not one frozen line.
// Only ever used on a TTY; the CLI prints nothing when stderr is not one.
import { PHASES } from '../audit/worker-messages.js';
import { printable } from './reporters/text.js';

export interface StatusStream {
  write(s: string): unknown;
  /** The terminal's width (process.stderr.columns); undefined: 100. */
  columns?: number | undefined;
}

export interface StatusClock {
  now(): number;
  /** Calls `fn` every `ms` until the returned function is called. */
  every(ms: number, fn: () => void): () => void;
}

export const REAL_CLOCK: StatusClock = {
  now: () => performance.now(),
  every: (ms, fn) => {
    const t = setInterval(fn, ms);
    t.unref();
    return () => clearInterval(t);
  },
};

const PHASE_MSG = new RegExp(`^(.*): (${PHASES.join('|')})$`);
/** The erase-to-end-of-line control sequence. */
const ERASE = '\x1b[K';

function secs(ms: number): string {
  return `${Math.floor(ms / 1000)}s`;
}

export class StatusLine {
  private subject = '';
  private phase: string | undefined;
  private done: string[] = [];
  private since = 0;
  private drawn = false;
  private stopTicking: (() => void) | undefined;

  constructor(
    private readonly out: StatusStream,
    private readonly clock: StatusClock = REAL_CLOCK,
    private readonly tickMs = 1000,
  ) {}

  update(msg: string): void {
    const now = this.clock.now();
    const m = PHASE_MSG.exec(msg);
    const subject = m ? m[1]! : msg;
    if (m && this.phase && subject === this.subject) this.done.push(`${this.phase} ${secs(now - this.since)}`);
    else this.done = [];
    this.subject = subject;
    this.phase = m?.[2];
    this.since = now;
    this.stopTicking ??= this.clock.every(this.tickMs, () => this.draw());
    this.draw();
  }

  /** The line as it would be drawn now (without control sequences). */
  text(): string {
    const elapsed = this.clock.now() - this.since;
    let s = printable(this.subject);
    if (this.phase) s += `: ${[...this.done, `${this.phase} ${secs(elapsed)}…`].join(' · ')}`;
    else if (elapsed >= 2000) s += ` · ${secs(elapsed)}`;
    const width = Math.max(20, (this.out.columns ?? 100) - 1);
    return s.length > width ? s.slice(0, width - 1) + '…' : s;
  }

  private draw(): void {
    this.out.write(`\r${this.text()}${ERASE}`);
    this.drawn = true;
  }

  /** Stops ticking and clears the line. */
  stop(): void {
    this.stopTicking?.();
    this.stopTicking = undefined;
    if (this.drawn) this.out.write(`\r${ERASE}`);
    this.drawn = false;
  }
}
