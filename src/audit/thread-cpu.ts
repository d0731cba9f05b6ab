// CPU time of one thread of this process, read from Linux's /proc, so that a file's time budget measures the work
// done on it and not how busy the machine is. Where /proc is missing (macOS, Windows, some containers) the caller
// falls back to the wall clock.
import { readFileSync, readlinkSync } from 'node:fs';

/**
 * Clock ticks per second in /proc's utime and stime. Linux fixes USER_HZ at 100 in its user-space ABI on every
 * architecture (`getconf CLK_TCK`), whatever the kernel's internal tick rate.
 */
const CLOCK_TICKS_PER_SECOND = 100;

/** The stat file of the calling thread (`/proc/<pid>/task/<tid>/stat`), or null where /proc does not say. */
export function currentThreadStatPath(): string | null {
  try {
    const link = readlinkSync('/proc/thread-self');
    return /^\d+\/task\/\d+$/.test(link) ? `/proc/${link}/stat` : null;
  } catch {
    return null;
  }
}

/** User plus system CPU time of the thread behind `statPath` in milliseconds, or null when it cannot be read. */
export function threadCpuMs(statPath: string): number | null {
  let stat: string;
  try {
    stat = readFileSync(statPath, 'latin1');
  } catch {
    return null;
  }
  // Field 2, the thread name, is in parentheses and may itself contain spaces and parentheses.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 (utime) and 15 (stime), counted from 1 with field 3 first after the name.
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null;
  return ((utime + stime) * 1000) / CLOCK_TICKS_PER_SECOND;
}
