import { ruleTable } from '../../helpers/rule-table.js';
import rule from '../../../src/analyze/rules/region-data.js';

ruleTable({
  rule,
  summarise: (o) => o.facts.data.map((d) => `${d.regionKind} ${d.text} ${d.countries.length > 4 ? d.countries.length + ' countries' : d.countries.join('/')}`),
  valid: [
    'const s = "hello world";',
    'const p = "src/index.js";',
    'const v = "1.2.3-beta";',
    'const d = "example.com";',
    // file extensions that are also ccTLDs, and extensions that are no TLD at all
    'const docs = /\\.(md|sh|py)$/;',
    'const src = /\\.(m?js|tsx?)$/;',
    'const gen = /\\.(com|net|org)$/;',
    // generic-use ccTLDs, zones without a country, character classes
    'const ai = /\\.(io|ai|co)$/;',
    'const etc = "Etc/";',
    'const any = /^[a-z]{2}(-[A-Z]{2})?$/;',
    // tables of words and of sizes, not of regions
    'const t = ["OK", "ID", "NO"];',
    'const sizes = [30, 60, 120];',
    'const w = ["de", "fr", "it"];',
    'const label = "Response Time";',
  ],
  invalid: [
    { code: 'if (tz === "Asia/Kolkata") x();', expect: ['timezone Asia/Kolkata IN'] },
    { code: 'const host = "api.example.com.cn";', expect: ['cctld-domain api.example.com.cn CN'] },
    { code: 'const l = "zh-TW";', expect: ['locale zh-TW TW'] },
    { code: 'const tld = ".by";', expect: ['cctld-domain .by BY'] },
    { code: 'const idn = ".срб";', expect: ['cctld-domain .срб RS'] },
    { code: 'const host = "shop.example.xn--j1amh";', expect: ['cctld-domain shop.example.xn--j1amh UA'] },
    { code: 'const area = "Africa/";', expect: ['zone-prefix Africa/ 51 countries'] },
    { code: 'const deep = "America/Argentina/";', expect: ['zone-prefix America/Argentina/ AR'] },
    { code: 'const re = /\\.(?:by|kz)$/i;', expect: ['cctld-domain /\\.(?:by|kz)$/i BY/KZ'] },
    { code: 'const re = /(\\.|^)(xn--80ao21a|uz)$/;', expect: ['cctld-domain /(\\.|^)(xn--80ao21a|uz)$/ KZ/UZ'] },
    { code: 'const lang = /^(ps|ur)\\b/;', expect: ['language /^(ps|ur)\\b/ AF/PK'] },
    { code: 'const lang = /^(?:hy|ka)(?:[-_]|$)/i;', expect: ['language /^(?:hy|ka)(?:[-_]|$)/i AM/GE'] },
    { code: 'const zones = /^(Pacific|Indian)\\//;', expect: ['zone-prefix /^(Pacific|Indian)\\// 39 countries'] },
    { code: 'const r = /^(?:KP|CU)$/;', expect: ['country-code /^(?:KP|CU)$/ CU/KP'] },
    { code: 'const long = /\\((Arabian|Pakistan) Standard Time\\)/;', expect: ['zone-name /\\((Arabian|Pakistan) Standard Time\\)/ 6 countries'] },
    { code: 'const set = ["VEN", "NIC", "BOL"];', expect: ['country-code ["VEN", "NIC", "BOL"] BO/NI/VE'] },
    { code: 'const nums = ["862", "558"];', expect: ['country-code ["862", "558"] NI/VE'] },
    { code: 'const names = ["Moldova", "Georgia", "Armenia"];', expect: ['country-name ["Moldova", "Georgia", "Armenia"] AM/GE/MD'] },
    { code: 'const own = ["Україна", "Беларусь"];', expect: ['country-name ["Україна", "Беларусь"] BY/UA'] },
    { code: 'const offs = [-330, -345];', expect: ['utc-offset [-330, -345] IN/LK/NP'] },
  ],
});
