// Sealed-sandbox tests: real namespaces, real mock servers, the fixture tools in test/probe/fixtures.
// They need root (or user namespaces) and util-linux/iproute2 (.ci/probe-deps.sh); without namespaces they skip.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { execFileSync, spawn } from 'node:child_process';
import { probeCommand } from '../../src/probe/command.js';
import { pidsInNamespace } from '../../src/probe/sandbox.js';
import { namespacesAvailable } from './namespaces.js';
import type { ProbeReport } from '../../src/probe/report.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test/probe/fixtures');

const skip = namespacesAvailable() ? false : 'skipped: `unshare --net true` fails here (needs root or user namespaces; run .ci/probe-deps.sh as root)';

async function probe(args: string[]): Promise<{ code: number; report: ProbeReport; stderr: string }> {
  let out = '';
  let err = '';
  // The time limit only stops tools that hang; these exit on their own, so it is generous for a busy machine.
  const code = await probeCommand([...args.slice(0, 1), '--format', 'json', '--timeout', '90', ...args.slice(1)], { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  assert.ok(out, `no report; stderr: ${err}`);
  return { code, report: JSON.parse(out) as ProbeReport, stderr: err };
}

function assertSealedAndClean(report: ProbeReport): void {
  assert.equal(report.stats.unsealedRuns, 0);
  for (const run of report.runs) {
    assert.deepEqual(run.interfaces, ['lo'], `${run.label}: interfaces`);
    assert.equal(run.nonLoopbackAttempts, 0, `${run.label}: non-loopback attempts`);
    assert.deepEqual(run.leftoverPids, [], `${run.label}: leftover processes`);
  }
}

describe('the leftover-process check', { skip }, () => {
  it('finds the processes of a pid namespace, and a held namespace keeps its number from the next one', async () => {
    const own = fs.readlinkSync('/proc/self/ns/pid');
    assert.ok((await pidsInNamespace(own)).includes(process.pid));
    // Unheld, the kernel hands a freed namespace's number to the next namespace at once.
    const nsOf = () => execFileSync('unshare', ['--pid', '--fork', '--mount-proc', 'readlink', '/proc/self/ns/pid'], { encoding: 'utf8' }).trim();
    const child = spawn('unshare', ['--pid', '--fork', 'cat'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise((r) => child.on('exit', r));
    const file = `/proc/${child.pid}/ns/pid_for_children`;
    // Until unshare has made its namespace the file names ours; between unshare(2) and the fork of its first process
    // the kernel reports no namespace at all (ENOENT: it has no init yet). A busy machine may stay in either a while.
    const childNs = (): string | null => {
      try {
        return fs.readlinkSync(file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw e;
      }
    };
    try {
      let ns = childNs();
      for (let i = 0; i < 400 && (ns === null || ns === own) && child.exitCode === null; i++) {
        await new Promise((r) => setTimeout(r, 50));
        ns = childNs();
      }
      assert.ok(ns !== null && ns !== own, `unshare made no pid namespace (exit ${child.exitCode}): ${stderr.trim()}`);
      const fd = fs.openSync(file, 'r');
      try {
        const held = fs.readlinkSync(file);
        assert.notEqual(held, own);
        child.stdin.end();
        await exited;
        assert.deepEqual(await pidsInNamespace(held), []);
        for (let i = 0; i < 3; i++) assert.notEqual(nsOf(), held);
      } finally {
        fs.closeSync(fd);
      }
    } finally {
      // On any failure above, end the namespace's process too: a live child would keep this test file from exiting.
      child.stdin.destroy();
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});

describe('telltale probe in a sealed sandbox', { skip }, () => {
  it('catches a zero-width mark that a tool adds to a header in Asian time zones', async () => {
    const { code, report } = await probe([path.join(FIXTURES, 'zw-header-tool'), '--matrix', 'tz=UTC,Asia/Shanghai,Europe/Moscow', '--', 'hello']);
    assert.equal(code, 1);
    assertSealedAndClean(report);
    assert.equal(report.runs.length, 7); // 3 personas × 2 runs, and the baseline once more
    assert.ok(report.runs.every((r) => r.requests.length === 1 && r.requests[0]!.url === '/v1/chat/completions' && r.requests[0]!.status === 200));
    const covert = report.findings.filter((f) => f.ruleId === 'probe-covert-channel');
    assert.equal(covert.length, 1);
    const f = covert[0]!;
    assert.equal(f.severity, 'critical');
    assert.equal(f.category, 'covert-channel');
    assert.equal(f.location.file, 'request:tz=Asia/Shanghai:POST /v1/chat/completions(gpt-4o-mini)#0.headers.x-client-name');
    assert.equal(f.location.column, 9);
    assert.ok(f.decoded.some((d) => d.text.includes('U+200B ZERO WIDTH SPACE')));
    const d = report.differences.find((x) => x.verdict === 'covert-channel')!;
    assert.deepEqual(d.follows, ['tz']);
    assert.deepEqual(Object.keys(d.cells), ['tz=Asia/Shanghai']);
  });

  it('does not flag an honest tool whose visible prompt names the zone the user asked for', async () => {
    const { code, report } = await probe([path.join(FIXTURES, 'honest-tool'), '--matrix', 'tz=UTC,Asia/Shanghai', 'host=127.0.0.1,api.example.cn', '--', '--with-time-zone', 'hello']);
    assert.equal(code, 0);
    assertSealedAndClean(report);
    assert.deepEqual(report.findings.filter((f) => f.severity !== 'info'), []);
    assert.ok(report.differences.length > 0 && report.differences.every((x) => x.verdict === 'explained'));
    assert.ok(report.differences.some((x) => x.path.endsWith('.body.system') && x.follows.includes('tz')));
    assert.ok(report.runs.some((r) => r.requests[0]?.sni === 'api.example.cn'));
  });

  it('records egress attempts, lets nothing out and leaves no process behind', async () => {
    const { code, report } = await probe([path.join(FIXTURES, 'egress-tool'), '--matrix', 'tz=UTC,Asia/Tehran']);
    assert.equal(code, 1);
    assert.equal(report.stats.leftoverProcesses, 0);
    const egress = report.findings.filter((f) => f.ruleId === 'probe-egress-attempt');
    assert.deepEqual(
      egress.map((f) => f.excerpt),
      ['tcp 192.0.2.1:443'],
    );
    const unknown = report.findings.filter((f) => f.ruleId === 'probe-unknown-host').map((f) => f.excerpt);
    assert.deepEqual(unknown, ['telemetry.example.org']);
    for (const run of report.runs) {
      assert.match(run.stderrTail, /direct: connected/);
      assert.match(run.stderrTail, /lookup: (ENOTFOUND|EAI_AGAIN)/);
      assert.ok(run.dnsQueries.some((q) => q.startsWith('telemetry.example.org')));
      assert.ok(run.requests.some((q) => q.url === '/v1/chat/completions' && q.status === 200));
    }
  });
});

describe('telltale probe with the default matrix', { skip }, () => {
  it('catches six channels of one tool and explains its honest request', async () => {
    const { code, report } = await probe([path.join(FIXTURES, 'channels-tool')]);
    assert.equal(code, 1);
    assertSealedAndClean(report);
    assert.equal(report.personas.length, 13);
    const honest = report.differences.filter((d) => d.path.startsWith('POST /v1/messages'));
    assert.ok(honest.length > 0);
    assert.deepEqual(honest.filter((d) => d.verdict !== 'explained').map((d) => [d.path, d.kind]), []);
    // The honest twin of the channel request varies in the same places, only by renderings of the persona.
    const twin = report.differences.filter((d) => d.path.startsWith('POST /v1/chat/completions(gpt-twin)'));
    assert.deepEqual([...new Set(twin.map((d) => d.path.replace(/^.*#0/, '')))].sort(), ['.body.messages[0].content', '.body.metadata.note', '.headers.host', '.sni']);
    assert.deepEqual(twin.filter((d) => d.verdict !== 'explained').map((d) => [d.path, d.kind]), []);
    const caught = report.differences
      .filter((d) => d.path.startsWith('POST /v1/chat/completions') && d.verdict !== 'explained')
      .map((d) => [d.path.replace(/^POST \/v1\/chat\/completions\(gpt-test\)#0/, ''), d.kind, d.verdict, d.follows.join()])
      .sort();
    assert.deepEqual(caught, [
      ['.body.messages[0].content', 'invisible', 'covert-channel', 'lang'],
      ['.body.metadata.note', 'format', 'covert-channel', 'tz'],
      ['.body.top_k', 'digits', 'region-dependent', 'tz'],
      ['.body{keys}', 'format', 'covert-channel', 'tz'],
      ['.headers{order}', 'format', 'covert-channel', 'lang'],
      ['{time}', 'timing', 'region-dependent', 'lang'],
    ]);
    const keys = report.differences.find((d) => d.path.endsWith('.body{keys}'))!;
    assert.deepEqual(Object.keys(keys.cells).map((l) => l.split(',')[0]).sort(), ['tz=Asia/Shanghai', 'tz=Asia/Singapore', 'tz=Asia/Tehran']);
    const timing = report.differences.find((d) => d.kind === 'timing')!;
    assert.deepEqual(Object.entries(timing.cells).map(([l, c]) => [l, c.newText]), [['tz=UTC,lang=hi_IN.UTF-8,host=127.0.0.1', 'slower']]);
  });

  it('is not recognised by a tool that checks fourteen sandbox markers', async () => {
    const { code, report } = await probe([path.join(FIXTURES, 'evasive-tool'), '--matrix', 'tz=UTC,Asia/Shanghai']);
    for (const run of report.runs) assert.match(run.stderrTail, /checked 14 markers; found: none/, run.stderrTail);
    assert.equal(code, 1);
    assertSealedAndClean(report);
    const covert = report.differences.filter((d) => d.verdict === 'covert-channel');
    assert.deepEqual(covert.map((d) => [d.kind, d.follows]), [['invisible', ['tz']]]);
  });
});

describe('telltale probe --static auto', { skip }, () => {
  it('adds exactly one persona for each comparison the static audit found (a zone, a locale, an API host in a list), and catches what each triggers', async () => {
    const { report, stderr } = await probe([path.join(FIXTURES, 'targeted-tool'), '--static', 'auto', '--matrix', 'tz=UTC,Asia/Shanghai']);
    assert.match(stderr, /static audit of/);
    assertSealedAndClean(report);
    // The host comparison is no finding (routing among a vendor's hosts), yet its branch is run: it comes from the inventory.
    assert.deepEqual(report.guided!.map((g) => `${g.dim}=${g.value}`), ['tz=Pacific/Auckland', 'lang=ko_KR.UTF-8', 'host=gw.quillstack.kr']);
    assert.deepEqual(
      report.personas.map((p) => p.label),
      [
        'tz=UTC,lang=en_US.UTF-8,host=127.0.0.1',
        'tz=Asia/Shanghai,lang=en_US.UTF-8,host=127.0.0.1',
        'tz=Pacific/Auckland,lang=en_US.UTF-8,host=127.0.0.1',
        'tz=UTC,lang=ko_KR.UTF-8,host=127.0.0.1',
        'tz=UTC,lang=en_US.UTF-8,host=gw.quillstack.kr',
      ],
    );
    // One place in the request, a different mark for each added persona; the matrix's own personas send none.
    const covert = report.differences.filter((d) => d.verdict === 'covert-channel');
    assert.deepEqual(
      covert.map((d) => [d.path, d.kind, Object.entries(d.cells).map(([l, c]) => [l, c.oldText, c.newText])]),
      [
        [
          'POST /v1/chat/completions(gpt-test)#0.headers.x-client-tag',
          'invisible',
          [
            ['tz=Pacific/Auckland,lang=en_US.UTF-8,host=127.0.0.1', '', '\u200c'],
            ['tz=UTC,lang=ko_KR.UTF-8,host=127.0.0.1', '', '\u200d'],
            ['tz=UTC,lang=en_US.UTF-8,host=gw.quillstack.kr', '', '\u2060'],
          ],
        ],
      ],
    );
    assert.ok(report.findings.some((f) => f.ruleId === 'probe-covert-channel' && f.severity === 'critical'));
    // The gateway persona's own host is explained where it is a rendering of the setting (Host, SNI), not reported.
    assert.ok(!report.findings.some((f) => f.severity !== 'info' && f.ruleId === 'probe-region-dependent'), JSON.stringify(report.findings.map((f) => [f.ruleId, f.severity, f.location.file])));
  });
});

describe('telltale probe: the egress link', { skip }, () => {
  it('confirms the destination the static egress map predicted and reports the one it missed', async () => {
    const { code, report } = await probe([path.join(FIXTURES, 'link-tool'), '--static', 'auto', '--matrix', 'tz=UTC']);
    assertSealedAndClean(report);
    // The update check reaches the mocks (which answer 404 off the LLM endpoints); the beacon's name is refused.
    for (const run of report.runs) assert.match(run.stderrTail, /update check: 404\nbeacon: (ENOTFOUND|EAI_AGAIN)\napi: 200/, run.stderrTail);
    const link = report.egressLink!;
    assert.deepEqual(link.confirmed.map((c) => [c.destination, c.paths]).sort(), [
      ['api.openai.com', ['/v1/chat/completions']],
      ['updates.quillstack-cli.dev', ['/api/version-check']],
    ]);
    assert.deepEqual(link.predictedNotSeen, []);
    assert.deepEqual(link.unpredicted.map((u) => [u.host, u.via, u.personas]), [['pulse.fieldnotes-metrics.net', 'dns', ['tz=UTC']]]);
    assert.equal(link.unresolved, 1);
    const missed = report.findings.filter((f) => f.ruleId === 'probe-unpredicted-destination');
    assert.deepEqual(missed.map((f) => [f.severity, f.excerpt, f.location.file]), [['medium', 'pulse.fieldnotes-metrics.net', 'egress:pulse.fieldnotes-metrics.net']]);
    // One behaviour, one finding: the unpredicted host is not also an unknown host.
    assert.deepEqual(report.findings.filter((f) => f.ruleId === 'probe-unknown-host'), []);
    assert.equal(code, 0);
  });
});

describe('telltale probe time limit', { skip }, () => {
  it('stops a tool that never exits, keeps its requests, and leaves nothing running', async () => {
    // The budget leaves a busy machine ample time to start the tool and send its request; the tool then
    // never exits, so only the time limit can end the run.
    let out = '';
    const code = await probeCommand([path.join(FIXTURES, 'hang-tool'), '--format', 'json', '--timeout', '10', '--matrix', 'tz=UTC,Asia/Tehran'], { stdout: (s) => (out += s), stderr: () => {} });
    const report = JSON.parse(out) as ProbeReport;
    assert.equal(code, 0);
    assertSealedAndClean(report);
    for (const run of report.runs) {
      assert.equal(run.timedOut, true);
      assert.equal(run.requests.length, 1);
    }
    assert.ok(report.findings.some((f) => f.ruleId === 'probe-run-problem' && f.severity === 'low'));
  });
});

describe('telltale probe without namespaces', () => {
  it('says so in one line and returns 2 instead of running unsealed', async () => {
    const saved = process.env.PATH;
    const empty = fs.mkdtempSync(path.join(fs.realpathSync('/tmp'), 'telltale-nopath-'));
    process.env.PATH = empty;
    let err = '';
    let out = '';
    try {
      const code = await probeCommand([path.join(FIXTURES, 'honest-tool')], { stdout: (s) => (out += s), stderr: (s) => (err += s) });
      assert.equal(code, 2);
    } finally {
      process.env.PATH = saved;
      fs.rmSync(empty, { recursive: true, force: true });
    }
    assert.equal(out, '');
    assert.equal(err.trim().split('\n').length, 1);
    assert.match(err, /^sandbox unavailable: /);
  });
});
