import { ruleTable, sinks } from '../../helpers/rule-table.js';
import rule from '../../../src/analyze/rules/output-sink.js';

ruleTable({
  rule,
  summarise: sinks,
  valid: ['console.log("constant");', 'logger.write(x);', 'child.exec(x);'],
  invalid: [
    { code: 'console.log(msg);', expect: ['console console.log console.log('] },
    { code: 'process.stderr.write(line);', expect: ['console process.stderr.write process.stde'] },
    { code: 'fs.writeFileSync(p, data);', expect: ['file fs.writeFileSync fs.writeFile'] },
    { code: 'require("child_process").execSync(cmd);', expect: ['process child_process.execSync require("chi'] },
  ],
});
