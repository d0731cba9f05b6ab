import { ruleTable } from '../../helpers/rule-table.js';
import rule from '../../../src/analyze/rules/egress-destination.js';

ruleTable({
  rule,
  summarise: (o, code) => [
    ...o.facts.egress.urls.map((u) => `url ${u.url}`),
    ...o.facts.sinks.map((s) => `sink ${s.detail} @${code.slice(s.start, s.start + 8)}`),
  ],
  valid: [
    'const p = "./relative/path";',
    'exec("ls -la");',
    'stream.end(chunk);',
    'const h = { host: "localhost" };',
    // A host-looking string not named as a host, and a request variable's name reused far away.
    'const label = "docs.example-notes.org";',
    'const u = `https://iamcredentials.${universeDomain}/v1/x`;',
    `const r = https.request(opts);${' '.repeat(4100)}r.end(chunk);`,
  ],
  invalid: [
    { code: 'fetch("https://events.example-metrics.io/v1/batch");', expect: ['url https://events.example-metrics.io/v1/batch'] },
    { code: 'const u = `https://api.example.org/v2/${id}`;', expect: ['url https://api.example.org/v2/'] },
    { code: 'https.request({ hostname: "collect.example.net", path: "/p" });', expect: ['url https://collect.example.net'] },
    { code: 'execSync("curl -s -d @- " + target, { input: body });', expect: ['sink execSync curl @execSync'] },
    { code: 'https.request(opts).end(payload);', expect: ['sink https.request().end @https.re'] },
    { code: 'const req = https.request(opts, cb);\nreq.end(payload);', expect: ['sink req.end (a request) @req.end('] },
    { code: 'var EVENTS_HOSTNAME = "intake.example-metrics.io";', expect: ['url https://intake.example-metrics.io'] },
    { code: 'this.apiHost = "collect.example.net";', expect: ['url https://collect.example.net'] },
  ],
});
