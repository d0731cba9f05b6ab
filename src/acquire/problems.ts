import type { AcquiredTarget } from './types.js';

export type Problem = AcquiredTarget['problems'][number];

/** A hostile tarball can produce one bad entry per 512 bytes; past this many, only a count is kept. */
export const MAX_PROBLEMS = 500;

/** Collects acquisition problems into `list`, capped, so a report stays readable. */
export function problemSink(list: Problem[]): { add(file: string, message: string): void; finish(): void } {
  let omitted = 0;
  return {
    add(file, message) {
      if (list.length < MAX_PROBLEMS) list.push({ file: printable(file), message });
      else omitted++;
    },
    finish() {
      if (omitted > 0) list.push({ file: '', message: `${omitted} further problems omitted` });
      omitted = 0;
    },
  };
}

/** Paths come from hostile archives: keep control characters out of one-line messages. */
export function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Error messages from libraries can span lines; a problem or UserError is one. */
export function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n', 1)[0]!.trim();
}
