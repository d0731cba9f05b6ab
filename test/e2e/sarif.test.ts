// SARIF of a real release (TELLTALE_E2E=1): the audit of @anthropic-ai/claude-code@2.1.91 as SARIF validates against
// the SARIF 2.1.0 schema, and the covert-channel result's codeFlow walks the same steps, in flow order, as the
// evidence chain the text report prints for it. Asserting the specifics of one real package is what e2e tests are
// for; src/ never names it. test/report/sarif.test.ts checks the same property on a fixture in every run.
import assert from 'node:assert/strict';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mkdtemp, rm } from 'node:fs/promises';
import { runCli, type CliResult } from '../cli/run-cli.js';
import { inFlowOrder, sarifSteps, textFindings } from '../helpers/chain.js';
import { sarifErrors, sarifSchemaSource } from '../helpers/sarif-schema.js';

const ENABLED = process.env.TELLTALE_E2E === '1';
const SKIP = ENABLED ? false : 'set TELLTALE_E2E=1 to run: downloads @anthropic-ai/claude-code@2.1.91 from the npm registry and audits it twice (minutes)';
const CACHE = process.env.TELLTALE_CACHE || join(homedir(), '.cache', 'telltale');
const SPEC = '@anthropic-ai/claude-code@2.1.91';

describe(`SARIF of ${SPEC} (TELLTALE_E2E=1)`, { skip: SKIP, concurrency: 1 }, () => {
  let tmp: string;
  let sarif: CliResult;
  let text: CliResult;
  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'telltale-e2e-sarif-'));
    const env = { home: process.env.HOME ?? homedir(), cache: CACHE, tmp };
    // The registry and proxy settings of this environment, as a user's shell has them.
    const pass = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && !['HOME', 'TELLTALE_CACHE', 'TMPDIR', 'NO_COLOR', 'FORCE_COLOR'].includes(e[0])));
    // The same audit twice, as a user would run it for code scanning and for reading.
    sarif = await runCli(['audit', SPEC, '--format', 'sarif', '--quiet'], env, 900_000, pass);
    text = await runCli(['audit', SPEC, '--quiet'], env, 900_000, pass);
  });
  after(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it(`validates against the SARIF 2.1.0 schema (${sarifSchemaSource().label})`, { timeout: 1_800_000 }, (t) => {
    t.diagnostic(`sarif: exit ${sarif.code}, ${(sarif.ms / 1000).toFixed(0)} s, ${sarif.stdout.length} bytes; text: exit ${text.code}, ${(text.ms / 1000).toFixed(0)} s`);
    assert.equal(sarif.code, 1, sarif.stderr.slice(0, 500));
    const log = JSON.parse(sarif.stdout);
    assert.deepEqual(sarifErrors(log), []);
    assert.equal(log.runs[0].automationDetails.id, `telltale/audit/${SPEC}/`);
  });

  it('the covert-channel result has the codeFlow of the text report\'s chain', { timeout: 1_800_000 }, (t) => {
    assert.equal(text.code, 1, text.stderr.slice(0, 500));
    const log = JSON.parse(sarif.stdout);
    const results = log.runs[0].results as any[];
    const covert = results.filter((r) => r.ruleId === 'covert-channel-mechanism');
    assert.equal(covert.length, 1, `covert-channel results: ${covert.length}`);
    const shown = textFindings(text.stdout).filter((f) => f.ruleId === 'covert-channel-mechanism');
    assert.equal(shown.length, 1, 'one covert-channel finding in the text report');
    const steps = sarifSteps(covert[0]);
    t.diagnostic(`${steps.length} steps: ${steps.map((s) => s.role).join(' → ')}`);
    assert.ok(steps.length >= 5, `${steps.length} steps`);
    for (const must of ['source', 'condition', 'choice', 'sink']) assert.ok(steps.some((s) => s.role === must), `no ${must} step`);
    assert.deepEqual(steps, inFlowOrder(shown[0]!.steps));
    const loc = covert[0].locations[0].physicalLocation;
    assert.equal(`${decodeURIComponent(loc.artifactLocation.uri)}:${loc.region.startLine}:${loc.region.startColumn}`, shown[0]!.at);
  });
});
