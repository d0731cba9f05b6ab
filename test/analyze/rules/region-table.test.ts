import { ruleTable } from '../../helpers/rule-table.js';
import rule from '../../../src/analyze/rules/region-table.js';

ruleTable({
  rule,
  summarise: (o, code) => [
    ...o.facts.data.map((d) => `table ${d.regionKind} ${d.table?.membership ? 'set' : 'map'} ${d.table?.keys} ${d.countries.join('/')}`),
    ...o.facts.compares.map((c) => `${c.op} ${code.slice(c.start, c.end)}`),
  ],
  valid: [
    'const sizes = { small: 1, medium: 2, large: 3 }; sizes[k];',
    'const two = { "Europe/Oslo": 1, "Asia/Seoul": 2 }; two[tz];',
    'const mostly = { US: 1, a: 2, b: 3, c: 4, d: 5, e: 6, f: 7 };',
    'const lookups = { a: 1 }; lookups[k];',
  ],
  invalid: [
    {
      code: 'const HOSTS = { "Europe/Berlin": "eu", "Asia/Tokyo": "ap", "America/Chicago": "us" }; const h = HOSTS[tz] ?? "us";',
      expect: ['table timezone map 3 DE/JP/US', 'lookup HOSTS[tz]'],
    },
    { code: 'const BLOCK = { RU: true, BY: true, KP: true }; if (BLOCK[country]) stop();', expect: ['table country-code set 3 RU/BY/KP', 'lookup BLOCK[country]'] },
    { code: 'const n = ({ "de-DE": 1, "fr-FR": 2, "es-ES": 3 })[lang];', expect: ['table locale map 3 DE/FR/ES', 'lookup ({ "de-DE": 1, "fr-FR": 2, "es-ES": 3 })[lang]'] },
    { code: 'const M = { IN: !0, PK: !0, BD: !0 }; M.IN;', expect: ['table country-code set 3 IN/PK/BD'] },
    // BigInt and RegExp values (a compiled executable's bundle had a BigInt-valued region table; the rule crashed on it).
    { code: 'const W = { NO: 1n, SE: 1n, FI: 1n }; W[cc];', expect: ['table country-code set 3 NO/SE/FI', 'lookup W[cc]'] },
    { code: 'const V = { NO: 1n, SE: 2n, FI: 3n }; V[cc];', expect: ['table country-code map 3 NO/SE/FI', 'lookup V[cc]'] },
    { code: 'const P = { NO: /a/, SE: /b/, FI: /c/ }; P[cc];', expect: ['table country-code map 3 NO/SE/FI', 'lookup P[cc]'] },
  ],
});
