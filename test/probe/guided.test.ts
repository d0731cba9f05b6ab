import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { emptyInventory, type ComparedValues, type Report } from '../../src/model/report.js';
import type { Finding } from '../../src/model/finding.js';
import { audit } from '../../src/audit/audit.js';
import { comparisonsFromStatic, guidedPersonas, type GuidedComparison } from '../../src/probe/guided.js';
import { BASELINE, buildMatrix } from '../../src/probe/persona.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../test/probe/fixtures');
const at = { file: 'cli.js', offset: 0, line: 1, column: 1 };

function reportWith(notes: string[], comparisons?: ComparedValues[]): Report {
  const f: Finding = {
    id: 'region-targeting@cli.js:1:1',
    ruleId: 'region-targeting',
    category: 'region-targeting',
    severity: 'high',
    policy: { row: 'region-decision-effect', reason: 'r' },
    fingerprint: 'f',
    title: 't',
    message: 'm',
    location: at,
    related: notes.map((note) => ({ role: 'condition', location: at, note })),
    decoded: [],
    excerpt: '',
  };
  const inventory = emptyInventory();
  if (comparisons) inventory.comparisons = comparisons;
  else delete inventory.comparisons;
  return { tool: { name: 'telltale', version: '0' }, target: { spec: 'x', kind: 'folder' }, findings: notes.length ? [f] : [], inventory, stats: { files: 0, bytes: 0, ms: 0, limits: [] } };
}

const compared = (sources: ComparedValues['sources'], op: string, values: string[], line: number, targeting = false): ComparedValues => ({ sources, reads: ['x'], op, values, targeting, location: { ...at, line } });
const choices = (g: GuidedComparison[]) => g.map((c) => c.choices.map((ch) => `${ch.dim}=${ch.value}`));
const offsetOf = (zone: string, now: Date) => new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'shortOffset' }).formatToParts(now).find((p) => p.type === 'timeZoneName')!.value;

describe('static-guided personas: what a comparison accepts', () => {
  const now = new Date('2026-06-01T12:00:00Z');
  it("from a finding's condition steps (reports without an inventory of comparisons): zones, offsets, locales, hosts", () => {
    const g = comparisonsFromStatic(
      reportWith([
        'time zone compared (===) with "Pacific/Auckland" → NZ New Zealand',
        'time zone compared (===) with "-330"',
        'time zone compared (===) with "GMT+9"',
        'locale compared (===) with "ko-KR" → KR South Korea, "vi"',
        'configured URL/host compared (endsWith) with ".example.kr", "gw.example.ir"',
        'user name compared (===) with "root"',
      ]),
      now,
    );
    const c = choices(g);
    assert.equal(c.length, 5, 'the user-name comparison has no persona dimension');
    assert.deepEqual(c[0], ['tz=Pacific/Auckland']);
    assert.deepEqual([offsetOf(g[1]!.choices[0]!.value, now), offsetOf(g[2]!.choices[0]!.value, now)], ['GMT+5:30', 'GMT+9']);
    assert.deepEqual(c[3], ['lang=ko_KR.UTF-8', 'lang=vi_VN.UTF-8']);
    assert.deepEqual(c[4], ['host=api.example.kr', 'host=gw.example.ir']);
    assert.equal(g[0]!.where, 'region-targeting@cli.js:1:1');
  });

  it("from the report's inventory of comparisons, targeting or not: a configured endpoint compared with a constant list of hosts", () => {
    const g = comparisonsFromStatic(
      reportWith(
        [],
        [
          compared(['host-url'], 'includes', ['gw.example.kr', 'gw.example.vn'], 3),
          compared(['host-url'], 'test', ['.kr', '.vn'], 4),
          compared(['timezone'], '===', ['-540 (UTC+9)'], 5, true),
          compared(['timezone'], '===', ['8 h (UTC+8 or UTC-8)'], 6, true),
          compared(['locale'], '===', ['en-US'], 7),
          compared(['hostname'], 'endsWith', ['.corp.example.kr'], 8),
        ],
      ),
      now,
    );
    const c = choices(g);
    assert.deepEqual(c[0], ['host=gw.example.kr', 'host=gw.example.vn']);
    assert.deepEqual(c[1], ['host=api.example.kr', 'host=api.example.vn']);
    assert.equal(offsetOf(g[2]!.choices[0]!.value, now), 'GMT+9', 'getTimezoneOffset() minutes are west');
    assert.equal(offsetOf(g[3]!.choices[0]!.value, now), 'GMT+8', 'hours are read east');
    assert.deepEqual(c[4], ['lang=en_US.UTF-8']);
    assert.equal(g.length, 5, 'the machine host name is not a base-URL host');
    assert.equal(g[0]!.where, 'cli.js:3:1');
    assert.match(g[0]!.what, /^host-url includes "gw\.example\.kr", "gw\.example\.vn"$/);
  });

  it('ignores what no persona can be: paths, odd zone names, non-locale words', () => {
    const g = comparisonsFromStatic(
      reportWith(
        ['time zone compared (===) with "../../etc/passwd"', 'locale compared (===) with "hello world"'],
        [compared(['timezone'], '===', ['Mars/Olympus'], 2), compared(['host-url'], '===', ['not a host!'], 3)],
      ),
      now,
    );
    assert.deepEqual(g, []);
  });
});

