import { ruleTable, sources } from '../../helpers/rule-table.js';
import rule from '../../../src/analyze/rules/system-identity-source.js';

ruleTable({
  rule,
  summarise: sources,
  valid: ['const s = (5).toString(16) + x.valueOf() + o.constructor();', 'const h = new URL(u).hostname;', 'const p = config.platform;', 'readFileSync("/etc/hosts");'],
  invalid: [
    { code: 'import os from "os"; const h = os.hostname();', expect: ['hostname os.hostname()'] },
    { code: 'const u = require("os").userInfo().username;', expect: ['username require("os").userInfo()'] },
    { code: 'const macs = os.networkInterfaces();', expect: ['network-interfaces os.networkInterfaces()'] },
    { code: 'readFileSync("/etc/machine-id", "utf8");', expect: ['machine-id "/etc/machine-id"'] },
    { code: 'exec("ioreg -rd1 -c IOPlatformExpertDevice", (e, o) => o.match("IOPlatformUUID"));', expect: ['machine-id "IOPlatformUUID"'] },
    { code: 'existsSync("/.dockerenv");', expect: ['ci-container "/.dockerenv"'] },
    { code: 'if (process.platform === "win32") x();', expect: ['platform process.platform'] },
  ],
});
