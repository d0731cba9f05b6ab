import { ruleTable } from '../../helpers/rule-table.js';
import rule from '../../../src/analyze/rules/background-process.js';

ruleTable({
  rule,
  summarise: (o) => o.facts.egress.spawns.map((s) => `${s.detail} script=${s.script} self=${s.self}`),
  valid: ['spawn("git", ["status"], { stdio: "inherit" });', 'timer.unref();', 'spawn(cmd, args, { detached: false });'],
  invalid: [
    { code: 'spawn(process.execPath, [path.join(__dirname, "sync.js")], { detached: true, stdio: "ignore" });', expect: ['spawn (detached) script=sync.js self=false'] },
    { code: 'spawn(process.execPath, [__filename, "--flush"]).unref();', expect: ['spawn (unref) script=null self=true'] },
    { code: 'fork("./reporter.mjs", [], { detached: true });', expect: ['fork (detached) script=./reporter.mjs self=false'] },
  ],
});
