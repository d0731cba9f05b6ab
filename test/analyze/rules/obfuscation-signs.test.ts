import { ruleTable } from '../../helpers/rule-table.js';
import rule from '../../../src/analyze/rules/obfuscation-signs.js';

/** Totals that put the signs in proportion, not signs themselves. */
const TOTALS = new Set(['calls', 'numbers', 'names']);

ruleTable({
  rule,
  summarise: (o) =>
    Object.entries(o.facts.obfuscation)
      .filter(([k, v]) => v > 0 && !TOTALS.has(k))
      .map(([k, v]) => `${k} ${v}`),
  valid: [
    'const names = ["a", "b"]; q.push(r.shift());',
    'const xs = [1, "b", "c", "d"]; read(16, "k");',
    'list.push(list.shift(1));',
    'a(); b(1); c.d(2);',
    'const version = "1.2.3"; if (mode === "fast") run(); const ctor = obj.constructor;',
    'const s = fn.toString(); const ok = re.test(input);',
  ],
  invalid: [
    { code: 'const words = ["alpha", "beta", "gamma"];', expect: ['stringArrays 1'] },
    { code: 'while (n--) arr.push(arr.shift());', expect: ['rotations 1'] },
    { code: 'f(0x1f1, "dNpp"); g(1, 0X2a); h(12);', expect: ['hexCalls 2', 'hexNumbers 2'] },
    { code: 'const _0x3c55a = 1; use(_0x3c55a, plain);', expect: ['hexNames 1'] },
    { code: 'const order = "3|0|4|1|2".split("|");', expect: ['dispatchOrders 1'] },
    { code: 'if ("xYzAb" === "QwErT") { dead(); }', expect: ['literalCompares 1'] },
    { code: '(function () {}).constructor("debugger").call("action");', expect: ['constructorCode 1'] },
    { code: 'if (self.toString().search("(((.+)+)+)+$") !== -1) loop();', expect: ['selfInspection 1'] },
  ],
});
