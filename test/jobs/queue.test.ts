// Queue mode on a real Redis (Debian's redis-server, started here on a random loopback port) with real
// `telltale worker` processes: the same results as the local pool, a worker killed mid-job loses nothing, and a
// package that always fails lands in the dead-letter list with its error. Skipped only when redis-server is not
// installed on a developer's machine; CI (.ci/run) installs it, and there a missing server fails the test.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempRoot } from '../acquire/tar-fixtures.js';
import { CLI, HANG_GUARD_MS, runCli, scratchDirs, type Scratch } from '../cli/run-cli.js';
import { startFakeRegistry, type FakeRegistry } from '../helpers/fake-registry.js';
import { CLEAN, HOSTNAME, REGION } from '../history/fixtures.js';

const HAVE_REDIS = spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).status === 0;
if (!HAVE_REDIS && process.env.CI) throw new Error('redis-server is not installed, but CI must run the queue tests (.ci/probe-deps.sh installs it)');

const js = (...parts: string[]) => ({ 'lib/index.js': parts.join('\n') });

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

function waitFor(proc: ChildProcess, text: () => string, pattern: RegExp, what: string, ms = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (pattern.test(text())) done(resolve);
    }, 20);
    const deadline = setTimeout(() => done(() => reject(new Error(`${what}: timed out; output: ${text().slice(-2000)}`))), ms);
    const onExit = (code: number | null) => done(() => reject(new Error(`${what}: exited (${code}); output: ${text().slice(-2000)}`)));
    proc.once('exit', onExit);
    function done(then: () => void) {
      clearInterval(timer);
      clearTimeout(deadline);
      proc.off('exit', onExit);
      then();
    }
  });
}

interface Running {
  proc: ChildProcess;
  output: () => string;
  exited: Promise<unknown>;
}

function start(cmd: string, args: string[], env: Record<string, string>): Running {
  const proc = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  return { proc, output: () => out, exited: new Promise((r) => proc.once('exit', r)) };
}

interface HistoryJson {
  releases: { version: string; status: string; error?: string; findings?: { fingerprint: string; ruleId: string; severity: string }[] }[];
}

