import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  classifyRegionList,
  classifyRegionString,
  countryName,
  domainCountry,
  isTimeZoneName,
  localeRegion,
  splitList,
  zoneCountries,
  type RegionMatch,
} from '../../src/data/region.js';

describe('zoneCountries', () => {
  const table: [string, string[] | null][] = [
    ['Asia/Kolkata', ['IN']],
    ['Asia/Calcutta', ['IN']],
    ['Asia/Chongqing', ['CN']],
    ['Asia/Harbin', ['CN']],
    ['PRC', ['CN']],
    ['asia/shanghai', ['CN']],
    ['Europe/Kiev', ['UA']],
    ['Etc/UTC', []],
    ['Europe/Atlantis', null],
    ['hello', null],
    ['', null],
  ];
  for (const [zone, expected] of table) it(`${JSON.stringify(zone)} → ${JSON.stringify(expected)}`, () => assert.deepEqual(zoneCountries(zone), expected));
  it('isTimeZoneName', () => {
    assert.equal(isTimeZoneName('America/Argentina/Buenos_Aires'), true);
    assert.equal(isTimeZoneName('src/index'), false);
  });
});

describe('domainCountry', () => {
  const table: [string, string | null][] = [
    ['foo.com.cn', 'CN'],
    ['FOO.EXAMPLE.RU.', 'RU'],
    ['https://cdn.example.ir:8443/path?q=1', 'IR'],
    ['shop.example.co.uk', 'GB'],
    ['old.example.su', 'RU'],
    ['*.example.cn', 'CN'],
    ['example.com', null],
    ['cn', null],
    ['10.0.0.1', null],
    ['not a host.cn', null],
  ];
  for (const [host, expected] of table) it(`${host} → ${expected}`, () => assert.equal(domainCountry(host), expected));
});

describe('localeRegion', () => {
  const table: [string, string | null][] = [
    ['zh-CN', 'CN'],
    ['zh_TW', 'TW'],
    ['zh-TW', 'TW'],
    ['ru-RU', 'RU'],
    ['fa-IR', 'IR'],
    ['zh-Hant-HK', 'HK'],
    ['ru_RU.UTF-8', 'RU'],
    ['es-419', null],
    ['zh-cn', null],
    ['to-do', null],
    ['qq-CN', null],
    ['hello', null],
  ];
  for (const [tag, expected] of table) it(`${tag} → ${expected}`, () => assert.equal(localeRegion(tag), expected));
  it('lower-case regions only when asked', () => assert.equal(localeRegion('zh-cn', { lenientCase: true }), 'CN'));
});

describe('classifyRegionString', () => {
  const valid: [string, RegionMatch, boolean?][] = [
    ['Asia/Kolkata', { kind: 'timezone', country: 'IN' }],
    ['Asia/Chongqing', { kind: 'timezone', country: 'CN' }],
    ['PRC', { kind: 'timezone', country: 'CN' }],
    ['foo.com.cn', { kind: 'cctld-domain', country: 'CN' }],
    ['https://api.example.ru/v1', { kind: 'cctld-domain', country: 'RU' }],
    ['zh-TW', { kind: 'locale', country: 'TW' }],
    ['cn', { kind: 'country-code', country: 'CN' }, true],
    ['DE', { kind: 'country-code', country: 'DE' }, true],
  ];
  for (const [s, expected, codeList] of valid) {
    it(`${s} → ${expected.kind} ${expected.country}`, () => assert.deepEqual(classifyRegionString(s, { codeList: codeList ?? false }), expected));
  }
  const invalid = ['hello', 'cn', 'de', 'in', 'it', 'is', 'ca', 'do', 'Japan', 'TURKEY', 'EST', 'UTC', 'Etc/GMT-8', 'readme.md', 'setup.py', 'example.com', 'src/index', 'x'.repeat(300)];
  for (const s of invalid) it(`${s.slice(0, 20)} → null`, () => assert.equal(classifyRegionString(s), null));
  it('a word that is not a code stays null even in a code list', () => assert.equal(classifyRegionString('zz', { codeList: true }), null));
});

describe('classifyRegionList', () => {
  it('counts countries and the share under one ccTLD', () => {
    const items = splitList('a.example.cn, b.example.com.cn\nc.example.cn;d.example.com|Asia/Shanghai,zh-CN,in');
    const r = classifyRegionList(items);
    assert.equal(r.total, 7);
    assert.deepEqual(
      r.matched.map((m) => [m.index, m.kind, m.country]),
      [
        [0, 'cctld-domain', 'CN'],
        [1, 'cctld-domain', 'CN'],
        [2, 'cctld-domain', 'CN'],
        [4, 'timezone', 'CN'],
        [5, 'locale', 'CN'],
      ],
    );
    assert.deepEqual(r.byCountry, [{ country: 'CN', count: 5 }]);
    assert.deepEqual(r.dominant, { country: 'CN', count: 5, share: 5 / 7 });
    assert.deepEqual(r.topCcTld, { tld: 'cn', count: 3, share: 3 / 7 });
  });

  it('finds nothing in an ordinary word list, and codes only when told', () => {
    const words = ['is', 'it', 'to', 'do', 'be', 'me', 'no', 'in'];
    const plain = classifyRegionList(words);
    assert.deepEqual([plain.matched.length, plain.dominant, plain.topCcTld], [0, null, null]);
    const codes = classifyRegionList(['cn', 'ru', 'ir', 'CN'], { codeList: true });
    assert.deepEqual(codes.byCountry, [
      { country: 'CN', count: 2 },
      { country: 'IR', count: 1 },
      { country: 'RU', count: 1 },
    ]);
  });
});

it('countryName', () => {
  assert.equal(countryName('cn'), 'China');
  assert.equal(countryName('TW'), 'Taiwan');
  assert.equal(countryName('EU'), 'European Union');
  assert.equal(countryName('ZZ'), null);
});
