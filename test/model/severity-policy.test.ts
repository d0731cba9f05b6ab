// The severity policy as a table: one case per row (traits → severity and row), and the precedence
// rule. A row without a case fails the coverage test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decide, POLICY_ROWS, type PolicyRowId } from '../../src/model/severity-policy.js';
import { traits, type Traits } from '../../src/model/traits.js';
import type { Severity } from '../../src/model/finding.js';

interface Case {
  name: string;
  t: Partial<Traits>;
  row: PolicyRowId;
  severity: Severity | null;
}

const CASES: Case[] = [
  { name: 'look-alike choice on the time zone sent to a model', t: { covertChoice: true, sources: ['timezone'], effect: 'model-request' }, row: 'covert-choice-leaves', severity: 'critical' },
  { name: 'format change on the host kept as request context', t: { covertChoice: true, sources: ['host-url'], inferredRequestText: true }, row: 'covert-choice-leaves', severity: 'critical' },
  { name: 'hidden host list decides the endpoint', t: { regionDecision: 'singles-out', hiddenData: true, sources: ['host-url'], effect: 'network' }, row: 'hidden-region-decision-leaves', severity: 'critical' },
  { name: 'zone list decides a console message', t: { regionDecision: 'singles-out', sources: ['timezone'], effect: 'console' }, row: 'region-decision-effect', severity: 'high' },
  { name: 'zone list decides a delay', t: { regionDecision: 'singles-out', sources: ['timezone'], effect: 'delay' }, row: 'region-decision-effect', severity: 'high' },
  { name: 'zone list in a postinstall script, no effect traced', t: { regionDecision: 'singles-out', sources: ['timezone'], installTime: true }, row: 'install-time', severity: 'high' },
  { name: 'user name sent from a detached reporter', t: { sent: ['identity'], background: true, sources: ['username'], effect: 'network', destination: 'unknown' }, row: 'identity-from-install-or-background', severity: 'high' },
  { name: 'prompts sent to an analytics service', t: { sent: ['prompts'], destination: 'third-party-telemetry', effect: 'network' }, row: 'content-to-third-party', severity: 'high' },
  { name: 'embedded code hidden from the headers', t: { codeHiddenFromContainer: true }, row: 'code-hidden-from-container', severity: 'high' },
  { name: 'bin could not be analysed', t: { entryUnanalysed: true }, row: 'entry-unanalysed', severity: 'high' },
  { name: 'string-array obfuscator in a readable package', t: { heavyObfuscation: true }, row: 'heavy-obfuscation', severity: 'high' },
  { name: 'look-alike on a zone match, output not traced', t: { covertChoice: true, sources: ['timezone'], regionDecision: 'singles-out' }, row: 'covert-choice-conditioned', severity: 'high' },
  { name: 'hidden host list, no effect traced', t: { regionDecision: 'singles-out', hiddenData: true, sources: ['host-url'] }, row: 'hidden-region-decision', severity: 'high' },
  { name: 'host name base64-encoded into a request', t: { encodedOnTheWay: true, sources: ['hostname'], effect: 'network' }, row: 'encoded-fingerprint-sent', severity: 'high' },
  { name: 'names of machine-id files stored encoded', t: { hiddenContent: 'source-names' }, row: 'hidden-source-names', severity: 'high' },
  { name: 'probe: the tool tried to leave loopback', t: { runIssue: 'egress-attempt' }, row: 'probe-egress-attempt', severity: 'high' },
  { name: 'probe: processes survived the run', t: { runIssue: 'surviving-process' }, row: 'probe-surviving-process', severity: 'high' },
  { name: 'regional endpoints covering the world', t: { regionDecision: 'partition', sources: ['timezone'], effect: 'network' }, row: 'region-partition', severity: 'medium' },
  { name: 'probe: request differs between personas', t: { regionDecision: 'observed', sources: ['timezone'], effect: 'network' }, row: 'region-dependent-observed', severity: 'high' },
  { name: 'time zone sent to an analytics service', t: { sent: ['environment'], destination: 'third-party-telemetry', effect: 'network' }, row: 'identity-to-telemetry', severity: 'medium' },
  { name: 'host name in the clear in a request', t: { sources: ['hostname'], effect: 'network' }, row: 'identity-to-telemetry', severity: 'medium' },
  { name: 'encoded zone list, no decision found', t: { hiddenContent: 'region' }, row: 'hidden-region-data', severity: 'medium' },
  { name: 'zone compared with a list, no effect traced', t: { regionDecision: 'singles-out', sources: ['timezone'] }, row: 'region-decision-no-effect', severity: 'medium' },
  { name: 'look-alike on the zone, no effect traced', t: { covertChoice: true, sources: ['timezone'] }, row: 'covert-choice-no-effect', severity: 'medium' },
  { name: 'a package obfuscated throughout (nothing readable to compare with)', t: { heavyObfuscation: true, obfuscatedThroughout: true }, row: 'obfuscated-throughout', severity: 'medium' },
  { name: 'postinstall downloads code', t: { installScript: 'fetches-code' }, row: 'install-script-fetches-code', severity: 'medium' },
  { name: 'pkg executable', t: { packedRuntime: true }, row: 'packed-runtime', severity: 'medium' },
  { name: 'probe: unknown host looked up', t: { runIssue: 'unknown-host' }, row: 'probe-unknown-host', severity: 'medium' },
  { name: 'probe: a host contacted that the egress map did not predict', t: { runIssue: 'unpredicted-destination' }, row: 'probe-unpredicted-destination', severity: 'medium' },
  { name: 'encoded readable text', t: { hiddenContent: 'text' }, row: 'hidden-text', severity: 'low' },
  { name: 'postinstall script', t: { installScript: 'runs' }, row: 'install-script', severity: 'low' },
  { name: 'probe: run timed out', t: { runIssue: 'timeout' }, row: 'probe-timeout', severity: 'low' },
  { name: 'OS and version events, no opt-out', t: { sent: ['platform', 'usage'], destination: 'vendor', effect: 'network' }, row: 'platform-telemetry', severity: 'low' },
  { name: 'OS and version events behind DO_NOT_TRACK', t: { sent: ['platform', 'usage'], destination: 'vendor', effect: 'network', optOut: true }, row: 'platform-telemetry-opt-out', severity: 'info' },
  { name: 'prepare script', t: { installScript: 'git-only' }, row: 'git-only-script', severity: 'info' },
  { name: 'probe: no request', t: { runIssue: 'no-request' }, row: 'probe-no-request', severity: 'info' },
  { name: 'probe: difference explained by the persona', t: { explainedByPersona: true }, row: 'explained-by-persona', severity: 'info' },
  { name: 'parse error', t: { internal: true }, row: 'internal', severity: 'info' },
  { name: 'look-alike apostrophe chosen for the terminal', t: { covertChoice: true, sources: ['locale'], effect: 'console' }, row: 'covert-choice-displayed', severity: null },
  { name: 'zone tables of a date library', t: { regionDecision: 'format-only', sources: ['timezone'] }, row: 'region-format-only', severity: null },
];

