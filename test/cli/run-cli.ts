// Runs the built CLI as a child process, the way a user does, with HOME, the package cache and TMPDIR pointed
// into a scratch folder so nothing the audit writes can land anywhere else.
import { execFile } from 'node:child_process';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../src/bin/telltale.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface Scratch {
  root: string;
  home: string;
  cache: string;
  tmp: string;
}

export async function scratchDirs(root: string): Promise<Scratch> {
  const s = { root, home: join(root, 'home'), cache: join(root, 'cache'), tmp: join(root, 'tmp') };
  await Promise.all([mkdir(s.home, { recursive: true }), mkdir(s.cache, { recursive: true }), mkdir(s.tmp, { recursive: true })]);
  return s;
}

/**
 * How long a CLI run may take before it is taken for hung and killed. A guard against hangs, not a speed test: on a
 * machine shared by many busy processes one small audit took over 60 s of wall time (a few percent of a core), so
 * the guard is far above any run's own CPU time.
 */
export const HANG_GUARD_MS = 10 * 60_000;

/** `extraEnv` adds variables (e.g. `npm_config_registry` for a registry on loopback); `cwd` defaults to the scratch home. */
export function runCli(args: string[], env: { home: string; cache: string; tmp: string }, timeoutMs = HANG_GUARD_MS, extraEnv: Record<string, string> = {}, cwd: string = env.home): Promise<CliResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      {
        cwd,
        env: { PATH: process.env.PATH ?? '', HOME: env.home, TELLTALE_CACHE: env.cache, TMPDIR: env.tmp, NO_COLOR: '1', ...extraEnv },
        maxBuffer: 256 * 1024 * 1024,
        timeout: timeoutMs,
        encoding: 'utf8',
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0;
        const killed = err && (err as { killed?: boolean }).killed ? `\n[run-cli: killed after ${timeoutMs} ms as hung]` : '';
        resolve({ code, stdout, stderr: stderr + killed, ms: performance.now() - started });
      },
    );
  });
}

/** Every path under `root` with its size (links listed as links, never followed), sorted. */
export async function snapshot(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const d of await readdir(root, { withFileTypes: true, recursive: true })) {
    const rel = join(d.parentPath ?? (d as unknown as { path: string }).path, d.name).slice(root.length + 1);
    out.push(d.isSymbolicLink() ? `${rel} -> link` : d.isDirectory() ? `${rel}/` : rel);
  }
  return out.sort();
}
