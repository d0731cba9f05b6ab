import { ruleTable } from '../../helpers/rule-table.js';
import rule from '../../../src/analyze/rules/prose-template.js';

ruleTable({
  rule,
  summarise: (o) => o.facts.texts.map((t) => t.text),
  valid: ['const a = `${x}-${y}`;', 'const b = `plain text without values`;', 'const c = `id=${id}`;'],
  invalid: [
    { code: 'const s = `The current date is ${d} for this user.`;', expect: ['The current date is ${…} for this user.'] },
    { code: 'const t = `Hello ${name}, welcome back to ${app}!`;', expect: ['Hello ${…}, welcome back to ${…}!'] },
  ],
});
