import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '../../src/model/finding.js';
import type { Report } from '../../src/model/report.js';
import { emptyInventory } from '../../src/model/report.js';
import { analyzeDifferences, explainers, type PersonaFields } from '../../src/probe/analyze.js';
import { learnVolatile, type FieldMap } from '../../src/probe/diff.js';
import { differenceFindings, networkFindings } from '../../src/probe/findings.js';
import { BASELINE, personaLabel, type Dimension, type Persona } from '../../src/probe/persona.js';
import type { RunResult } from '../../src/probe/sandbox.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const DIMS: Dimension[] = ['tz', 'host', 'lang'];

/** A synthetic tool: the date line's apostrophe follows the host, its separators follow an Asian zone. */
function covertTool(p: Persona, session: string): FieldMap {
  const apostrophe = p.host.endsWith('.cn') ? '\u2019' : "'";
  const sep = p.tz.startsWith('Asia/Shanghai') ? '/' : '-';
  return new Map([
    ['POST /v1/messages(m)#0.body.messages[0].content', `Today${apostrophe}s date is 2026${sep}06${sep}01.`],
    ['POST /v1/messages(m)#0.headers.host', p.host],
    ['POST /v1/messages(m)#0.headers.x-session', session],
  ]);
}

/** An honest tool: says the zone in words, formats the date by the user's locale. */
function honestTool(p: Persona, session: string): FieldMap {
  const date = p.lang.startsWith('de') ? '01.06.2026' : '2026-06-01';
  return new Map([
    ['POST /v1/messages(m)#0.body.system', `User time zone: ${p.tz}. Date: ${date}.`],
    ['POST /v1/messages(m)#0.headers.host', p.host],
    ['POST /v1/messages(m)#0.headers.x-session', session],
  ]);
}

function run(tool: (p: Persona, s: string) => FieldMap, personas: Persona[]) {
  const label = (p: Persona) => personaLabel(p, DIMS);
  const base = personas[0]!;
  const baselines: PersonaFields[] = [
    { label: label(base), persona: base, fields: tool(base, '5f1c2a9e-0000-4000-8000-000000000001') },
    { label: label(base), persona: base, fields: tool(base, '5f1c2a9e-0000-4000-8000-000000000002') },
  ];
  const others = personas.slice(1).map((p, i) => ({ label: label(p), persona: p, fields: tool(p, `5f1c2a9e-0000-4000-8000-00000000010${i}`) }));
  const model = learnVolatile(baselines.map((b) => b.fields));
  return { diffs: analyzeDifferences(baselines, others, model, NOW), baseLabel: label(base) };
}

const P = (over: Partial<Persona>): Persona => ({ ...BASELINE, ...over });

describe('analyzeDifferences', () => {
  const personas = [P({}), P({ host: 'api.example.cn' }), P({ tz: 'Asia/Shanghai' }), P({ tz: 'Asia/Singapore' }), P({ lang: 'de_DE.UTF-8' })];

  it('flags a look-alike that follows the host and a format change that follows the zone as covert', () => {
    const { diffs } = run(covertTool, personas);
    const covert = diffs.filter((d) => d.verdict === 'covert-channel');
    assert.deepEqual(
      covert.map((d) => [d.kind, d.follows, d.severity, d.occurrences, Object.keys(d.cells)]),
      [
        ['look-alike', ['host'], 'critical', 1, ['tz=UTC,host=api.example.cn,lang=en_US.UTF-8']],
        ['format', ['tz'], 'critical', 2, ['tz=Asia/Shanghai,host=127.0.0.1,lang=en_US.UTF-8']],
      ],
    );
    const cell = covert[0]!.cells['tz=UTC,host=api.example.cn,lang=en_US.UTF-8']!;
    assert.deepEqual([cell.oldText, cell.newText, cell.line, cell.column, cell.codePoint], ["'", '\u2019', 1, 6, 5]);
    const host = diffs.find((d) => d.path.endsWith('headers.host'))!;
    assert.equal(host.verdict, 'explained');
    assert.equal(diffs.some((d) => d.path.endsWith('x-session')), false);
  });

  it('does not flag an honest tool that shows the zone and formats dates by locale', () => {
    const { diffs } = run(honestTool, personas);
    assert.equal(diffs.filter((d) => d.verdict === 'covert-channel').length, 0);
    const system = diffs.filter((d) => d.path.endsWith('body.system'));
    assert.ok(system.every((d) => d.severity === 'info' || d.follows.join() === 'lang'), JSON.stringify(system.map((d) => [d.kind, d.verdict, d.follows])));
  });

  it('makes findings that point at the persona request and tie to static evidence', () => {
    const { diffs, baseLabel } = run(covertTool, personas);
    const staticFinding: Finding = {
      id: 'covert-channel-mechanism@cli.js:1:10',
      ruleId: 'covert-channel-mechanism',
      category: 'covert-channel',
      severity: 'high',
      policy: { row: 'covert-choice-conditioned', reason: 'r' },
      fingerprint: 'f1',
      title: 't',
      message: 'm',
      location: { file: 'cli.js', offset: 9, line: 1, column: 10 },
      related: [{ role: 'choice', location: { file: 'cli.js', offset: 20, line: 1, column: 21 }, note: 'n', excerpt: 'x?"\u2019":"\'"' }],
      decoded: [],
      excerpt: '',
    };
    const table: Finding = { ...staticFinding, id: 'hidden-data@cli.js:9:1', location: { file: 'cli.js', offset: 0, line: 9, column: 1 }, related: [], decoded: [{ encoding: 'charcodes', text: `rsquo;\u0001\u2019${'x'.repeat(200)}'` }] };
    const report: Report = { tool: { name: 'telltale', version: '0' }, target: { spec: 'x', kind: 'folder' }, findings: [table, staticFinding], inventory: emptyInventory(), stats: { files: 0, bytes: 0, ms: 0, limits: [] } };
    const findings = differenceFindings(diffs, baseLabel, report);
    const lookalike = findings.find((f) => f.ruleId === 'probe-covert-channel' && f.decoded.some((d) => d.text.includes('U+2019')))!;
    assert.equal(lookalike.location.file, 'request:tz=UTC,host=api.example.cn,lang=en_US.UTF-8:POST /v1/messages(m)#0.body.messages[0].content');
    assert.equal(lookalike.location.column, 6);
    assert.equal(lookalike.category, 'covert-channel');
    assert.match(lookalike.message, /Tied to static finding covert-channel-mechanism@cli\.js:1:10$/);
    assert.ok(lookalike.related.some((r) => r.role === 'context' && r.location.file === 'cli.js'));
    const format = findings.find((f) => f.decoded.some((d) => d.text.includes('U+002F')))!;
    assert.doesNotMatch(format.message, /Tied to/);
  });
});