describe('static-guided personas: which are added', () => {
  const comparison = (what: string, ...c: string[]): GuidedComparison => ({
    where: 'cli.js:1:1',
    what,
    choices: c.map((x) => ({ dim: x.split('=')[0] as 'tz', value: x.split('=')[1]!, compared: x.split('=')[1]! })),
  });
  it('one persona for each comparison nothing satisfies yet, varied on its own; satisfied ones add nothing', () => {
    const matrix = buildMatrix({ tz: ['UTC', 'Asia/Shanghai'] });
    const { personas, guided, notRun } = guidedPersonas(
      [
        comparison('zone list with Shanghai', 'tz=Asia/Shanghai', 'tz=Asia/Seoul'),
        comparison('Auckland', 'tz=Pacific/Auckland'),
        comparison('Auckland again, elsewhere', 'tz=Pacific/Auckland'),
        comparison('Korean or Vietnamese', 'lang=ko_KR.UTF-8', 'lang=vi_VN.UTF-8'),
        comparison('the default locale', 'lang=en_US.UTF-8'),
        comparison('gateways', 'host=gw.example.kr', 'host=gw.example.vn'),
      ],
      matrix,
    );
    assert.deepEqual(personas, [
      { ...BASELINE, tz: 'Pacific/Auckland' },
      { ...BASELINE, lang: 'ko_KR.UTF-8' },
      { ...BASELINE, host: 'gw.example.kr' },
    ]);
    assert.deepEqual(guided.map((g) => `${g.dim}=${g.value}`), ['tz=Pacific/Auckland', 'lang=ko_KR.UTF-8', 'host=gw.example.kr']);
    assert.match(guided[2]!.because, /^cli\.js:1:1: gateways \(satisfied by "gw\.example\.kr"\)$/);
    assert.deepEqual(notRun, []);
  });

  it('stops at the persona limit and says which comparisons were not run', () => {
    const { personas, notRun } = guidedPersonas([comparison('a', 'tz=Asia/Seoul'), comparison('b', 'tz=Asia/Tokyo'), comparison('c', 'tz=Asia/Dubai')], [BASELINE], 2);
    assert.equal(personas.length, 2);
    assert.deepEqual(notRun.map((c) => c.what), ['c']);
  });
});

describe('static-guided personas from an audit of the targeted fixture (no sandbox)', () => {
  it('the zone, the locale and the gateway list become exactly three personas beside tz=UTC,Asia/Shanghai', async () => {
    const report = await audit(path.join(FIXTURES, 'targeted-tool'));
    const hosts = report.inventory.comparisons!.filter((c) => c.sources.includes('host-url'));
    assert.deepEqual(
      hosts.map((c) => [c.op, c.values, c.targeting, c.location.line]),
      [['includes', ['gw.quillstack.kr', 'gw.quillstack.vn'], false, 15]],
      'the endpoint compared with a list of hosts is in the inventory, below finding level',
    );
    assert.ok(!report.findings.some((f) => f.related.some((e) => e.note?.includes('quillstack'))), 'and no finding names it');
    const { guided } = guidedPersonas(comparisonsFromStatic(report), buildMatrix({ tz: ['UTC', 'Asia/Shanghai'] }));
    assert.deepEqual(guided.map((g) => `${g.dim}=${g.value}`), ['tz=Pacific/Auckland', 'lang=ko_KR.UTF-8', 'host=gw.quillstack.kr']);
  });
});
