import { ruleTable } from '../../helpers/rule-table.js';
import rule from '../../../src/analyze/rules/value-comparison.js';

ruleTable({
  rule,
  summarise: (o) => o.facts.compares.map((c) => `${c.op} ${c.left.length > 0} ${c.right.length > 0}`),
  valid: ['const a = 1 === 2;', 'const b = "x".includes("y");', 'const c = a < b;'],
  invalid: [
    { code: 'const t = zone === "UTC";', expect: ['=== true false'] },
    { code: 'list.some((d) => host.endsWith("." + d));', expect: ['endsWith true true'] },
    { code: 'if (a != b) x();', expect: ['!= true true'] },
  ],
});
