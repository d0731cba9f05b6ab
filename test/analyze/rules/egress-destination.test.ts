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
    // Package-manager commands that ask the registry nothing, and a `view` of another program.
    'execSync("npm run build");',
    'spawn("npm", ["test"]);',
    'execFile("gh", ["pr", "view", "12", "--json", "title"]);',
    'spawn(tool, ["view", target]);',
    'log("npm", ["view", "the docs"]);',
    'runTask(["view", "version"].join(" "));',
    'console.log("npm view @lanternworks/cli version");',
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
    // Update checks through a child package manager: the registry is the destination.
    { code: 'execSync("npm view @lanternworks/cli version");', expect: ['url https://registry.npmjs.org/', 'sink execSync npm view (the package registry) @execSync'] },
    { code: 'exec(`npm info ${name} dist-tags.latest --json`, cb);', expect: ['url https://registry.npmjs.org/', 'sink exec npm info (the package registry) @exec(`np'] },
    { code: 'cp.execFile("npm", ["view", pkg, "version"], done);', expect: ['url https://registry.npmjs.org/', 'sink cp.execFile npm view (the package registry) @cp.execF'] },
    { code: 'spawnSync(process.execPath, [npmCli(), "view", pkg, "dist-tags.next"]);', expect: ['url https://registry.npmjs.org/', 'sink spawnSync npm view (the package registry) @spawnSyn'] },
    { code: 'await execFileNoThrow("npm", ["view", `${pkg}@${tag}`, "version"]);', expect: ['url https://registry.npmjs.org/', 'sink execFileNoThrow npm view (the package registry) @execFile'] },
    { code: 'const out = await runGlobalNpm(["view", name, `dist-tags.${tag}`, "--json"], run);', expect: ['url https://registry.npmjs.org/', 'sink runGlobalNpm npm view (the package registry) @runGloba'] },
    { code: 'spawn("pnpm.cmd", ["info", pkg]);', expect: ['url https://registry.npmjs.org/', 'sink spawn pnpm info (the package registry) @spawn("p'] },
  ],
});
