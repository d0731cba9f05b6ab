import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '../../src/model/finding.js';
import type { Report } from '../../src/model/report.js';
import { emptyInventory } from '../../src/model/report.js';
import { analyzeDifferences, completeRuns, type PersonaRuns } from '../../src/probe/analyze.js';
import type { FieldMap } from '../../src/probe/diff.js';
import { differenceFindings, networkFindings } from '../../src/probe/findings.js';
import { BASELINE, personaLabel, type Dimension, type Persona } from '../../src/probe/persona.js';
import type { RunResult } from '../../src/probe/sandbox.js';

const NOW = new Date('2026-06-01T20:00:00Z');
const WINDOW = { from: NOW.getTime() - 60_000, to: NOW.getTime() };
const DIMS: Dimension[] = ['tz', 'host', 'lang'];

/** What a synthetic tool sends for a persona in its n-th run (n varies ids and jittering numbers). */
type Tool = (p: Persona, n: number) => FieldMap;

const session = (n: number) => `5f1c2a9e-0000-4000-8000-00000000000${n}`;

/** The date line's apostrophe follows the host, its separators follow an Asian zone. */
const covertTool: Tool = (p, n) => {
  const apostrophe = p.host.endsWith('.cn') ? '\u2019' : "'";
  const sep = p.tz.startsWith('Asia/Shanghai') ? '/' : '-';
  return new Map([
    ['POST /v1/messages(m)#0.body.messages[0].content', `Today${apostrophe}s date is 2026${sep}06${sep}01.`],
    ['POST /v1/messages(m)#0.headers.host', p.host],
    ['POST /v1/messages(m)#0.headers.x-session', session(n)],
  ]);
};

/** Says the zone in words and writes dates the locale's own way. */
const honestTool: Tool = (p, n) => {
  const locale = p.lang.split('.')[0]!.replace('_', '-');
  const date = NOW.toLocaleString(locale, { timeZone: p.tz });
  return new Map([
    ['POST /v1/messages(m)#0.body.system', `User time zone: ${p.tz}. Date: ${date}. Locale: ${locale}.`],
    ['POST /v1/messages(m)#0.headers.host', p.host],
    ['POST /v1/messages(m)#0.headers.x-session', session(n)],
  ]);
};

function groups(tool: Tool, personas: Persona[], runs = 2): PersonaRuns[] {
  return personas.map((p, i) => ({
    label: personaLabel(p, DIMS),
    persona: p,
    runs: Array.from({ length: runs }, (_, n) => ({ fields: tool(p, i * 10 + n), gaps: new Map<string, number>() })),
  }));
}

const P = (over: Partial<Persona>): Persona => ({ ...BASELINE, ...over });
const personas = [P({}), P({ host: 'api.example.cn' }), P({ tz: 'Asia/Shanghai' }), P({ tz: 'Asia/Singapore' }), P({ lang: 'de_DE.UTF-8' }), P({ tz: 'America/New_York' })];
const label = (p: Persona) => personaLabel(p, DIMS);

