import { ruleTable } from '../../helpers/rule-table.js';
import rule from '../../../src/analyze/rules/region-data.js';

ruleTable({
  rule,
  summarise: (o) => o.facts.data.map((d) => `${d.kind} ${d.text} ${d.countries.join('/')}`),
  valid: ['const s = "hello world";', 'const p = "src/index.js";', 'const v = "1.2.3-beta";', 'const d = "example.com";'],
  invalid: [
    { code: 'if (tz === "Asia/Kolkata") x();', expect: ['region Asia/Kolkata IN'] },
    { code: 'const host = "api.example.com.cn";', expect: ['region api.example.com.cn CN'] },
    { code: 'const l = "zh-TW";', expect: ['region zh-TW TW'] },
  ],
});
