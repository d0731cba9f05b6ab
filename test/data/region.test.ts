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
  comparedRegionConstant,
  expandRegex,
  isDefaultLocale,
  offsetData,
  regionList,
  regionLiteral,
  regionRegex,
  tldCountry,
  type RegionMatch,
} from '../../src/data/region.js';
import { idnCcTlds, languageCountry, scriptCountry } from '../../src/data/region-tables.js';

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

/** `kind CC/CC` for a reading, or null. */
function short(r: { kind: string; countries: string[] } | null): string | null {
  return r ? `${r.kind} ${r.countries.join('/')}` : null;
}

describe('region data in other spellings', () => {
  it('ccTLDs alone and internationalised ones (from the country data, generic IDN TLDs left out)', () => {
    assert.equal(tldCountry('kz'), 'KZ');
    assert.equal(tldCountry('xn--p1ai'), 'RU');
    assert.equal(tldCountry('укр'), 'UA');
    assert.equal(tldCountry('com'), null);
    // a country's list of TLDs holds generic IDN names sold there (公司 "company"): not a ccTLD
    assert.ok(![...idnCcTlds().keys()].includes('xn--55qx5d'));
    assert.equal(short(regionLiteral('.uz')), 'cctld-domain UZ');
    assert.equal(regionLiteral('.io'), null);
    assert.equal(domainCountry('shop.пример.срб'), 'RS');
  });
  it('zone prefixes and long zone names', () => {
    assert.equal(short(regionLiteral('America/Argentina/')), 'zone-prefix AR');
    assert.equal(regionLiteral('Etc/'), null);
    assert.equal(short(regionLiteral('Nepal Time')), 'zone-name NP');
    assert.equal(short(regionLiteral('(Pakistan Standard Time)')), 'zone-name PK');
    assert.equal(regionLiteral('Pakistan Standard Time', { longZoneNames: false }), null);
    assert.equal(regionLiteral('Build Time'), null);
  });
  it('compared constants: ISO codes in three spellings and as a locale\'s region part, language subtags, country names in English and own script', () => {
    const table: [string, string | null][] = [
      ['AZ', 'country-code AZ'],
      ['AZE', 'country-code AZ'],
      ['031', 'country-code AZ'],
      ['XYZ', null],
      ['az', 'language AZ'],
      ['tk', 'language TM'],
      // Three-letter subtags only for languages ICU names: `hub` and `log` are words (subcommands) first.
      ['ckb', 'language IQ'],
      ['hub', null],
      ['log', null],
      ['Azerbaijan', 'country-name AZ'],
      ['Azərbaycan', 'country-name AZ'],
      ['ประเทศไทย', 'country-name TH'],
      ['ไทย', 'language TH'],
      ['azerbaijan', null],
      ['Chat', null],
      ['ok', null],
      ['ש', 'language IL'],
      ['_KP.UTF-8', 'country-code KP'],
      ['-MM', 'country-code MM'],
      ['_XX', null],
      ['-ok', null],
      // Fonts made for one script: named for it, ending in a region of a non-Latin script, or named in it.
      ['Noto Serif Gujarati', 'script-font IN'],
      ['bold 14px "Noto Naskh Arabic", serif', 'script-font EG'],
      ['Source Han Serif KR', 'script-font KR'],
      ['ＭＳ Ｐゴシック', 'script-font JP'],
      ['Source Han Serif', null],
      ['Noto Sans SC', null],
      ['Hiragino Sans GB', null],
      ['12px "JetBrains Mono"', null],
      ['Open Sans', null],
    ];
    for (const [s, want] of table) assert.equal(short(comparedRegionConstant(s)), want, s);
    assert.equal(languageCountry('xx'), null);
    assert.equal(scriptCountry('abc'), null);
    assert.equal(scriptCountry('ก'), 'TH');
  });
  it('UTC offsets in minutes (west, as getTimezoneOffset) and hours', () => {
    assert.deepEqual(offsetData(-345)?.countries, ['NP']);
    assert.ok(offsetData(-330)?.countries.includes('IN'));
    assert.equal(offsetData(-330)?.label, '-330 (UTC+5:30)');
    assert.ok(offsetData(9)?.countries.includes('JP'));
    assert.equal(offsetData(0), null);
    assert.equal(offsetData(17), null);
    assert.equal(offsetData(1000), null);
  });
  it('array literals that are lists of regions, and tables that are not', () => {
    assert.equal(short(regionList(['MDA', 'GEO'])), 'country-code GE/MD');
    assert.equal(short(regionList([-210, -270])), 'utc-offset AF/IR');
    assert.equal(regionList([10, 20, 30]), null);
    assert.equal(regionList(['Error', 'Warning', 'Chad']), null);
    assert.equal(regionList(['de', 'fr']), null);
  });
  it('regular expressions read as lists of fixed strings', () => {
    assert.deepEqual(expandRegex('^(?:ab|cd)\\b'), { items: ['ab', 'cd'], anchoredStart: true, anchoredEnd: true });
    assert.deepEqual(expandRegex('(?:^|\\.)(ab|cd)$')?.items, ['.ab', '.cd']);
    assert.equal(expandRegex('^[a-z]+(ab|cd)$'), null);
    const table: [string, string, string | null][] = [
      ['\\.(?:az|ge)$', '', 'cctld-domain AZ/GE'],
      ['\\.(az|com)$', 'i', 'cctld-domain AZ'],
      ['\\.(md|sh)$', '', null],
      ['\\.(ai|io)$', '', null],
      ['^(az|hy)(?:-|_|$)', 'i', 'language AM/AZ'],
      ['^(az|hy)', '', null],
      ['[-_](AZ|GE)$', '', 'country-code AZ/GE'],
      ['^(Asia\\/Baku|Asia\\/Tbilisi)$', '', 'timezone AZ/GE'],
      ['^Antarctica\\/', '', 'zone-prefix AQ/AU'],
      ['\\((Azerbaijan|Georgia) Standard Time\\)', '', 'zone-name AZ/GE'],
      ['^\\d{3}$', '', null],
    ];
    for (const [p, flags, want] of table) assert.equal(short(regionRegex(p, flags)), want, p);
  });
  it('the default locale is CLDR\'s likely locale of und', () => {
    for (const s of ['en-US', 'en_US.UTF-8', 'en', 'en-Latn-US']) assert.ok(isDefaultLocale(s), s);
    for (const s of ['en-GB', 'de-DE', 'fr', 'en-IN']) assert.ok(!isDefaultLocale(s), s);
  });
});
