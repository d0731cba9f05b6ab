// `telltale history`, `--bisect` and `diff` through the real CLI against a registry on loopback: version and publish
// order, deprecated and unpublished releases, a release that cannot be fetched, the timeline, the cache (a warm run
// audits nothing), bisect boundaries, exit codes, and a run interrupted and resumed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { tempRoot } from '../acquire/tar-fixtures.js';
import { CLI, HANG_GUARD_MS, runCli, scratchDirs, type CliResult, type Scratch } from '../cli/run-cli.js';
import { startFakeRegistry, type FakeRegistry } from '../helpers/fake-registry.js';
import { CLEAN, HOSTNAME, REGION } from './fixtures.js';

const js = (...parts: string[]) => ({ 'lib/index.js': parts.join('\n') });

let root: string;
let s: Scratch;
let registry: FakeRegistry;

before(async () => {
  root = await tempRoot('history');
  s = await scratchDirs(root);
  registry = await startFakeRegistry({
    // Array order is publish order: 1.2.1 is a fix to an old line published after 2.0.0.
    'tt-sample': [
      { version: '1.0.0', files: js(CLEAN) },
      { version: '1.1.0', files: js(CLEAN, HOSTNAME) },
      { version: '1.2.0', files: js(REGION, HOSTNAME) },
      { version: '1.3.0', files: js(REGION), deprecated: 'please use 2.0.0' },
      { version: '1.4.0', unpublished: true },
      { version: '2.0.0', files: js(REGION) },
      { version: '1.2.1', files: js(REGION) },
      { version: '2.0.1', files: js(REGION), corrupt: true },
      { version: '2.1.0', files: js(CLEAN) },
    ],
    'tt-long': ['1.0.0', '1.0.1', '1.0.2', '1.0.3', '1.0.4'].map((version) => ({ version, files: js(CLEAN, HOSTNAME) })),
  });
});
after(async () => {
  await registry?.close();
  await rm(root, { recursive: true, force: true });
});

function cli(...args: string[]): Promise<CliResult> {
  return runCli(args, s, HANG_GUARD_MS, { npm_config_registry: registry.url });
}

const tarballRequests = () => registry.requests.filter((p) => p.endsWith('.tgz'));

interface HistoryJson {
  releases: { version: string; status: string; error?: string; publishRank: number; publishedAfter?: string; deprecated?: string; findings?: { ruleId: string; severity: string; fingerprint: string }[] }[];
  publishOrder: string[];
  unpublished: { version: string }[];
  timeline: { ruleId: string; severity: string; present: string[]; runs: { from: string; to: string }[] }[];
  gate: { failOn: string; releases: string[]; failed: boolean };
}

