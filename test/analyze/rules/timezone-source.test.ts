import { ruleTable, sources } from '../../helpers/rule-table.js';
import rule from '../../../src/analyze/rules/timezone-source.js';

ruleTable({
  rule,
  summarise: sources,
  valid: [
    'd.toLocaleString("en", { timeZoneName: "short" });',
    'const o = { timeZone: "UTC" }; o.timeZone;',
    'new Intl.DateTimeFormat("en", { timeZone: "UTC" }).format(d);',
    'resolved.timeZone;',
    'const s = value.toString();',
    'const s = new Map().toString();',
    'const doc = "see timedatectl(1) for details";',
    'new Intl.DateTimeFormat("en", { timeZoneName: "shortOffset" }).format(d);',
    'const when = new Date(); const n = when.getTime() + 1;',
    'const s = String(count); const t = `${new Map()}`; const u = total + "";',
  ],
  invalid: [
    { code: 'const z = Intl.DateTimeFormat().resolvedOptions().timeZone;', expect: ['timezone Intl.DateTimeFormat().resolvedOptions().timeZone'] },
    { code: 'const z = new Intl.DateTimeFormat()?.resolvedOptions()?.timeZone;', expect: ['timezone new Intl.DateTimeFormat()?.resolvedOptions()?.timeZone'] },
    { code: 'const o = Intl.DateTimeFormat().resolvedOptions(); const z = o.timeZone;', expect: ['timezone o.timeZone'] },
    { code: 'const { timeZone, locale } = new Intl.DateTimeFormat().resolvedOptions();', expect: ['timezone timeZone'] },
    { code: 'const off = new Date().getTimezoneOffset();', expect: ['timezone new Date().getTimezoneOffset()'] },
    { code: 'const s = new Date(Date.now()).toString();', expect: ['timezone new Date(Date.now()).toString()'] },
    { code: 'const s = stamp.toTimeString();', expect: ['timezone stamp.toTimeString()'] },
    { code: 'const s = String(Date());', expect: ['timezone Date()'] },
    { code: 'const s = now.toLocaleTimeString([], { hour: "2-digit", timeZoneName: "long" });', expect: ['timezone now.toLocaleTimeString([], { hour: "2-digit", timeZoneName: "long" })'] },
    { code: 'const f = new Intl.DateTimeFormat(undefined, { timeZoneName: "longGeneric" });', expect: ['timezone new Intl.DateTimeFormat(undefined, { timeZoneName: "longGeneric" })'] },
    { code: 'const z = execSync("timedatectl show -p Timezone --value");', expect: ['timezone "timedatectl show -p Timezone --value"'] },
    { code: 'const now = new Date(); const s = now.toString();', expect: ["timezone now.toString()"] },
    { code: 'const s = String(new Date());', expect: ['timezone String(new Date())'] },
    { code: 'const s = `${new Date()}`;', expect: ['timezone `${new Date()}`'] },
    { code: 'const s = new Date() + "";', expect: ['timezone new Date() + ""'] },
    { code: 'const z = run(`tzutil /g`);', expect: ['timezone `tzutil /g`'] },
  ],
});
