import { ruleTable } from '../../helpers/rule-table.js';
import rule from '../../../src/analyze/rules/lookalike-choice.js';

ruleTable({
  rule,
  summarise: (o) => o.facts.choices.map((c) => `${c.kind} ${c.alternatives.map((a) => [...a].map((ch) => ch.codePointAt(0)!.toString(16)).join('+')).join(',')}`),
  valid: [
    'const q = ok ? "yes" : "no";',
    'console.log("It\\u2019s done");',
    'function f(a) { if (a) return "left"; return "right"; }',
    'const s = ["a", "b"][i];',
  ],
  invalid: [
    { code: 'const q = x ? "\\u2019" : "\'";', expect: ['lookalike 2019,27'] },
    { code: 'function m(a, b) { if (a && b) return "\'"; if (a) return "\\u02BC"; return "\\u2019"; }', expect: ['lookalike 27,2bc,2019'] },
    { code: 'const t = on ? "ok\\u200b" : "ok";', expect: ['invisible 6f+6b+200b,6f+6b'] },
    { code: 'const c = ["a", "\\u0430"][bit];', expect: ['lookalike 61,430'] },
    { code: 'const Q = { plain: "\'", curly: "\\u2019" }; const m = Q[kind];', expect: ['lookalike 27,2019'] },
  ],
});
