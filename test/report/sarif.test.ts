// SARIF 2.1.0: valid against the schema for audit, diff and probe; rules from the catalogue; one codeFlow per
// evidence chain with the same steps as the report's chain; fingerprints; locations relative to the package root
// and inside executables; GitHub's limits kept and said.
import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FINDING_KINDS } from '../../src/model/catalogue.js';
import type { Finding } from '../../src/model/finding.js';
import { emptyInventory, type Report } from '../../src/model/report.js';
import { diffReports } from '../../src/history/diff.js';
import { renderDiffSarif } from '../../src/history/render-diff.js';
import { renderProbeSarif, type ProbeReport } from '../../src/probe/report.js';
import { buildSarif, FLOW_ORDER, SARIF_LIMITS } from '../../src/report/reporters/sarif.js';
import { tempRoot } from '../acquire/tar-fixtures.js';
import { runCli, scratchDirs, type Scratch } from '../cli/run-cli.js';
import { xorBase64 } from '../helpers/analyze.js';
import { inFlowOrder, sarifSteps, textFindings } from '../helpers/chain.js';
import { ERRATA01_STRUCTURE, errata01FromRtm5, sarifErrors, sarifSchemaSource, structureDigest } from '../helpers/sarif-schema.js';

const HIDDEN = 'edge.sample.cn,node.example.ru';
// A covert channel written for this test: a hidden list, the zone and a configured host, a look-alike choice, a request.
const COVERT = `
const K = 29;
const BLOB = "${xorBase64(HIDDEN, 29)}";
function open(s) { const b = Buffer.from(s, "base64"); let o = ""; for (const c of b) o += String.fromCharCode(c ^ K); return o.split(","); }
function where() { return Intl.DateTimeFormat().resolvedOptions().timeZone; }
function base() { const u = process.env.WIDGET_API_BASE; try { return new URL(u).hostname; } catch { return ""; } }
function tick() {
  const h = base(), z = where();
  const hit = open(BLOB).some((d) => h.endsWith(d)) || z === "Asia/Tehran";
  return hit ? "\\u2019" : "'";
}
export function send(text) {
  const msg = \`The user\${tick()}s note: \${text}\`;
  return fetch("https://api.widget.example/v2/complete", { method: "POST", body: JSON.stringify({ messages: [{ role: "user", content: msg }] }) });
}
`;

let root: string;
let s: Scratch;
let pkg: string;
let report: Report;
let sarif: any;
let text: string;

