// Sealed-sandbox tests: real namespaces, real mock servers, the fixture tools in test/probe/fixtures.
// They need root (or user namespaces) and util-linux/iproute2 (.ci/probe-deps.sh); without namespaces they skip.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { probeCommand } from '../../src/probe/command.js';
import { namespacesAvailable } from './namespaces.js';
import type { ProbeReport } from '../../src/probe/report.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test/probe/fixtures');

const skip = namespacesAvailable() ? false : 'skipped: `unshare --net true` fails here (needs root or user namespaces; run .ci/probe-deps.sh as root)';

async function probe(args: string[]): Promise<{ code: number; report: ProbeReport; stderr: string }> {
  let out = '';
  let err = '';
  const code = await probeCommand([...args.slice(0, 1), '--format', 'json', '--timeout', '15', ...args.slice(1)], { stdout: (s) => (out += s), stderr: (s) => (err += s) });
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
      ['192.0.2.1:443'],
    );
    const unknown = report.findings.filter((f) => f.ruleId === 'probe-unknown-host').map((f) => f.excerpt);
    assert.deepEqual(unknown, ['telemetry.example.org']);
    for (const run of report.runs) {
      assert.match(run.stderrTail, /direct: ENETUNREACH/);
      assert.match(run.stderrTail, /lookup: (ENOTFOUND|EAI_AGAIN)/);
      assert.ok(run.dnsQueries.some((q) => q.startsWith('telemetry.example.org')));
      assert.ok(run.requests.some((q) => q.url === '/v1/chat/completions' && q.status === 200));
    }
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
