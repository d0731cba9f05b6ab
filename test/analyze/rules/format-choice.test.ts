import { ruleTable } from '../../helpers/rule-table.js';
import rule from '../../../src/analyze/rules/format-choice.js';

ruleTable({
  rule,
  summarise: (o) => o.facts.choices.map((c) => `${c.kind} ${c.alternatives.join(' ')}`),
  valid: ['const d = x ? a.replace(/-/g, "/") : b;', 'const d = x ? s.replace(/ab/g, "/") : s;', 'const v = x ? "left" : "right";'],
  invalid: [
    { code: 'const d = east ? date.replace(/-/g, "/") : date;', expect: ['format - /'] },
    { code: 'const d = east ? date : date.replaceAll(".", "-");', expect: ['format . -'] },
    { code: 'const d = f ? s.replace(/\\./g, ",") : s;', expect: ['format . ,'] },
  ],
});
