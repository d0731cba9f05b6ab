import { ruleTable } from '../../helpers/rule-table.js';
import rule from '../../../src/analyze/rules/value-comparison.js';

ruleTable({
  rule,
  summarise: (o) => [
    ...o.facts.compares.map((c) => `${c.op} ${c.left.length > 0} ${c.right.length > 0}`),
    ...o.facts.data.map((d) => `data ${d.regionKind} ${d.text} ${d.countries.includes('CN') ? 'CN' : d.countries.join('/')}`),
  ],
  valid: ['const a = 1 === 2;', 'const b = "x".includes("y");', 'const c = a < b;', 'switch (3) { case "KZ": f(); }'],
  invalid: [
    { code: 'const t = zone === "UTC";', expect: ['=== true false'] },
    { code: 'list.some((d) => host.endsWith("." + d));', expect: ['endsWith true true'] },
    { code: 'if (a != b) x();', expect: ['!= true true'] },
    { code: 'const east8 = new Date().getTimezoneOffset() === -480;', expect: ['=== true true', 'data utc-offset -480 (UTC+8) CN'] },
    { code: 'if (region === "RU") x();', expect: ['=== true true', 'data country-code RU RU'] },
    { code: 'if (count === 60) x();', expect: ['=== true true', 'data utc-offset 60 (UTC-1) CV/PT'] },
    { code: 'switch (zone) { case "Asia/Ashgabat": x(); break; case y: z(); }', expect: ['case true true', 'case true true', 'data timezone Asia/Ashgabat TM'] },
    { code: 'if (["Nepal Time"].includes(zn)) x();', expect: ['includes true true', 'data zone-name Nepal Time NP'] },
    { code: 'switch (new Date().getTimezoneOffset()) { case -270: x(); }', expect: ['case true true', 'data utc-offset -270 (UTC+4:30) AF'] },
  ],
});
