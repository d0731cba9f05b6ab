import { ruleTable, sources } from '../../helpers/rule-table.js';
import rule from '../../../src/analyze/rules/timezone-source.js';

ruleTable({
  rule,
  summarise: sources,
  valid: ['d.toLocaleString("en", { timeZoneName: "short" });', 'const o = { timeZone: "UTC" }; o.timeZone;', 'new Intl.DateTimeFormat("en", { timeZone: "UTC" }).format(d);', 'resolved.timeZone;'],
  invalid: [
    { code: 'const z = Intl.DateTimeFormat().resolvedOptions().timeZone;', expect: ['timezone Intl.DateTimeFormat().resolvedOptions().timeZone'] },
    { code: 'const z = new Intl.DateTimeFormat()?.resolvedOptions()?.timeZone;', expect: ['timezone new Intl.DateTimeFormat()?.resolvedOptions()?.timeZone'] },
    { code: 'const off = new Date().getTimezoneOffset();', expect: ['timezone new Date().getTimezoneOffset()'] },
  ],
});