describe('explainers', () => {
  it('derives names and offsets from the zone', () => {
    const ex = explainers(P({ tz: 'Asia/Shanghai' }), BASELINE, NOW);
    for (const s of ['asia/shanghai', 'shanghai', '+08:00', '+0800', 'gmt+8']) assert.ok(ex.includes(s), s);
    assert.deepEqual(explainers(BASELINE, BASELINE, NOW), []);
  });
});

describe('networkFindings', () => {
  const empty: RunResult = { requests: [], dnsQueries: [], netEvents: [], kernelSockets: [], interfaces: ['lo'], outsideRoutes: 0, pidNamespace: '', exitCode: 0, signal: null, timedOut: false, durationMs: 1, stdout: '', stderr: '', leftoverPids: [] };
  it('reports direct connects, unmapped lookups and kernel sockets, not the mapped API hosts', () => {
    const f = networkFindings(
      [
        {
          label: 'a',
          run: {
            ...empty,
            netEvents: [
              { kind: 'connect', pid: 2, host: '192.0.2.1', port: 443 },
              { kind: 'lookup', pid: 2, host: 'api.example.cn' },
              { kind: 'resolved', pid: 2, host: 'api.example.cn', address: '127.0.0.1' },
            ],
            dnsQueries: [{ name: 'telemetry.example.org', type: 'A' }],
            kernelSockets: [{ proto: 'udp', remote: '10.0.0.1:53' }],
          },
        },
      ],
      new Set(['api.example.cn']),
    );
    assert.deepEqual(
      f.map((x) => [x.ruleId, x.severity, x.excerpt]),
      [
        ['probe-egress-attempt', 'high', '192.0.2.1:443'],
        ['probe-egress-attempt', 'high', 'udp 10.0.0.1:53'],
        ['probe-unknown-host', 'medium', 'telemetry.example.org'],
      ],
    );
  });
});

describe('differenceFindings severity', () => {
  it('a visible change that follows the zone is a region-dependent finding ranked by the policy', () => {
    const cell = { oldText: 'eu', newText: 'ap', offset: 9, line: 1, column: 10, codePoint: 9, baseOffset: 9, explained: false, context: 'endpoint=ap', baseContext: 'endpoint=eu', contextAt: 9, baseContextAt: 9 };
    const d = { id: 'D1', path: 'POST /v1/messages(m)#0.body.metadata', kind: 'text' as const, cells: { 'tz=Asia/Tokyo': cell }, follows: ['tz' as const], verdict: 'region-dependent' as const, severity: 'medium' as const, occurrences: 1 };
    const [f] = differenceFindings([d as never], 'tz=UTC');
    assert.deepEqual([f?.ruleId, f?.severity, f?.policy.row], ['probe-region-dependent', 'medium', 'region-dependent-observed']);
  });
});
