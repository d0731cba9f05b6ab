// diffReports on reports built here: findings matched by fingerprint whatever their location, changes in
// severity, decoded data and evidence, inventory sections, and what an upgrade gate fails on.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Evidence, Finding, Severity } from '../../src/model/finding.js';
import { emptyInventory, type Report } from '../../src/model/report.js';
import { diffReports, gateFindings } from '../../src/history/diff.js';
import type { FindingKind } from '../../src/model/catalogue.js';

/** A finding as a report holds it; its fingerprint is `<kind>-fp` unless given (the identity is the model's job). */
function finding(ruleId: FindingKind, severity: Severity, over: Partial<Finding> & { line?: number } = {}): Finding {
  const line = over.line ?? 1;
  const location = { file: 'lib/main.js', offset: line * 100, line, column: 5 };
  return {
    id: `${ruleId}@lib/main.js:${line}:5`,
    ruleId,
    category: over.category ?? 'region-targeting',
    severity,
    policy: { row: 'region-decision-effect', reason: 'r' },
    fingerprint: over.fingerprint ?? `${ruleId}-fp`,
    title: over.title ?? `${ruleId} title`,
    message: 'm',
    location,
    related: over.related ?? [{ role: 'source', location, note: 'reads the time zone' }],
    decoded: over.decoded ?? [],
    excerpt: '',
  };
}

function report(version: string, findings: Finding[], inv: Partial<Report['inventory']> = {}): Report {
  return {
    tool: { name: 'telltale', version: '0' },
    target: { spec: `pkg@${version}`, kind: 'registry', name: 'pkg', version },
    findings,
    inventory: { ...emptyInventory(), ...inv },
    stats: { files: 1, bytes: 1, ms: 1, limits: [] },
  };
}

const item = (value: string) => ({ value, count: 1, locations: [] });
const sink: Evidence = { role: 'sink', location: { file: 'lib/main.js', offset: 1, line: 1, column: 1 }, note: 'sent to a network request' };

describe('diffReports', () => {
  it('matches a finding whose location moved, and reports nothing for it', () => {
    const d = diffReports(report('1', [finding('region-targeting', 'high', { line: 10 })]), report('2', [finding('region-targeting', 'high', { line: 4000 })]));
    assert.deepEqual([d.findings.added.length, d.findings.removed.length, d.findings.changed.length, d.findings.unchanged.length], [0, 0, 0, 1]);
  });

  it('new and removed findings', () => {
    const d = diffReports(report('1', [finding('fingerprint-sent', 'medium', { category: 'fingerprint' })]), report('2', [finding('region-targeting', 'high')]));
    assert.deepEqual(d.findings.added.map((f) => f.ruleId), ['region-targeting']);
    assert.deepEqual(d.findings.removed.map((f) => f.ruleId), ['fingerprint-sent']);
  });

  it('a changed severity, decoded text and evidence chain', () => {
    const before = finding('region-targeting', 'medium', { decoded: [{ encoding: 'base64', text: 'a.example' }] });
    const after = finding('region-targeting', 'high', { decoded: [{ encoding: 'base64', text: 'b.example' }], related: [...before.related, sink] });
    const d = diffReports(report('1', [before]), report('2', [after]));
    assert.equal(d.findings.changed.length, 1);
    const c = d.findings.changed[0]!;
    assert.deepEqual(c.severity, { from: 'medium', to: 'high' });
    assert.deepEqual(c.decoded, { added: ['base64: b.example'], removed: ['base64: a.example'] });
    assert.deepEqual(c.evidence, { added: ['sink'], removed: [] });
    assert.equal(c.fingerprint, 'region-targeting-fp');
  });

  it('a third finding about the same thing (fingerprint `:3`) is new; the two that were there are unchanged', () => {
    const f = (fingerprint: string) => finding('hidden-data', 'low', { category: 'hidden-data', fingerprint });
    const d = diffReports(report('1', [f('h'), f('h:2')]), report('2', [f('h'), f('h:2'), f('h:3')]));
    assert.deepEqual([d.findings.added.map((x) => x.fingerprint), d.findings.removed.length, d.findings.unchanged.length], [['h:3'], 0, 2]);
  });

  it('inventory sections: destinations, variables, sources, install scripts, binaries, decoded data', () => {
    const before = report('1', [], {
      hosts: [item('api.example.com')],
      envVars: [item('TOOL_HOME')],
      installScripts: [{ name: 'postinstall', command: 'node setup.js' }],
    });
    const after = report('2', [finding('hidden-data', 'low', { category: 'hidden-data', decoded: [{ encoding: 'base64', text: 'hidden words' }] })], {
      hosts: [item('api.example.com'), item('collect.example.net')],
      urls: [item('https://collect.example.net/v1')],
      fingerprintSources: [item('hostname')],
      installScripts: [{ name: 'postinstall', command: 'node setup.js --report' }],
      binaries: [{ file: 'bin/helper', type: 'ELF executable', bytes: 10 }],
    });
    const s = diffReports(before, after).sections;
    assert.deepEqual(s.hosts, { added: ['collect.example.net'], removed: [] });
    assert.deepEqual(s.urls, { added: ['https://collect.example.net/v1'], removed: [] });
    assert.deepEqual(s.envVars, { added: [], removed: ['TOOL_HOME'] });
    assert.deepEqual(s.fingerprintSources, { added: ['hostname'], removed: [] });
    assert.deepEqual(s.installScripts, { added: ['postinstall: node setup.js --report'], removed: ['postinstall: node setup.js'] });
    assert.deepEqual(s.binaries, { added: ['bin/helper [ELF executable]'], removed: [] });
    assert.deepEqual(s.decoded, { added: ['base64: hidden words'], removed: [] });
  });
});

describe('gateFindings', () => {
  const cases: [string, Finding[], Finding[], Severity, string[]][] = [
    ['a new high finding fails a high gate', [], [finding('region-targeting', 'high')], 'high', ['region-targeting']],
    ['a new medium finding passes a high gate', [], [finding('fingerprint-sent', 'medium')], 'high', []],
    ['a high finding that was already there passes', [finding('region-targeting', 'high')], [finding('region-targeting', 'high', { line: 9 })], 'high', []],
    ['medium raised to high fails', [finding('region-targeting', 'medium')], [finding('region-targeting', 'high')], 'high', ['region-targeting']],
    ['high raised to critical passes a high gate (it was already failing it)', [finding('region-targeting', 'high')], [finding('region-targeting', 'critical')], 'high', []],
    ['a removed finding never fails', [finding('region-targeting', 'critical')], [], 'info', []],
  ];
  for (const [name, before, after, failOn, expected] of cases) {
    it(name, () => {
      assert.deepEqual(gateFindings(diffReports(report('1', before), report('2', after)), failOn).map((f) => f.ruleId), expected);
    });
  }
});
