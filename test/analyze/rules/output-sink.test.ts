import { ruleTable, sinks } from '../../helpers/rule-table.js';
import rule from '../../../src/analyze/rules/output-sink.js';

ruleTable({
  rule,
  summarise: sinks,
  valid: ['logger.write(x);', 'child.exec(x);', 'pattern.exec(text);', 'list.rm(item);', 'job.exit();', 'git.rename(a, b);', 'kill();'],
  invalid: [
    { code: 'console.log(msg);', expect: ['console console.log console.log('] },
    { code: 'console.log("constant");', expect: ['console console.log console.log('] },
    { code: 'process.stderr.write(line);', expect: ['console process.stderr.write process.stde'] },
    { code: 'fs.writeFileSync(p, data);', expect: ['file fs.writeFileSync fs.writeFile'] },
    { code: 'fs.unlinkSync(p);', expect: ['file fs.unlinkSync fs.unlinkSyn'] },
    { code: 'require("fs").rmSync(dir, { recursive: true });', expect: ['file fs.rmSync require("fs"'] },
    { code: 'fsp.rm(dir, { recursive: true, force: true });', expect: ['file fsp.rm fsp.rm(dir, '] },
    { code: 'fse.remove(home);', expect: ['file fse.remove fse.remove(h'] },
    { code: 'require("child_process").execSync(cmd);', expect: ['process child_process.execSync require("chi'] },
    { code: 'const cp = require("node:child_process"); cp.exec("shutdown /s");', expect: ['process cp.exec cp.exec("shu'] },
    { code: 'childProcess.spawn(cmd, args);', expect: ['process childProcess.spawn childProcess'] },
    { code: 'process.kill(process.ppid);', expect: ['process process.kill process.kill'] },
    { code: 'worker.kill("SIGKILL");', expect: ['process worker.kill worker.kill('] },
    { code: 'process.exit(3);', expect: ['exit process.exit process.exit'] },
    { code: 'process.abort();', expect: ['exit process.abort process.abor'] },
  ],
});
