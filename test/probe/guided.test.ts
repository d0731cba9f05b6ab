import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyInventory, type Report } from '../../src/model/report.js';
import type { Finding } from '../../src/model/finding.js';
import { guidedPersonas, personasFromStatic } from '../../src/probe/guided.js';
import { BASELINE, buildMatrix } from '../../src/probe/persona.js';

function reportWith(notes: string[]): Report {
  const f: Finding = {
    id: 'region-targeting@cli.js:1:1',
    ruleId: 'region-targeting',
    category: 'region-targeting',
    severity: 'high',
    policy: { row: 'region-decision-effect', reason: 'r' },
    fingerprint: 'f',
    title: 't',
    message: 'm',
    location: { file: 'cli.js', offset: 0, line: 1, column: 1 },
    related: notes.map((note) => ({ role: 'condition', location: { file: 'cli.js', offset: 0, line: 1, column: 1 }, note })),
    decoded: [],
    excerpt: '',
  };
  return { tool: { name: 'telltale', version: '0' }, target: { spec: 'x', kind: 'folder' }, findings: [f], inventory: emptyInventory(), stats: { files: 0, bytes: 0, ms: 0, limits: [] } };
}

describe('static-guided personas', () => {
  const now = new Date('2026-06-01T12:00:00Z');
  it('turns compared zones, offsets, locales and hosts into personas that satisfy them', () => {
    const g = personasFromStatic(
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
    const byDim = (d: string) => g.filter((x) => x.dim === d).map((x) => x.value);
    assert.deepEqual(byDim('tz').length, 3);
    assert.equal(byDim('tz')[0], 'Pacific/Auckland');
    const offsets = byDim('tz').slice(1).map((z) => new Intl.DateTimeFormat('en-US', { timeZone: z, timeZoneName: 'shortOffset' }).formatToParts(now).find((p) => p.type === 'timeZoneName')!.value);
    assert.deepEqual(offsets, ['GMT+5:30', 'GMT+9']);
    assert.deepEqual(byDim('lang'), ['ko_KR.UTF-8', 'vi_VN.UTF-8']);
    assert.deepEqual(byDim('host'), ['api.example.kr', 'gw.example.ir']);
    assert.match(g[0]!.because, /^region-targeting@cli\.js:1:1: time zone compared with "Pacific\/Auckland"$/);
  });

  it('adds only values the matrix does not already have, each varied on its own', () => {
    const matrix = buildMatrix({ tz: ['UTC', 'Asia/Shanghai'] });
    const added = guidedPersonas(
      [
        { dim: 'tz', value: 'Asia/Shanghai', because: '' },
        { dim: 'tz', value: 'Pacific/Auckland', because: '' },
        { dim: 'lang', value: 'ko_KR.UTF-8', because: '' },
      ],
      matrix,
    );
    assert.deepEqual(added, [
      { ...BASELINE, tz: 'Pacific/Auckland' },
      { ...BASELINE, lang: 'ko_KR.UTF-8' },
    ]);
  });
});
