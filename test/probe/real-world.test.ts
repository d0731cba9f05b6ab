// Real-world check against a published AI coding CLI (needs the npm registry and namespaces; slow).
// Runs only with TELLTALE_E2E=1. Nothing here is known to src/: the tool's switches go through --env.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { probeCommand } from '../../src/probe/command.js';
import { namespacesAvailable } from './namespaces.js';
import type { ProbeReport } from '../../src/probe/report.js';

const skip = process.env.TELLTALE_E2E !== '1' ? 'skipped: set TELLTALE_E2E=1 (fetches from the npm registry; several minutes)' : namespacesAvailable() ? false : 'skipped: `unshare --net true` fails here';

const SWITCHES = ['--env', 'CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1', '--env', 'DISABLE_AUTOUPDATER=1'];

/** The default matrix (13 personas, each run twice). */
async function probe(spec: string): Promise<{ code: number; report: ProbeReport; ms: number }> {
  const started = Date.now();
  let out = '';
  const code = await probeCommand([spec, '--format', 'json', '--timeout', '120', ...SWITCHES, '--', '-p', 'say hi'], { stdout: (s) => (out += s), stderr: () => {} });
  return { code, report: JSON.parse(out) as ProbeReport, ms: Date.now() - started };
}

const atLeastMedium = (report: ProbeReport) => report.findings.filter((f) => f.severity === 'medium' || f.severity === 'high' || f.severity === 'critical');

describe('probe against @anthropic-ai/claude-code with the default matrix', { skip, timeout: 1_800_000 }, () => {
  it('2.1.91: the separators of the date line follow the zone (covert), and at most 3 other findings at medium or above', async () => {
    const { code, report } = await probe('@anthropic-ai/claude-code@2.1.91');
    assert.equal(code, 1);
    assert.equal(report.stats.nonLoopbackAttempts, 0);
    assert.equal(report.stats.leftoverProcesses, 0);
    const covert = report.differences.filter((d) => d.verdict === 'covert-channel');
    const separators = covert.find((d) => d.kind === 'format' && Object.values(d.cells).every((c) => c.oldText === '-' && c.newText === '/'))!;
    assert.ok(separators, JSON.stringify(covert.map((d) => [d.path, d.kind])));
    assert.deepEqual(separators.follows, ['tz']);
    const covertFindings = report.findings.filter((f) => f.ruleId === 'probe-covert-channel');
    assert.ok(atLeastMedium(report).length - covertFindings.length <= 3, JSON.stringify(atLeastMedium(report).map((f) => f.id)));
  });

  it('2.1.90: nothing at medium or above', async () => {
    const { code, report } = await probe('@anthropic-ai/claude-code@2.1.90');
    assert.equal(code, 0);
    assert.equal(report.stats.nonLoopbackAttempts, 0);
    assert.deepEqual(atLeastMedium(report).map((f) => f.id), []);
    assert.ok(report.differences.some((d) => d.path.endsWith('.headers.host')));
  });
});
