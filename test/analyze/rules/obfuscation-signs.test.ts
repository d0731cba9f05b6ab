import { ruleTable } from '../../helpers/rule-table.js';
import rule from '../../../src/analyze/rules/obfuscation-signs.js';

ruleTable({
  rule,
  summarise: (o) => {
    const s = o.facts.obfuscation;
    return Object.entries(s)
      .filter(([k, v]) => v > 0 && k !== 'calls')
      .map(([k, v]) => `${k} ${v}`);
  },
  valid: [
    'const names = ["a", "b"]; q.push(r.shift());',
    'const xs = [1, "b", "c", "d"]; read(16, "k");',
    'list.push(list.shift(1));',
    'a(); b(1); c.d(2);',
  ],
  invalid: [
    { code: 'const words = ["alpha", "beta", "gamma"];', expect: ['stringArrays 1'] },
    { code: 'while (n--) arr.push(arr.shift());', expect: ['rotations 1'] },
    { code: 'f(0x1f1, "dNpp"); g(1, 0X2a); h(12);', expect: ['hexCalls 2'] },
  ],
});