describe('queue mode (BullMQ on redis-server)', { skip: !HAVE_REDIS && 'redis-server is not installed (apt-get install redis-server); CI installs it' }, () => {
  let root: string;
  let s: Scratch;
  let registry: FakeRegistry;
  let redis: Running;
  let url: string;
  const workers: Running[] = [];

  const env = () => ({ PATH: process.env.PATH ?? '', HOME: s.home, TMPDIR: s.tmp, NO_COLOR: '1', npm_config_registry: registry.url });
  const startWorker = async (name: string) => {
    const w = start(process.execPath, [CLI, 'worker', '--redis', url, '--concurrency', '1', '--lock-seconds', '2', '--name', name, '--cache', join(root, `cache-${name}`)], env());
    workers.push(w);
    await waitFor(w.proc, w.output, /ready:/, `worker ${name}`);
    return w;
  };
  const stopWorker = async (w: Running) => {
    w.proc.kill('SIGTERM');
    await w.exited;
  };
  const history = (name: string, cache: string, ...more: string[]) => runCli(['history', name, '--format', 'json', '--cache', join(root, cache), ...more], s, HANG_GUARD_MS, { npm_config_registry: registry.url });

  before(async () => {
    root = await tempRoot('queue');
    s = await scratchDirs(root);
    registry = await startFakeRegistry({
      'tt-queue': [
        { version: '1.0.0', files: js(CLEAN) },
        { version: '1.1.0', files: js(REGION) },
        { version: '1.2.0', files: js(REGION, HOSTNAME) },
      ],
      'tt-held': [{ version: '1.0.0', files: js(REGION), held: true }],
      'tt-dead': [{ version: '1.0.0', files: js(CLEAN), corrupt: true }],
    });
    const port = await freePort();
    url = `redis://127.0.0.1:${port}`;
    redis = start('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', root], { PATH: process.env.PATH ?? '' });
    await waitFor(redis.proc, redis.output, /Ready to accept connections/, 'redis-server');
  });

  after(async () => {
    for (const w of workers) if (w.proc.exitCode === null && w.proc.signalCode === null) w.proc.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    if (redis) {
      redis.proc.kill('SIGTERM');
      await redis.exited;
    }
    await registry?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('two workers give the same results as the local pool', async () => {
    // Exit 1 on both sides: the newest release carries a high finding.
    const local = await history('tt-queue', 'local', '--workers', '2');
    assert.equal(local.code, 1, local.stderr);
    const [w1, w2] = [await startWorker('w1'), await startWorker('w2')];
    try {
      const queued = await history('tt-queue', 'coordinator', '--queue', url);
      assert.equal(queued.code, 1, `${queued.stderr}\nw1: ${w1.output()}\nw2: ${w2.output()}`);
      const summary = (out: string) => (JSON.parse(out) as HistoryJson).releases.map((r) => [r.version, r.status, (r.findings ?? []).map((f) => `${f.ruleId}:${f.severity}:${f.fingerprint}`).sort()]);
      assert.deepEqual(summary(queued.stdout), summary(local.stdout));
      assert.deepEqual(summary(queued.stdout).map(([v, st]) => [v, st]), ['1.0.0', '1.1.0', '1.2.0'].map((v) => [v, 'audited']));
      for (const w of [w1, w2]) assert.match(w.output(), /done tt-queue@/, 'each worker audited at least one release');
      // The coordinator's cache now holds them: a second run asks the queue for nothing.
      const again = await history('tt-queue', 'coordinator', '--queue', url);
      assert.deepEqual((JSON.parse(again.stdout) as HistoryJson).releases.map((r) => r.status), ['cached', 'cached', 'cached']);
    } finally {
      await stopWorker(w1);
      await stopWorker(w2);
    }
  });

  it('a worker killed in the middle of a job loses nothing: another worker takes the job over', async () => {
    const doomed = await startWorker('doomed');
    let rescuer: Running | undefined;
    try {
      const fetching = new Promise<void>((r) => registry.events.once('tarball', () => r()));
      const coordinator = history('tt-held', 'held', '--queue', url);
      await fetching;
      doomed.proc.kill('SIGKILL');
      await doomed.exited;
      rescuer = await startWorker('rescuer');
      registry.release('tt-held', '1.0.0');
      const r = await coordinator;
      assert.equal(r.code, 1, `the release has a high finding; ${r.stderr}`);
      const rel = (JSON.parse(r.stdout) as HistoryJson).releases;
      assert.deepEqual(rel.map((x) => [x.version, x.status, (x.findings ?? []).map((f) => f.ruleId)]), [['1.0.0', 'audited', ['region-targeting']]]);
      assert.match(rescuer.output(), /done tt-held@1\.0\.0/);
    } finally {
      if (rescuer) await stopWorker(rescuer);
    }
  });

  it('a package that always fails is retried, then kept in the dead-letter list with its error', async () => {
    const w = await startWorker('w3');
    try {
      const r = await history('tt-dead', 'dead', '--queue', url);
      assert.equal(r.code, 0, r.stderr);
      const [rel] = (JSON.parse(r.stdout) as HistoryJson).releases;
      assert.equal(rel!.status, 'failed');
      assert.match(rel!.error!, /integrity check failed .*after 3 attempts; kept in the dead-letter list/);
      assert.equal((w.output().match(/auditing tt-dead@1\.0\.0/g) ?? []).length, 3, w.output());
      const dead = await runCli(['worker', '--redis', url, '--dead-letters', '--format', 'json'], s);
      assert.equal(dead.code, 0, dead.stderr);
      const list = JSON.parse(dead.stdout) as { spec: string; attempts: number; error: string }[];
      assert.deepEqual(list.map((d) => [d.spec, d.attempts]), [['tt-dead@1.0.0', 3]]);
      assert.match(list[0]!.error, /integrity check failed/);
    } finally {
      await stopWorker(w);
    }
  });
});
