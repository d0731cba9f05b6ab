// Host side of the sandbox: checks that namespaces are available, starts one sealed run through
// `unshare`, enforces the hard timeout and checks afterwards that no process of the run survived.
import { execFile, spawn } from 'node:child_process';
import fs, { type FileHandle } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { emptyRunOutput, READY_MARKER, RESULT_MARKER, TOOL_STARTED_MARKER, type RunConfig, type RunOutput } from './types.js';

export type SandboxMode = 'root' | 'user-namespace';

export interface RunResult extends RunOutput {
  /** Host pids still in the run's pid namespace after it ended (must be empty). */
  leftoverPids: number[];
}

const NS_FLAGS = ['--net', '--pid', '--fork', '--mount-proc', '--mount', '--uts', '--ipc'];

/** A time namespace whose boot clock is this far ahead, so /proc/uptime reads like a machine up for days
 *  rather than one booted for the run; used when the kernel supports time namespaces. */
export const BOOTTIME_OFFSET_S = 3 * 86_400 + 7 * 3_600 + 1_234;
let timeNamespace = false;

function unshareArgs(mode: SandboxMode, time = timeNamespace): string[] {
  const flags = [...NS_FLAGS, ...(time ? ['--time', '--boottime', String(BOOTTIME_OFFSET_S)] : []), '--kill-child'];
  return mode === 'root' ? flags : ['--user', '--map-root-user', ...flags];
}

function exec(cmd: string, args: string[], timeoutMs: number): Promise<{ ok: boolean; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs }, (err, _stdout, stderr) => resolve({ ok: !err, stderr: String(stderr) }));
  });
}

/** Which kind of namespaces this machine lets us create; undefined with a one-line reason when none. */
export async function detectSandbox(): Promise<{ mode: SandboxMode } | { reason: string }> {
  if (process.platform !== 'linux') return { reason: `sandbox unavailable: needs Linux namespaces, this is ${process.platform}` };
  const mode: SandboxMode = process.getuid?.() === 0 ? 'root' : 'user-namespace';
  const probe = await exec('unshare', [...unshareArgs(mode), 'true'], 10_000);
  if (!probe.ok) {
    const why = probe.stderr.trim().split('\n')[0] || 'unshare failed';
    return { reason: `sandbox unavailable: cannot create namespaces (${why}); refusing to run the tool unsealed` };
  }
  timeNamespace = (await exec('unshare', [...unshareArgs(mode, true), 'true'], 10_000)).ok;
  const ip = await exec('ip', ['-V'], 5_000);
  if (!ip.ok) return { reason: 'sandbox unavailable: `ip` (iproute2) not found; run .ci/probe-deps.sh' };
  if (mode === 'root') {
    const sp = await exec('setpriv', ['--version'], 5_000);
    if (!sp.ok) return { reason: 'sandbox unavailable: `setpriv` (util-linux) not found; run .ci/probe-deps.sh' };
  }
  return { mode };
}

export function runnerPath(): string {
  return fileURLToPath(new URL('./runner.js', import.meta.url));
}

/** Host pids whose pid namespace is `ns` (e.g. `pid:[4026532912]`). */
export async function pidsInNamespace(ns: string): Promise<number[]> {
  const out: number[] = [];
  for (const name of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if ((await fs.readlink(`/proc/${name}/ns/pid`)) === ns) out.push(Number(name));
    } catch {
      // Gone or not ours to read.
    }
  }
  return out;
}

function failed(message: string, durationMs: number): RunResult {
  return { ...emptyRunOutput('', durationMs), setupError: message, leftoverPids: [] };
}

/** One sealed run. The runner enforces cfg.timeoutMs; `hardTimeoutMs` is the backstop that kills unshare,
 *  whose --kill-child takes the namespace's init, and so every process in it, along. It counts from the spawn
 *  until the runner starts the tool, and again from the tool's start: on a loaded machine the setup (home, git
 *  history, mocks, idle processes) can take tens of seconds, which must not cut the tool's own time short. */
export async function runSealed(cfg: RunConfig, mode: SandboxMode, hardTimeoutMs: number): Promise<RunResult> {
  const started = Date.now();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'telltale-run-'));
  let held: { handle: FileHandle; ns: string } | undefined;
  try {
    const configPath = path.join(dir, 'config.json');
    await fs.writeFile(configPath, JSON.stringify({ ...cfg, dropPrivileges: mode === 'root' }), { mode: 0o600 });
    const child = spawn('unshare', [...unshareArgs(mode), '--', process.execPath, runnerPath(), configPath], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin' },
    });
    child.stdin.on('error', () => {});
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    // A namespace's inode number is reused as soon as the namespace is freed, so after the run a concurrent
    // run's new namespace can carry the same `pid:[N]`, and its processes would look like survivors of this one.
    // Holding the namespace open until the check is done keeps its number ours.
    let ready = false;
    let toolStarted = false;
    let killed = false;
    const kill = () => {
      killed = true;
      child.kill('SIGKILL');
    };
    let timer = setTimeout(kill, hardTimeoutMs);
    const hold = async () => {
      try {
        const file = `/proc/${child.pid}/ns/pid_for_children`;
        const handle = await fs.open(file, 'r');
        held = { handle, ns: await fs.readlink(file) };
      } catch {
        // No pid_for_children (kernel before 4.12): the runner's own reading is used, unprotected.
      }
      child.stdin.end('go\n');
    };
    let holding: Promise<void> | undefined;
    child.stdout.on('data', (c: Buffer) => {
      out.push(c);
      if (!ready && Buffer.concat(out).includes(READY_MARKER + '\n')) {
        ready = true;
        holding = hold();
      }
      if (!toolStarted && Buffer.concat(out).includes(TOOL_STARTED_MARKER + '\n')) {
        toolStarted = true;
        clearTimeout(timer);
        timer = setTimeout(kill, hardTimeoutMs);
      }
    });
    child.stderr.on('data', (c: Buffer) => err.length < 256 && err.push(c));
    await new Promise<void>((resolve) => {
      child.on('close', () => resolve());
      child.on('error', () => resolve());
    });
    clearTimeout(timer);
    await holding;
    const text = Buffer.concat(out).toString('utf8');
    const line = text.split('\n').find((l) => l.startsWith(RESULT_MARKER));
    if (!line) {
      const why = killed ? `run exceeded the hard timeout of ${hardTimeoutMs} ms ${toolStarted ? 'after the tool started' : 'before the tool started (sandbox setup)'}` : Buffer.concat(err).toString('utf8').trim().split('\n').slice(-1)[0] || 'runner printed no result';
      return failed(why, Date.now() - started);
    }
    const result = JSON.parse(line.slice(RESULT_MARKER.length)) as RunOutput;
    const ns = held?.ns ?? result.pidNamespace;
    const leftoverPids = ns ? await pidsInNamespace(ns) : [];
    const { setupError: _none, ...empty } = failed('', 0);
    return { ...empty, ...result, leftoverPids };
  } finally {
    await held?.handle.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
}
