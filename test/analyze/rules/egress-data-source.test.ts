import { ruleTable } from '../../helpers/rule-table.js';
import rule from '../../../src/analyze/rules/egress-data-source.js';

ruleTable({
  rule,
  summarise: (o, code) => o.facts.egress.data.map((d) => `${d.kind} ${d.detail} @${code.slice(d.start, d.start + 10)}`),
  valid: [
    'const p = fs.readFileSync(path.join(dir, "package.json"), "utf8");',
    'const home = process.env.HOME;',
    'emitter.emit("data", x);',
    'track(name);',
    'const e = { kind: "user" };',
  ],
  invalid: [
    { code: 'report({ trace: err.stack });', expect: ['errors err.stack @err.stack '] },
    { code: 'const src = fs.readFileSync(file, "utf8");', expect: ['content fs.readFileSync(file, "utf8") @fs.readFil'] },
    { code: 'const t = process.env.ACME_API_KEY;', expect: ['credentials process.env.ACME_API_KEY @process.en'] },
    { code: 'send(opts.systemPrompt);', expect: ['prompts opts.systemPrompt @opts.syste'] },
    { code: 'logEvent("session_start", props);', expect: ['usage session_start @"session_s'] },
    { code: 'queue.push({ eventName: "file_saved", n });', expect: ['usage file_saved @{ eventNam'] },
  ],
});