describe('telltale history', () => {
  let cold: HistoryJson;

  it('audits every release once, in version order, and lists what the registry says about each', async () => {
    const r = await cli('history', 'tt-sample', '--format', 'json', '--workers', '2');
    assert.equal(r.code, 0, r.stderr);
    cold = JSON.parse(r.stdout) as HistoryJson;
    assert.deepEqual(cold.releases.map((x) => [x.version, x.status]), [
      ['1.0.0', 'audited'],
      ['1.1.0', 'audited'],
      ['1.2.0', 'audited'],
      ['1.2.1', 'audited'],
      ['1.3.0', 'audited'],
      ['2.0.0', 'audited'],
      ['2.0.1', 'failed'],
      ['2.1.0', 'audited'],
    ]);
    assert.match(cold.releases.find((x) => x.version === '2.0.1')!.error!, /integrity/);
    assert.deepEqual(cold.publishOrder, ['1.0.0', '1.1.0', '1.2.0', '1.3.0', '2.0.0', '1.2.1', '2.0.1', '2.1.0']);
    assert.equal(cold.releases.find((x) => x.version === '1.2.1')!.publishedAfter, '2.0.0');
    assert.equal(cold.releases.find((x) => x.version === '1.3.0')!.deprecated, 'please use 2.0.0');
    assert.deepEqual(cold.unpublished.map((u) => u.version), ['1.4.0']);
    assert.deepEqual(
      cold.timeline.map((t) => [t.ruleId, t.severity, t.present.join(' ')]),
      [
        ['region-targeting', 'high', '1.2.0 1.2.1 1.3.0 2.0.0'],
        ['telemetry-identity', 'medium', '1.1.0 1.2.0'],
      ],
    );
    assert.deepEqual(cold.timeline[0]!.runs, [{ from: '1.2.0', to: '2.0.0' }]);
    // The newest release decides the exit code: 2.1.0 is clean.
    assert.deepEqual(cold.gate, { failOn: 'high', releases: ['2.1.0'], failed: false });
  });

  it('a warm run audits nothing again (only the release that failed is tried again), and prints the table and timeline', async () => {
    const before = tarballRequests().length;
    const r = await cli('history', 'tt-sample', '--workers', '2');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual([...new Set(tarballRequests().slice(before).map((p) => p.split('/').pop()))], ['tt-sample-2.0.1.tgz']);
    assert.match(r.stdout, /8 releases: 0 audited now, 7 from the cache, 1 failed/);
    assert.match(r.stdout, /\n {2}1\.2\.1 +2026-\d\d-\d\d +cached +1 high +\(published after 2\.0\.0\)\n/);
    assert.match(r.stdout, /\n {2}1\.3\.0 .*deprecated: please use 2\.0\.0/);
    assert.match(r.stdout, /\n {2}1\.4\.0 .*unpublished +removed from the registry; not audited\n/);
    assert.match(r.stdout, /\n {2}2\.0\.1 .*failed +not audited: .*integrity/);
    assert.match(r.stdout, /Publish order differs from version order: 1\.0\.0, 1\.1\.0, 1\.2\.0, 1\.3\.0, 2\.0\.0, 1\.2\.1, 2\.0\.1, 2\.1\.0/);
    assert.match(r.stdout, /HIGH +Behaviour depends on the user's time zone.*\[region-targeting\]/);
    assert.match(r.stdout, /\n {11}··████\?· {2}1\.2\.0 – 2\.0\.0 \(4 of 7 audited\)\n/);
  });

  it('--fail-on-any fails on an older release; --range and --since narrow the releases', async () => {
    assert.equal((await cli('history', 'tt-sample', '--fail-on-any', '--quiet')).code, 1);
    const r = await cli('history', 'tt-sample', '--range', '>=1.2.0 <2.0.0', '--format', 'json');
    assert.equal(r.code, 1, 'the newest release in the range, 1.3.0, has a high finding');
    assert.deepEqual((JSON.parse(r.stdout) as HistoryJson).releases.map((x) => x.version), ['1.2.0', '1.2.1', '1.3.0']);
    const since = JSON.parse((await cli('history', 'tt-sample', '--since', '2026-01-08', '--format', 'json')).stdout) as HistoryJson;
    assert.deepEqual(since.releases.map((x) => x.version), ['1.2.1', '2.0.1', '2.1.0']);
  });

  it('--bisect names the first and last release carrying a kind, and the neighbours checked', async () => {
    const r = await cli('history', 'tt-sample', '--bisect', 'region-targeting', '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const b = JSON.parse(r.stdout) as { first: string; last: string; before: { version: string; presence: string }; after: { version: string; presence: string }; gaps: unknown[]; audits: number; releases: number };
    assert.equal(b.first, '1.2.0');
    assert.equal(b.last, '2.0.0');
    assert.deepEqual(b.before, { version: '1.1.0', presence: 'absent' });
    assert.deepEqual(b.after, { version: '2.0.1', presence: 'unknown' });
    assert.deepEqual(b.gaps, []);
    assert.equal(b.releases, 8);
    assert.ok(b.audits <= 8, `${b.audits} audits`);
    const text = await cli('history', 'tt-sample', '--bisect', 'region-targeting');
    assert.match(text.stdout, /first release carrying it: 1\.2\.0 \(1\.1\.0 does not\)/);
    assert.match(text.stdout, /last release carrying it: {2}2\.0\.0 \(2\.0\.1 could not be audited\)/);
  });

  it('usage errors and unknown packages are one line and exit 2', async () => {
    for (const args of [['history', 'tt-no-such-package'], ['history', 'tt-sample@1.0.0'], ['history', 'tt-sample', '--range', 'nonsense!'], ['history', 'tt-sample', '--range', '>=9'], ['history', 'tt-sample', '--workers', '0']]) {
      const r = await cli(...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr.split('\n').length, 2, r.stderr);
      assert.match(r.stderr, /^telltale: /);
    }
  });
});

describe('telltale diff', () => {
  it('the newer release adds a high finding: exit 1; the other way round it is removed: exit 0', async () => {
    const up = await cli('diff', 'tt-sample@1.1.0', 'tt-sample@1.2.0', '--format', 'json');
    assert.equal(up.code, 1, up.stderr);
    const d = JSON.parse(up.stdout) as { findings: { added: { ruleId: string; severity: string }[]; removed: unknown[]; unchanged: number }; inventory: { hosts: { added: string[] } }; gate: { findings: string[] } };
    assert.deepEqual(d.findings.added.map((f) => [f.ruleId, f.severity]), [['region-targeting', 'high']]);
    assert.equal(d.findings.unchanged, 1, 'the host name finding is in both');
    assert.deepEqual(d.inventory.hosts.added, ['alt.example.net', 'main.example.net']);
    assert.equal(d.gate.findings.length, 1);
    const down = await cli('diff', 'tt-sample@1.2.0', 'tt-sample@1.1.0');
    assert.equal(down.code, 0, down.stderr);
    assert.match(down.stdout, /Removed findings \(1\)\n {2}HIGH Behaviour depends on the user's time zone/);
    assert.match(down.stdout, /New findings \(0\): none/);
  });
});

describe('an interrupted history run', () => {
  it('resumes without auditing again what was finished', async () => {
    const db = join(s.cache, 'results.sqlite');
    const done = () => {
      if (!existsSync(db)) return 0;
      const d = new Database(db, { readonly: true, fileMustExist: true });
      try {
        return (d.prepare("SELECT count(*) AS n FROM results WHERE name = 'tt-long'").get() as { n: number }).n;
      } finally {
        d.close();
      }
    };
    const child = spawn(process.execPath, [CLI, 'history', 'tt-long', '--workers', '1', '--quiet'], {
      cwd: s.home,
      env: { PATH: process.env.PATH ?? '', HOME: s.home, TELLTALE_CACHE: s.cache, TMPDIR: s.tmp, NO_COLOR: '1', npm_config_registry: registry.url },
      stdio: 'ignore',
    });
    const exited = new Promise((r) => child.once('exit', r));
    const deadline = Date.now() + 120_000;
    while (done() < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    child.kill('SIGINT');
    await exited;
    const kept = done();
    assert.ok(kept >= 1 && kept < 5, `${kept} of 5 results were kept when the run was interrupted`);

    const r = await cli('history', 'tt-long', '--workers', '2', '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const statuses = (JSON.parse(r.stdout) as HistoryJson).releases.map((x) => x.status);
    assert.equal(statuses.filter((x) => x === 'cached').length, kept, 'everything finished before the interruption came from the cache');
    assert.equal(statuses.filter((x) => x === 'audited').length, 5 - kept);
    assert.equal(done(), 5);
  });
});