before(async () => {
  root = await tempRoot('sarif');
  s = await scratchDirs(root);
  pkg = join(root, 'widget');
  await mkdir(join(pkg, 'lib dir'), { recursive: true });
  await writeFile(join(pkg, 'package.json'), JSON.stringify({ name: 'widget', version: '1.0.0' }));
  await writeFile(join(pkg, 'lib dir', 'index.js'), COVERT);
  const [j, x, t] = await Promise.all([runCli(['audit', pkg, '--format', 'json', '--quiet'], s), runCli(['audit', pkg, '--format', 'sarif', '--quiet'], s), runCli(['audit', pkg, '--quiet'], s)]);
  assert.equal(j.code, 1, j.stderr);
  assert.equal(x.code, 1, x.stderr);
  assert.equal(t.code, 1, t.stderr);
  text = t.stdout;
  report = JSON.parse(j.stdout) as Report;
  sarif = JSON.parse(x.stdout);
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('audit --format sarif', () => {
  it(`validates against the SARIF 2.1.0 schema (${sarifSchemaSource().label})`, () => {
    assert.deepEqual(sarifErrors(sarif), []);
    assert.equal(sarif.version, '2.1.0');
    assert.equal(sarif.runs.length, 1);
  });

  it('has a rule for every kind of the catalogue, with help, a default level and tags', () => {
    const rules = sarif.runs[0].tool.driver.rules as any[];
    assert.deepEqual(rules.map((r) => r.id), [...FINDING_KINDS]);
    const covert = rules.find((r) => r.id === 'covert-channel-mechanism');
    assert.equal(covert.defaultConfiguration.level, 'error');
    assert.match(covert.help.text, /Severity rows that can apply/);
    assert.ok(covert.properties.tags.includes('covert-channel'));
    assert.ok(Number(covert.properties['security-severity']) >= 9);
    for (const r of rules) assert.ok(r.properties.tags.length <= SARIF_LIMITS.tagsPerRule);
  });

  it('has one result per finding, with the fingerprint, the severity and the decoded data', () => {
    const results = sarif.runs[0].results as any[];
    assert.equal(results.length, report.findings.length);
    const top = report.findings.find((f) => f.ruleId === 'covert-channel-mechanism')!;
    assert.ok(top, report.findings.map((f) => f.ruleId).join());
    const r = results.find((x) => x.properties.findingId === top.id);
    assert.equal(r.ruleId, 'covert-channel-mechanism');
    assert.equal(sarif.runs[0].tool.driver.rules[r.ruleIndex].id, r.ruleId);
    assert.equal(r.partialFingerprints['telltale/v1'], top.fingerprint);
    assert.equal(r.level, 'error');
    assert.equal(r.properties.severity, top.severity);
    assert.ok(r.message.text.includes(HIDDEN), r.message.text);
    assert.deepEqual(r.properties.decoded.map((d: any) => d.text), top.decoded.map((d) => d.text));
  });

  it('its codeFlow has the same steps as the report\'s evidence chain, source → condition → choice → sink', () => {
    const top = report.findings.find((f) => f.ruleId === 'covert-channel-mechanism')!;
    const r = sarif.runs[0].results.find((x: any) => x.properties.findingId === top.id);
    assert.equal(r.codeFlows.length, 1);
    const steps = r.codeFlows[0].threadFlows[0].locations as any[];
    const key = (role: string, line: number, col: number) => `${role}@${line}:${col}`;
    assert.deepEqual(
      steps.map((st) => key(st.kinds[0], st.location.physicalLocation.region.startLine, st.location.physicalLocation.region.startColumn)).sort(),
      top.related.map((e) => key(e.role, e.location.line, e.location.column)).sort(),
    );
    const roles = steps.map((st) => st.kinds[0] as string);
    const rank = roles.map((x) => FLOW_ORDER.indexOf(x as never));
    assert.deepEqual(rank, [...rank].sort((a, b) => a - b), roles.join(' → '));
    for (const must of ['source', 'condition', 'choice', 'sink']) assert.ok(roles.includes(must), roles.join(' → '));
    assert.deepEqual(steps.map((st) => st.executionOrder), steps.map((_, i) => i + 1));
  });

  it('its codeFlow walks the steps the text report prints for the chain, in flow order', () => {
    const shown = textFindings(text).filter((f) => f.ruleId === 'covert-channel-mechanism');
    assert.equal(shown.length, 1, text);
    const r = sarif.runs[0].results.find((x: any) => x.ruleId === 'covert-channel-mechanism');
    const steps = sarifSteps(r);
    assert.ok(steps.length >= 4, JSON.stringify(steps));
    assert.equal(shown[0]!.steps.length, steps.length);
    assert.deepEqual(steps, inFlowOrder(shown[0]!.steps));
    assert.ok(steps.every((st) => st.file === 'lib dir/index.js'), JSON.stringify(steps));
    // The chain parser itself: a text report whose chain lost a step no longer matches.
    const cut = textFindings(text.replace(/^ {4}sink .*\n/m, '')).find((f) => f.ruleId === 'covert-channel-mechanism')!;
    assert.notDeepEqual(inFlowOrder(cut.steps), steps);
  });

  it('locations are relative to the package root, percent-encoded', () => {
    const uris = new Set((sarif.runs[0].results as any[]).map((r) => r.locations[0].physicalLocation.artifactLocation.uri));
    assert.ok(uris.has('lib%20dir/index.js'), [...uris].join());
    for (const u of uris) assert.ok(!u.startsWith('/') && !u.includes(root), u);
    assert.equal(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uriBaseId, 'PKGROOT');
  });
});

function finding(over: Partial<Finding> = {}): Finding {
  return {
    id: 'hidden-data@a.js:1:1',
    ruleId: 'hidden-data',
    category: 'hidden-data',
    severity: 'low',
    policy: { row: 'hidden-text', reason: 'r' },
    fingerprint: 'f'.repeat(32),
    title: 'Hidden text',
    message: 'm',
    location: { file: 'a.js', offset: 0, line: 1, column: 1 },
    related: [],
    decoded: [{ encoding: 'base64', text: 'hello' }],
    excerpt: 'x',
    ...over,
  };
}

function reportOf(findings: Finding[], version = '1.0.0'): Report {
  return { tool: { name: 'telltale', version: '0.1.0' }, target: { spec: 'p', name: 'p', version, kind: 'registry' }, findings, inventory: emptyInventory(), stats: { files: 1, bytes: 1, ms: 1, limits: [] } };
}

describe('SARIF edge cases', () => {
  it('a location inside a compiled executable points at the executable and names the embedded path', () => {
    const f = finding({ location: { file: 'bin/tool!/$bunfs/root/cli.js', offset: 10, line: 3, column: 7 } });
    const log: any = buildSarif({ tool: { name: 'telltale', version: '0.1.0' }, target: reportOf([]).target, findings: [f], command: 'audit' });
    assert.deepEqual(sarifErrors(log), []);
    const loc = log.runs[0].results[0].locations[0];
    assert.equal(loc.physicalLocation.artifactLocation.uri, 'bin/tool');
    assert.equal(loc.properties.embeddedPath, '/$bunfs/root/cli.js');
    assert.match(loc.message.text, /inside the executable: \/\$bunfs\/root\/cli\.js:3:7/);
  });

  it('more results than GitHub shows are cut, least severe first, and the run says so', () => {
    const many = Array.from({ length: SARIF_LIMITS.results + 7 }, (_, i) => finding({ id: `h@${i}`, severity: i === SARIF_LIMITS.results + 6 ? 'high' : 'low', fingerprint: String(i).padStart(32, '0') }));
    const log: any = buildSarif({ tool: { name: 'telltale', version: '0.1.0' }, target: reportOf([]).target, findings: many, command: 'audit' });
    const run = log.runs[0];
    assert.equal(run.results.length, SARIF_LIMITS.results);
    assert.equal(run.results[0].properties.severity, 'high', 'the high finding at the end is kept');
    const notes = run.invocations[0].toolExecutionNotifications.map((n: any) => n.message.text).join('\n');
    assert.match(notes, /7 of 5007 findings left out, the least severe first/);
    assert.equal(run.properties.trimmed.length, 1);
  });

  it('diff: the newer release\'s findings with their baselineState', () => {
    const kept = finding();
    const added = finding({ id: 'n@1', fingerprint: 'a'.repeat(32), severity: 'high', decoded: [] });
    const log = JSON.parse(renderDiffSarif(diffReports(reportOf([kept]), reportOf([kept, added], '1.1.0')), { name: 'telltale', version: '0.1.0' }));
    assert.deepEqual(sarifErrors(log), []);
    const states = Object.fromEntries(log.runs[0].results.map((r: any) => [r.properties.fingerprint, r.baselineState]));
    assert.deepEqual(states, { [kept.fingerprint]: 'unchanged', [added.fingerprint]: 'new' });
  });

  it('probe: request locations are logical locations, and the log validates', () => {
    const f = finding({ ruleId: 'probe-region-dependent', category: 'region-targeting', severity: 'medium', location: { file: 'request:tz=Asia/Tehran:/v1/messages', offset: 4, line: 1, column: 5 } });
    const probe = { tool: { name: 'telltale', version: '0.1.0' }, target: { spec: 'x', kind: 'folder' }, findings: [f] } as unknown as ProbeReport;
    const log = JSON.parse(renderProbeSarif(probe));
    assert.deepEqual(sarifErrors(log), []);
    assert.equal(log.runs[0].results[0].locations[0].logicalLocations[0].name, 'request:tz=Asia/Tehran:/v1/messages');
    assert.equal(log.runs[0].automationDetails.id, 'telltale/probe/x/');
  });

  it('the schema is OASIS 2.1.0 errata01 in everything but prose', () => {
    assert.equal(structureDigest(errata01FromRtm5()), ERRATA01_STRUCTURE);
    if (process.env.TELLTALE_SARIF_SCHEMA) assert.equal(structureDigest(sarifSchemaSource().schema), ERRATA01_STRUCTURE);
  });

  it('a region without a start line, character or byte offset is rejected, as errata01 says', () => {
    const log: any = buildSarif({ tool: { name: 'telltale', version: '0.1.0' }, target: reportOf([]).target, findings: [finding()], command: 'audit' });
    log.runs[0].results[0].locations[0].physicalLocation.region = { startColumn: 3 };
    assert.ok(sarifErrors(log).some((e) => /anyOf/.test(e)), sarifErrors(log).join('\n'));
  });

  it('the schema check itself rejects a broken log', () => {
    const log: any = buildSarif({ tool: { name: 'telltale', version: '0.1.0' }, target: reportOf([]).target, findings: [finding()], command: 'audit' });
    log.runs[0].results[0].level = 'critical';
    assert.ok(sarifErrors(log).length > 0);
  });
});
