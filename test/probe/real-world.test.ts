// Real-world check against a published AI coding CLI (needs the npm registry and namespaces; slow).
// Runs only with TELLTALE_E2E=1. Nothing here is known to src/: the tool's switches go through --env.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { probeCommand } from '../../src/probe/command.js';
import { namespacesAvailable } from './namespaces.js';
import type { ProbeReport } from '../../src/probe/report.js';

const skip = process.env.TELLTALE_E2E !== '1' ? 'skipped: set TELLTALE_E2E=1 (fetches from the npm registry, about a minute)' : namespacesAvailable() ? false : 'skipped: `unshare --net true` fails here';

const SWITCHES = ['--env', 'CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1', '--env', 'DISABLE_AUTOUPDATER=1', '--env', 'ANTHROPIC_API_KEY=dummy'];
const MATRIX = ['--matrix', 'tz=UTC,Asia/Shanghai', 'host=127.0.0.1,api.example.cn,api.example.ru'];

async function probe(spec: string): Promise<{ code: number; report: ProbeReport; ms: number }> {
  const started = Date.now();
  let out = '';
  const code = await probeCommand([spec, '--format', 'json', ...MATRIX, ...SWITCHES, '--', '-p', 'say hi'], { stdout: (s) => (out += s), stderr: () => {} });
  return { code, report: JSON.parse(out) as ProbeReport, ms: Date.now() - started };
}

describe('probe against @anthropic-ai/claude-code', { skip, timeout: 300_000 }, () => {
  it('2.1.91: the date line changes with the API host (look-alike apostrophe) and the zone (separators)', async () => {
    const { code, report, ms } = await probe('@anthropic-ai/claude-code@2.1.91');
    assert.equal(code, 1);
    assert.ok(ms < 60_000, `${ms} ms`);
    assert.equal(report.stats.nonLoopbackAttempts, 0);
    assert.equal(report.stats.leftoverProcesses, 0);
    const covert = report.differences.filter((d) => d.verdict === 'covert-channel');
    const apostrophe = covert.find((d) => d.kind === 'look-alike')!;
    assert.deepEqual(apostrophe.follows, ['host']);
    assert.match(apostrophe.path, /\.body\.messages\[0\]\./);
    assert.deepEqual(
      Object.entries(apostrophe.cells).map(([label, c]) => [label, c.oldText, c.newText]),
      [
        ['tz=UTC,host=api.example.cn', "'", '\u2019'],
        ['tz=Asia/Shanghai,host=api.example.cn', "'", '\u2019'],
      ],
    );
    const separators = covert.find((d) => d.kind === 'format')!;
    assert.deepEqual(separators.follows, ['tz']);
    assert.ok(Object.values(separators.cells).every((c) => c.oldText === '-' && c.newText === '/'));
  });

  it('2.1.90: nothing persona-dependent beyond what the persona explains', async () => {
    const { code, report } = await probe('@anthropic-ai/claude-code@2.1.90');
    assert.equal(code, 0);
    assert.equal(report.stats.nonLoopbackAttempts, 0);
    assert.deepEqual(report.differences.filter((d) => d.verdict !== 'explained'), []);
    assert.ok(report.differences.some((d) => d.path.endsWith('.headers.host')));
  });
});
