// The inventory of comparisons: every fingerprint compared with region data of its kind, with whether the
// static audit reads it as targeting. Below finding level, so the precision rules do not hide a branch from the probe.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze, lineColOf } from '../helpers/analyze.js';

const ENDPOINT = "const host = new URL(process.env.OPENAI_BASE_URL || 'https://api.openai.com/v1').hostname;\n";

const CASES: { name: string; code: string; at: string; expect: [string[], string, string[], boolean] | null }[] = [
  { name: 'a configured endpoint in a constant list of hosts (routing: no finding)', code: `${ENDPOINT}const GW = ['gw.example.kr', 'gw.example.vn'];\nif (GW.includes(host)) go();`, at: 'GW.includes', expect: [['host-url'], 'includes', ['gw.example.kr', 'gw.example.vn'], false] },
  { name: 'a configured endpoint in a set of hosts', code: `${ENDPOINT}const GW = new Set(['gw.example.kr', 'gw.example.vn']);\nif (GW.has(host)) go();`, at: 'GW.has', expect: [['host-url'], 'has', ['gw.example.kr', 'gw.example.vn'], false] },
  { name: 'a configured endpoint against a ccTLD alternation', code: `${ENDPOINT}if (/\\.(kr|vn)$/.test(host)) go();`, at: '/\\.(kr', expect: [['host-url'], 'test', ['.kr', '.vn'], false] },
  { name: "the page's own address against a ccTLD (targeting)", code: "if (location.hostname.endsWith('.kr')) go();", at: 'location.hostname', expect: [['host-url'], 'endsWith', ['.kr'], true] },
  { name: 'a zone in a list of zones (targeting)', code: "const z = Intl.DateTimeFormat().resolvedOptions().timeZone;\nif (['Asia/Seoul', 'Asia/Ho_Chi_Minh'].includes(z)) go();", at: "['Asia/Seoul'", expect: [['timezone'], 'includes', ['Asia/Seoul', 'Asia/Ho_Chi_Minh'], true] },
  { name: 'a UTC offset, shown with its reading', code: 'if (new Date().getTimezoneOffset() === -540) go();', at: 'new Date()', expect: [['timezone'], '===', ['-540 (UTC+9)'], true] },
  { name: 'a locale compared with the default (a check for being unset: no targeting)', code: "const l = Intl.DateTimeFormat().resolvedOptions().locale;\nif (l === 'en-US') go();", at: 'l ===', expect: [['locale'], '===', ['en-US'], false] },
  { name: 'a configured endpoint compared with a generic host: no region data, no comparison', code: `${ENDPOINT}if (host === 'api.openai.com') go();`, at: 'host ===', expect: null },
];

describe('inventory of comparisons', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const got = analyze(c.code).inventory.comparisons;
      if (!c.expect) return assert.deepEqual(got, []);
      assert.equal(got.length, 1, JSON.stringify(got));
      const [sources, op, values, targeting] = c.expect;
      assert.deepEqual([got[0]!.sources, got[0]!.op, got[0]!.values, got[0]!.targeting], [sources, op, values, targeting]);
      const { line } = lineColOf(c.code, c.at);
      assert.equal(got[0]!.location.line, line);
    });
  }
});
