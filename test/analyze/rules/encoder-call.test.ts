import { ruleTable } from '../../helpers/rule-table.js';
import rule from '../../../src/analyze/rules/encoder-call.js';

ruleTable({
  rule,
  summarise: (o) => o.facts.encoders.map((e) => e.detail),
  valid: ['const s = n.toString(16);', 'const t = btoa("constant");', 'const h = createHash("sha256").update(x).digest("hex");', 'const x = a ^ b;'],
  invalid: [
    { code: 'const e = btoa(name);', expect: ['btoa'] },
    { code: 'const e = Buffer.from(host).toString("base64");', expect: ['toString("base64")'] },
    { code: 'const e = data.toString("hex");', expect: ['toString("hex")'] },
    { code: 'for (let i = 0; i < s.length; i++) out += String.fromCharCode(s.charCodeAt(i) ^ 7);', expect: ['XOR of char codes'] },
  ],
});