for (const c of CASES) {
  test(`policy: ${c.name} → ${c.severity ?? 'no finding'} (${c.row})`, () => {
    const d = decide(traits(c.t));
    assert.equal(d.row, c.row);
    assert.equal(d.severity, c.severity);
    assert.ok(d.reason.length > 20);
  });
}

test('policy: every row has a case in the table above', () => {
  const covered = new Set(CASES.map((c) => c.row));
  assert.deepEqual(
    POLICY_ROWS.map((r) => r.id).filter((id) => !covered.has(id)),
    [],
  );
});

test('policy: row ids are unique and severities ordered most severe first (no-finding rows last)', () => {
  const ids = POLICY_ROWS.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length);
  const order = ['critical', 'high', 'medium', 'low', 'info', null];
  const ranks = POLICY_ROWS.map((r) => order.indexOf(r.severity));
  assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b));
});

test('policy: the highest matching row wins whatever else matches', () => {
  // A region decision with a console effect (high) in install-time code that also sends the host name.
  const d = decide(traits({ regionDecision: 'singles-out', sources: ['hostname'], effect: 'console', installTime: true, sent: ['identity'] }));
  assert.equal(d.severity, 'high');
  // Hidden data and a request lift the same decision to critical.
  assert.equal(decide(traits({ regionDecision: 'singles-out', hiddenData: true, sources: ['hostname'], effect: 'network' })).severity, 'critical');
});

test('policy: nothing seen is no finding', () => {
  assert.deepEqual(decide(traits({})), { severity: null, row: null, reason: 'no row of the severity policy applies' });
});