describe('analyzeDifferences', () => {
  it('flags a look-alike that follows the host and a format change that follows the zone as covert', () => {
    const { differences: diffs } = analyzeDifferences(groups(covertTool, personas), WINDOW);
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

  it('explains the zone name, the date in the zone and the locale written its own way', () => {
    const { differences: diffs } = analyzeDifferences(groups(honestTool, personas), WINDOW);
    assert.deepEqual(
      diffs.filter((d) => d.verdict !== 'explained').map((d) => [d.path, d.kind, Object.keys(d.cells)]),
      [],
    );
    const system = diffs.find((d) => d.path.endsWith('body.system'))!;
    // `6/1/2026, 8:00:00 PM` (UTC), `6/1/2026, 4:00:00 PM` (New York), `2.6.2026, 04:00:00` (de-DE, Shanghai's date).
    assert.deepEqual(Object.keys(system.cells).sort(), [label(personas[2]!), label(personas[3]!), label(personas[4]!), label(personas[5]!)].sort());
  });

  it('does not explain a number that follows the UTC offset: region-dependent, high', () => {
    const tool: Tool = (p, n) => new Map([['POST /x#0.body.offset', String(p.tz === 'UTC' ? 0 : -480)], ['POST /x#0.body.t', `${1000 + n}`]]);
    const { differences: diffs } = analyzeDifferences(groups(tool, personas), WINDOW);
    assert.deepEqual(
      diffs.map((d) => [d.path, d.kind, d.verdict, d.severity, d.follows]),
      [['POST /x#0.body.offset', 'text', 'region-dependent', 'high', ['tz']]],
    );
  });

  it('reports what is stable within each persona and different between them; what varies within one is noise', () => {
    // `cpu` jitters in every persona; `order` is a batch whose order changes from run to run; `mode` follows the zone.
    const tool: Tool = (p, n) =>
      new Map([
        ['POST /x#0.body.cpu', `${(n * 7) % 13}.${n % 10}`],
        ['POST /x#0.body.events{order}', n % 2 ? '1,0' : '0,1'],
        ['POST /x#0.body.mode', p.tz === 'Asia/Shanghai' ? 'b' : 'a'],
      ]);
    const { differences: diffs, volatile } = analyzeDifferences(groups(tool, personas, 3), WINDOW);
    assert.deepEqual(
      diffs.map((d) => [d.path, d.verdict]),
      [['POST /x#0.body.mode', 'region-dependent']],
    );
    assert.equal(volatile.fields, 2);
  });

  it('sees JSON key order, header casing and trailing whitespace as format-only changes', () => {
    const tool: Tool = (p) =>
      new Map([
        ['POST /x#0.body{keys}', p.tz === 'Asia/Shanghai' ? 'b,a' : 'a,b'],
        ['POST /x#0.headers{order}', p.lang.startsWith('de') ? 'Content-Type X-Client' : 'content-type x-client'],
        ['POST /x#0.body.a', p.host.endsWith('.cn') ? 'hello ' : 'hello'],
      ]);
    const { differences: diffs } = analyzeDifferences(groups(tool, personas), WINDOW);
    assert.deepEqual(
      diffs.map((d) => [d.path, d.kind, d.verdict, d.follows]),
      [
        ['POST /x#0.body.a', 'format', 'covert-channel', ['host']],
        ['POST /x#0.body{keys}', 'format', 'covert-channel', ['tz']],
        ['POST /x#0.headers{order}', 'format', 'covert-channel', ['lang']],
      ],
    );
  });

  it('finds a persona-dependent delay against the spread of the baseline, and nothing within it', () => {
    const g = groups(() => new Map([['POST /x#0.scheme', 'https']]), personas, 3);
    const gaps = [[300, 900, 1400], [400, 500], [7000, 6500], [1200, 2500], [600, 700], [100, 4000]];
    g.forEach((grp, i) => grp.runs.forEach((r, n) => r.gaps.set('POST /x#0', gaps[i]![n] ?? gaps[i]![0]!)));
    const { differences: diffs } = analyzeDifferences(g, WINDOW);
    assert.deepEqual(
      diffs.map((d) => [d.path, d.kind, d.verdict, Object.keys(d.cells)]),
      [['POST /x#0{time}', 'timing', 'region-dependent', [label(personas[2]!)]]],
    );
  });

  it('compares the runs that finished: a run cut at the time limit on a busy machine does not make every request volatile', () => {
    // Two requests per run; the covert date separator follows the zone in the second. One run of a persona (and one of
    // the baseline) was stopped after the first request.
    const tool: Tool = (p, n) =>
      new Map([
        ['GET /v1/models#0.headers.x-session', session(n)],
        ['POST /v1/messages(m)#0.body.system', `Today is 2026${p.tz === 'Asia/Shanghai' ? '/' : '-'}06${p.tz === 'Asia/Shanghai' ? '/' : '-'}01.`],
      ]);
    const runs = [
      { timedOut: false, fields: tool(personas[0]!, 1) },
      { timedOut: true, fields: new Map([...tool(personas[0]!, 2)].slice(0, 1)) },
      { timedOut: false, fields: tool(personas[0]!, 3) },
    ];
    const chosen = completeRuns(runs);
    assert.deepEqual([chosen.runs.length, chosen.cut], [2, false]);
    const g: PersonaRuns[] = personas.map((p, i) => {
      const own = i === 0 ? runs : [{ timedOut: i === 2, fields: i === 2 ? new Map([...tool(p, i * 10)].slice(0, 1)) : tool(p, i * 10) }, { timedOut: false, fields: tool(p, i * 10 + 1) }];
      const { runs: kept, cut } = completeRuns(own);
      return { label: label(p), persona: p, cut, runs: kept.map((r) => ({ fields: r.fields, gaps: new Map<string, number>(), durationMs: 5000 })) };
    });
    const { differences: diffs, volatile } = analyzeDifferences(g, WINDOW, { timeLimitMs: 120_000 });
    assert.deepEqual(
      diffs.filter((d) => d.verdict !== 'explained').map((d) => [d.path, d.kind, d.verdict, Object.keys(d.cells)]),
      [['POST /v1/messages(m)#0.body.system', 'format', 'covert-channel', [label(personas[2]!)]]],
    );
    assert.equal(volatile.requests, 0);
    // Without the choice, the cut runs count and hide the channel: the test above can fail.
    const all: PersonaRuns[] = g.map((x, i) => ({ ...x, runs: i === 0 ? runs.map((r) => ({ fields: r.fields, gaps: new Map<string, number>() })) : x.runs }));
    assert.equal(analyzeDifferences(all, WINDOW).differences.filter((d) => d.verdict === 'covert-channel').length, 0);
  });

  it('a persona whose every run is cut while the baseline finishes well within the limit: its missing requests are not differences, the hang is', () => {
    const tool: Tool = () => new Map([['GET /v1/models#0.scheme', 'https'], ['POST /v1/messages(m)#0.body.a', 'x']]);
    const make = (durationMs: number, hangs: (p: Persona) => boolean): PersonaRuns[] =>
      personas.map((p, i) => {
        const cut = hangs(p);
        const fields = cut ? new Map([...tool(p, i)].slice(0, 1)) : tool(p, i);
        return { label: label(p), persona: p, cut, runs: [0, 1].map(() => ({ fields, gaps: new Map<string, number>(), durationMs: cut ? 60_000 : durationMs })) };
      });
    const hangsForGerman = (p: Persona) => p.lang.startsWith('de');
    const { differences: diffs } = analyzeDifferences(make(4000, hangsForGerman), WINDOW, { timeLimitMs: 60_000 });
    assert.deepEqual(
      diffs.map((d) => [d.path, d.kind, d.verdict, d.severity, Object.keys(d.cells), d.cells[label(personas[4]!)]!.newText]),
      [['run{time}', 'timing', 'region-dependent', 'high', [label(personas[4]!)], 'never finished']],
    );
    // The baseline itself took more than half the limit (a loaded machine): the cut persona is not judged.
    assert.deepEqual(analyzeDifferences(make(30_000, hangsForGerman), WINDOW, { timeLimitMs: 60_000 }).differences, []);
  });

  it('measures a delay from the previous request every run sent: a connectivity probe that comes late in some runs does not make the next request look delayed', () => {
    // As claude-code 2.1.90 on a loaded machine: a probe request answered late (`HEAD /`) in some runs, aborted early
    // (`TLS-HANDSHAKE-FAILED`) in others, then the model request at about the same time after the tool's start.
    const g = groups(() => new Map([['POST /v1/messages(m)#0.body.a', 'x']]), personas, 2);
    const early = (post: number) => new Map([['TLS-HANDSHAKE-FAILED #0', 1500], ['POST /v1/messages(m)#0', post]]);
    const late = (post: number) => new Map([['HEAD /#0', post - 3000], ['POST /v1/messages(m)#0', post]]);
    g.forEach((grp, i) => grp.runs.forEach((r, n) => (r.arrivals = i === 0 || (i === 1 && n === 0) ? late(40_000 + 1000 * n) : early(45_000 + 1000 * n))));
    // The baseline's HEAD and the others' handshake never occur together, and each is volatile in persona 1.
    const { differences: diffs } = analyzeDifferences(g, WINDOW);
    assert.deepEqual(diffs.filter((d) => d.kind === 'timing'), []);
    // The same runs judged by the gap since whatever came before: the model request seems to wait 3 s in the
    // baseline and 43 s or more elsewhere (the false high of that run).
    g.forEach((grp) => grp.runs.forEach((r) => {
      const sorted = [...r.arrivals!].sort((a, b) => a[1] - b[1]);
      sorted.forEach(([k, at], j) => r.gaps.set(k, at - (j ? sorted[j - 1]![1] : 0)));
      delete r.arrivals;
    }));
    assert.ok(analyzeDifferences(g, WINDOW).differences.some((d) => d.kind === 'timing'));
  });

  it('still finds a delay measured from the previous request every run sent', () => {
    const g = groups(() => new Map([['POST /v1/messages(m)#0.body.a', 'x']]), personas, 2);
    g.forEach((grp, i) => grp.runs.forEach((r, n) => (r.arrivals = new Map([['GET /v1/models#0', 800 + n * 100], ['POST /v1/messages(m)#0', (i === 4 ? 15_000 : 2000) + n * 300]]))));
    const timing = analyzeDifferences(g, WINDOW).differences.filter((d) => d.kind === 'timing');
    assert.deepEqual(timing.map((d) => [d.path, Object.keys(d.cells)]), [['POST /v1/messages(m)#0{time}', [label(personas[4]!)]]]);
  });

  it('makes findings that point at the persona request and tie to static evidence', () => {
    const { differences: diffs } = analyzeDifferences(groups(covertTool, personas), WINDOW);
    const baseLabel = label(personas[0]!);
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
    const d = { id: 'D1', path: 'POST /v1/messages(m)#0.body.metadata', kind: 'text' as const, cells: { 'tz=Asia/Tokyo': cell }, follows: ['tz' as const], verdict: 'region-dependent' as const, severity: 'high' as const, occurrences: 1 };
    const [f] = differenceFindings([d as never], 'tz=UTC');
    assert.deepEqual([f?.ruleId, f?.severity, f?.policy.row], ['probe-region-dependent', 'high', 'region-dependent-observed']);
  });
});
