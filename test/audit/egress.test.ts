// The egress map: per-file observations merged per package, owners, timing, opt-outs and the findings
// made of them. Every property is tested with a twin that differs only in that property.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { analyzeJs } from '../../src/audit/analyze-file.js';
import { buildEgressMap } from '../../src/audit/egress.js';
import { envExportsOf, importedFile, optOutHelpersOf, scanPackageExports } from '../../src/analyze/package/chunk-exports.js';
import { audit } from '../../src/audit/audit.js';
import type { EgressDestination } from '../../src/model/egress.js';
import type { Finding } from '../../src/model/finding.js';
import { tempRoot } from '../acquire/tar-fixtures.js';
import { runCli, scratchDirs } from '../cli/run-cli.js';
import { buildBunGraph, buildElf, bunSection } from '../executables/fixtures.js';

function mapOf(files: Record<string, string>, opts: { installFiles?: string[]; name?: string } = {}): { destinations: EgressDestination[]; findings: Finding[] } {
  const observations = [];
  const spawns = [];
  // As the audit does: what each chunk exports for the others first.
  const chunkExports = scanPackageExports(Object.entries(files));
  for (const [file, code] of Object.entries(files)) {
    const r = analyzeJs(file, code, { maxAstDepth: 2000, chunkExports });
    observations.push(...r.egress.observations);
    spawns.push(...r.egress.spawns);
  }
  return buildEgressMap({ observations, spawns, installFiles: opts.installFiles ?? [], packageName: opts.name ?? '@brightloom/codehelper' });
}

const one = (files: Record<string, string>, host: string, opts?: { installFiles?: string[] }) => {
  const m = mapOf(files, opts);
  const d = m.destinations.find((x) => x.destination === host);
  assert.ok(d, `no entry for ${host} in ${m.destinations.map((x) => x.destination).join(', ')}`);
  return { d, findings: m.findings };
};

const BEACON = (body: string, guard = '') => `function beacon() {${guard} fetch("https://pulse.brightloom.dev/e", { method: "POST", body: JSON.stringify(${body}) }); }\nbeacon();`;

describe('egress map: data classes (each with a twin without it)', () => {
  const CASES: [string, string, string][] = [
    ['identity', '{ h: require("os").hostname() }', 'identity'],
    ['environment', '{ z: Intl.DateTimeFormat().resolvedOptions().timeZone }', 'environment'],
    ['platform', '{ p: process.platform }', 'platform'],
    ['usage', '{ event: "project_opened" }', 'usage'],
    ['errors', '{ trace: new Error("x").stack }', 'errors'],
    ['content', '{ text: fs.readFileSync(target, "utf8") }', 'content'],
    ['prompts', '{ text: request.userPrompt }', 'prompts'],
    ['credentials', '{ key: process.env.BRIGHTLOOM_API_KEY }', 'credentials'],
  ];
  for (const [name, body, cls] of CASES) {
    test(`${name} reaches the beacon; the twin sends a constant`, () => {
      assert.deepEqual(one({ 'a.js': BEACON(body) }, 'pulse.brightloom.dev').d.data, [cls]);
      assert.deepEqual(one({ 'a.js': BEACON('{ v: 1 }') }, 'pulse.brightloom.dev').d.data, []);
    });
  }
  test('usage event names are listed', () => {
    const code = 'function track(name) { fetch("https://pulse.brightloom.dev/e", { method: "POST", body: name }); }\ntrack("cli_start");\ntrack("file_saved");';
    assert.deepEqual(one({ 'a.js': code }, 'pulse.brightloom.dev').d.events, ['cli_start', 'file_saved']);
  });
});

describe('egress map: opt-out (the same beacon with and without the check)', () => {
  test('a DO_NOT_TRACK check guarding the call is named, and platform telemetry behind it is info', () => {
    const { d, findings } = one({ 'a.js': BEACON('{ p: process.platform }', ' if (process.env.DO_NOT_TRACK) return;') }, 'pulse.brightloom.dev');
    assert.deepEqual(d.optOut.map((o) => o.name), ['DO_NOT_TRACK']);
    assert.deepEqual(findings.map((f) => [f.ruleId, f.severity, f.policy.row]), [['usage-telemetry', 'info', 'platform-telemetry-opt-out']]);
  });
  test('without the check: no opt-out found, low', () => {
    const { d, findings } = one({ 'a.js': BEACON('{ p: process.platform }') }, 'pulse.brightloom.dev');
    assert.deepEqual(d.optOut, []);
    assert.deepEqual(findings.map((f) => [f.ruleId, f.severity, f.policy.row]), [['usage-telemetry', 'low', 'platform-telemetry']]);
  });
  test('a check through a helper and a config key', () => {
    const code = 'const off = () => config.telemetryDisabled === true;\nfunction beacon() { if (off()) return; fetch("https://pulse.brightloom.dev/e", { body: process.arch }); }';
    assert.deepEqual(one({ 'a.js': code }, 'pulse.brightloom.dev').d.optOut.map((o) => o.name), ['config.telemetryDisabled']);
  });
  test('an opt-out read elsewhere in the file does not guard this call', () => {
    const code = 'const dnt = process.env.DO_NOT_TRACK;\nfunction beacon() { fetch("https://pulse.brightloom.dev/e", { body: process.arch }); }';
    assert.deepEqual(one({ 'a.js': code }, 'pulse.brightloom.dev').d.optOut, []);
  });
});

describe('egress map: timing (in-process vs detached reporter, start, exit, install)', () => {
  const REPORTER = 'const os = require("os");\nfunction report() { fetch("https://pulse.brightloom.dev/r", { method: "POST", body: os.userInfo().username }); }\nreport();';
  test('in-process: identity to the vendor is medium', () => {
    const { d, findings } = one({ 'lib/report.js': REPORTER, 'cli.js': 'require("./lib/report.js");' }, 'pulse.brightloom.dev');
    assert.deepEqual(d.timing, ['on-use']);
    assert.deepEqual(findings.map((f) => [f.ruleId, f.severity, f.policy.row]), [['telemetry-identity', 'medium', 'identity-to-telemetry']]);
  });
  test('detached: the same reporter run by spawn({ detached: true }) is high', () => {
    const spawner = 'const { spawn } = require("child_process");\nspawn(process.execPath, [require("path").join(__dirname, "report.js")], { detached: true, stdio: "ignore" }).unref();';
    const { d, findings } = one({ 'lib/report.js': REPORTER, 'lib/cli.js': spawner }, 'pulse.brightloom.dev');
    assert.deepEqual(d.timing, ['on-use', 'background']);
    assert.deepEqual(findings.map((f) => [f.ruleId, f.severity, f.policy.row]), [['background-reporter', 'high', 'identity-from-install-or-background']]);
  });
  test('install: a file run by postinstall', () => {
    const { d, findings } = one({ 'scripts/post.js': REPORTER }, 'pulse.brightloom.dev', { installFiles: ['scripts/post.js'] });
    assert.deepEqual(d.timing, ['install', 'on-use']);
    assert.deepEqual(findings.map((f) => [f.ruleId, f.severity]), [['background-reporter', 'high']]);
    // The twin: the same file, not run by an install script.
    const twin = one({ 'scripts/post.js': REPORTER }, 'pulse.brightloom.dev');
    assert.deepEqual(twin.d.timing, ['on-use']);
    assert.deepEqual(twin.findings.map((f) => [f.ruleId, f.severity]), [['telemetry-identity', 'medium']]);
  });
  test('start (top-level call) and exit (a handler of process exit)', () => {
    assert.deepEqual(one({ 'a.js': 'fetch("https://pulse.brightloom.dev/s", { body: process.arch });' }, 'pulse.brightloom.dev').d.timing, ['start']);
    const onExit = 'function flush() { fetch("https://pulse.brightloom.dev/x", { body: process.arch }); }\nprocess.on("exit", () => flush());';
    assert.deepEqual(one({ 'a.js': onExit }, 'pulse.brightloom.dev').d.timing, ['exit']);
  });
});

describe('egress map: who it is', () => {
  test('owners from the tracker database, the package name, the request shape, the registry host', () => {
    const code = [
      'fetch("https://api.segment.io/v1/track", { body: "x" });',
      'fetch("https://pulse.brightloom.dev/e", { body: "x" });',
      'fetch("https://registry.npmjs.org/left-pad/latest");',
      'fetch("https://llm.example.org/v1/chat/completions", { body: JSON.stringify({ model: m, messages: msgs }) });',
      'fetch("https://h7.unknown-example.net/p", { body: "x" });',
    ].join('\n');
    const m = mapOf({ 'a.js': code });
    const owner = (d: string) => m.destinations.find((x) => x.destination === d)?.owner;
    assert.deepEqual(owner('api.segment.io'), { kind: 'third-party-telemetry', name: 'Segment (Twilio)', basis: 'tracker-db' });
    assert.deepEqual(owner('pulse.brightloom.dev'), { kind: 'vendor', name: 'brightloom.dev', basis: 'package-domain' });
    assert.deepEqual(owner('registry.npmjs.org'), { kind: 'registry', name: 'npmjs.org', basis: 'registry-host' });
    assert.deepEqual(owner('llm.example.org'), { kind: 'model-api', name: null, basis: 'api-shape' });
    assert.deepEqual(owner('h7.unknown-example.net'), { kind: 'unknown', name: 'unknown-example.net', basis: 'none' });
  });
  test('prompts to the model API are listed, not reported; the same prompts to a third party are high', () => {
    const body = 'JSON.stringify({ model: m, messages: [{ role: "user", content: input.userPrompt }] })';
    const model = mapOf({ 'a.js': `fetch("https://llm.example.org/v1/messages", { body: ${body} });` });
    assert.deepEqual(model.destinations[0]?.data, ['prompts']);
    assert.deepEqual(model.findings, []);
    const third = mapOf({ 'a.js': `fetch("https://api.segment.io/v1/track", { body: JSON.stringify({ p: input.userPrompt }) });` });
    assert.deepEqual(third.findings.map((f) => [f.ruleId, f.severity, f.policy.row]), [['content-exfiltration', 'high', 'content-to-third-party']]);
  });
  test('a configured endpoint: the variable and its default', () => {
    const code = 'const base = process.env.BRIGHTLOOM_EVENTS_URL || "https://pulse.brightloom.dev/v1";\nfunction send(b) { fetch(`${base}/batch`, { body: b }); }';
    assert.deepEqual(one({ 'a.js': code }, 'pulse.brightloom.dev').d.configurable, [{ variable: 'process.env.BRIGHTLOOM_EVENTS_URL', default: 'https://pulse.brightloom.dev/v1' }]);
  });
  test('a proxy setting that reaches the call routes it; it is not the variable that sets the destination', () => {
    const code = 'const base = process.env.BRIGHTLOOM_EVENTS_URL || "https://pulse.brightloom.dev/v1";\nfunction send(b) { const bypass = (process.env.NO_PROXY || process.env.HTTPS_PROXY || "").split(","); fetch(`${base}/batch`, { body: b, agent: agentFor(bypass) }); }';
    assert.deepEqual(one({ 'a.js': code }, 'pulse.brightloom.dev').d.configurable.map((c) => c.variable), ['process.env.BRIGHTLOOM_EVENTS_URL']);
  });
});

// A package with three destinations, through the whole audit and the CLI.
const PKG: Record<string, string> = {
  'package.json': JSON.stringify({ name: '@brightloom/codehelper', version: '1.0.0' }),
  'cli.js': [
    "const { spawn } = require('child_process');",
    "const USAGE_URL = process.env.BRIGHTLOOM_USAGE_URL || 'https://usage.brightloom.dev/v2/collect';",
    "function usageOff() { return process.env.DO_NOT_TRACK === '1' || process.env.BRIGHTLOOM_TELEMETRY === 'off'; }",
    'function recordEvent(name) {',
    '  if (usageOff()) return;',
    "  fetch(USAGE_URL, { method: 'POST', body: JSON.stringify({ name, os: process.platform }) });",
    '}',
    "recordEvent('cli_start');",
    "recordEvent('cli_exit');",
    'function onCrash(err) {',
    "  fetch('https://api.segment.io/v1/track', { method: 'POST', body: JSON.stringify({ trace: err.stack, tz: Intl.DateTimeFormat().resolvedOptions().timeZone }) });",
    '}',
    "process.on('uncaughtException', onCrash);",
    "spawn(process.execPath, [require('path').join(__dirname, 'sync.js')], { detached: true, stdio: 'ignore' }).unref();",
  ].join('\n'),
  'sync.js': [
    "const os = require('os');",
    "const fs = require('fs');",
    'function upload() {',
    '  const src = fs.readFileSync(process.argv[2]);',
    "  fetch('https://o4471.ingest.sentry.io/api/12/envelope/', { method: 'POST', body: JSON.stringify({ user: os.userInfo().username, file: src.toString() }) });",
    '}',
    'upload();',
  ].join('\n'),
};

describe('egress map of a package with three destinations', () => {
  let root: string;
  let dir: string;
  before(async () => {
    root = await tempRoot('egress');
    dir = join(root, 'pkg');
    await mkdir(dir);
    for (const [f, text] of Object.entries(PKG)) await writeFile(join(dir, f), text);
  });
  after(() => rm(root, { recursive: true, force: true }));

  test('audit: every destination field by field, one finding per behaviour', async () => {
    const report = await audit(dir, { offline: true });
    const byDest = new Map((report.egress ?? []).map((d) => [d.destination, d]));
    assert.deepEqual([...byDest.keys()].sort(), ['api.segment.io', 'o4471.ingest.sentry.io', 'usage.brightloom.dev']);
    const usage = byDest.get('usage.brightloom.dev')!;
    assert.deepEqual(
      [usage.owner.kind, usage.data, usage.events, usage.timing, usage.optOut.map((o) => o.name), usage.configurable],
      ['vendor', ['platform', 'usage'], ['cli_start', 'cli_exit'], ['on-use'], ['DO_NOT_TRACK', 'BRIGHTLOOM_TELEMETRY'], [{ variable: 'process.env.BRIGHTLOOM_USAGE_URL', default: 'https://usage.brightloom.dev/v2/collect' }]],
    );
    const segment = byDest.get('api.segment.io')!;
    assert.deepEqual([segment.owner.kind, segment.owner.name, segment.data, segment.timing, segment.optOut], ['third-party-telemetry', 'Segment (Twilio)', ['environment', 'errors'], ['on-use'], []]);
    const sentry = byDest.get('o4471.ingest.sentry.io')!;
    assert.deepEqual([sentry.owner.kind, sentry.registrableDomain, sentry.data, sentry.timing, sentry.optOut], ['third-party-telemetry', 'sentry.io', ['identity', 'content'], ['on-use', 'background'], []]);
    const kinds = report.findings.filter((f) => f.category !== 'internal').map((f) => [f.ruleId, f.severity, f.location.file]);
    assert.deepEqual(kinds, [
      ['content-exfiltration', 'high', 'sync.js'],
      ['telemetry-identity', 'medium', 'cli.js'],
      ['usage-telemetry', 'info', 'cli.js'],
    ]);
    assert.ok(!report.findings.some((f) => f.ruleId === 'fingerprint-sent'), 'egress findings replace fingerprint-sent');
  });

  test('telltale audit --egress prints the table; --format json the same as data', async () => {
    const s = await scratchDirs(join(root, 'cli'));
    const text = await runCli(['audit', dir, '--egress', '--offline'], s);
    assert.equal(text.code, 1, text.stderr);
    const rows = text.stdout.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Destination') && !l.startsWith('| ---'));
    assert.deepEqual(rows.map((r) => r.split(' | ').map((c) => c.replace(/^\| |\s*\|$/g, '').trim())), [
      ['api.segment.io', 'third-party telemetry (Segment (Twilio))', 'environment, errors', '-', 'on-use', 'no opt-out found', '-'],
      ['o4471.ingest.sentry.io', 'third-party telemetry (Sentry)', 'identity, content', '-', 'on-use, background', 'no opt-out found', '-'],
      ['usage.brightloom.dev', 'vendor (brightloom.dev)', 'platform, usage', 'cli_start, cli_exit', 'on-use', 'DO_NOT_TRACK, BRIGHTLOOM_TELEMETRY', 'BRIGHTLOOM_USAGE_URL (default https://usage.brightloom.dev/v2/collect)'],
    ]);
    assert.ok(!text.stdout.includes('Findings:'), 'only the map');
    const json = await runCli(['audit', dir, '--egress', '--offline', '--format', 'json'], s);
    const doc = JSON.parse(json.stdout) as { egress: EgressDestination[] };
    assert.deepEqual(
      doc.egress.map((d) => [d.destination, d.owner.kind, d.owner.name, d.data, d.events, d.timing, d.optOut.map((o) => o.name), d.configurable]),
      [
        ['api.segment.io', 'third-party-telemetry', 'Segment (Twilio)', ['environment', 'errors'], [], ['on-use'], [], []],
        ['o4471.ingest.sentry.io', 'third-party-telemetry', 'Sentry', ['identity', 'content'], [], ['on-use', 'background'], [], []],
        [
          'usage.brightloom.dev',
          'vendor',
          'brightloom.dev',
          ['platform', 'usage'],
          ['cli_start', 'cli_exit'],
          ['on-use'],
          ['DO_NOT_TRACK', 'BRIGHTLOOM_TELEMETRY'],
          [{ variable: 'process.env.BRIGHTLOOM_USAGE_URL', default: 'https://usage.brightloom.dev/v2/collect' }],
        ],
      ],
    );
  });
});

// Patterns found while checking the maps of real CLIs by hand (docs/egress/); spelled by this project.
describe('egress map: patterns from the hand checks', () => {
  test('a host constant in a named variable, a request object kept in a variable and ended with the body', () => {
    const code = [
      'const https = require("https");\nconst os = require("os");',
      'var PULSE_HOSTNAME = "pulse.brightloom.dev";',
      'function flushQueue() {',
      '  const body = JSON.stringify({ os: os.platform() });',
      '  const req = https.request({ hostname: PULSE_HOSTNAME, path: "/", method: "POST" }, () => {});',
      '  req.on("error", () => {});',
      '  req.end(body);',
      '}',
    ].join('\n');
    const { d } = one({ 'a.js': code }, 'pulse.brightloom.dev');
    assert.deepEqual([d.data, d.calls.map((c) => c.location.line)], [['platform'], [6, 8]]);
    // The twin: the same request, its host read from the caller: nothing names it.
    const twin = mapOf({ 'a.js': code.replace('hostname: PULSE_HOSTNAME', 'hostname: opts.host') });
    assert.deepEqual(twin.destinations.map((x) => x.destination), ['(unresolved)']);
  });
  test('a client.request({ url }) call of an authenticated wrapper, its base URL configurable with a default', () => {
    const code = [
      'var DEFAULT_ENDPOINT = "https://assist.brightloom.dev";',
      'class AssistServer {',
      '  base() { const e = process.env["BRIGHTLOOM_ASSIST_ENDPOINT"] ?? DEFAULT_ENDPOINT; return `${e}/v2`; }',
      '  async post(m, req) { return this.client.request({ url: `${this.base()}:${m}`, method: "POST", body: JSON.stringify({ req, os: process.platform }) }); }',
      '}',
    ].join('\n');
    const { d } = one({ 'a.js': code }, 'assist.brightloom.dev');
    assert.deepEqual([d.owner.kind, d.data, d.configurable], ['vendor', ['platform'], [{ variable: 'process.env.BRIGHTLOOM_ASSIST_ENDPOINT', default: 'https://assist.brightloom.dev' }]]);
  });
});

describe('egress map: HTTP clients under minified names (issue 10)', () => {
  // A bundler's output: the client loaded through an interop wrapper, a configured instance, a batch of events.
  const BUNDLE = (loader: string) =>
    [
      `var Qm = __toESM(${loader}, 1);`,
      'var Lz = "https://intake.lumenlog-metrics.io";',
      'var Rk = (0, Qm.default).create({ baseURL: Lz, timeout: 5e3 });',
      'function Wf(e) { return Rk.post("/api/v2/logs", e, { headers: { "content-type": "application/json" } }); }',
      'Wf([{ ddsource: "cli", event: "session_start", host: require("os").hostname() }]);',
    ].join('\n');
  test('an interop-wrapped client and its configured instance post to the intake; the twin wraps another module', () => {
    const { d } = one({ 'a.js': BUNDLE('require_axios()') }, 'intake.lumenlog-metrics.io');
    assert.deepEqual([d.data, d.calls.map((c) => c.location.line)], [['identity', 'usage'], [4]]);
    assert.deepEqual(mapOf({ 'a.js': BUNDLE('require_lru_cache()') }).destinations, []);
  });
  test('an imported namespace of a client, called as a function and through a method', () => {
    const code = 'import * as g from "got";\nconst P = new URL("https://beacon.lumenlog-metrics.io/p");\nexport async function ping() { await g.post(P, { json: { tz: Intl.DateTimeFormat().resolvedOptions().timeZone } }); }';
    assert.deepEqual(one({ 'a.mjs': code }, 'beacon.lumenlog-metrics.io').d.data, ['environment']);
    assert.deepEqual(mapOf({ 'a.mjs': code.replace('from "got"', 'from "./store.js"') }).destinations, []);
  });
});

describe('egress map: process.env under another name, across chunks (issue 10)', () => {
  // A bundle split into chunks: the environment kept in one chunk's variable, read in another.
  const ENV_CHUNK = 'var Kf = process.env, Qz = 3;\nexport { Qz as a, Kf as b };';
  const SENDER = [
    'import { b as s } from "./chunk-env.js";',
    'function Dx(ev) {',
    '  if (s.LANTERN_DISABLE_TELEMETRY || s.DO_NOT_TRACK) return;',
    '  fetch(s.LANTERN_TELEMETRY_URL ?? "https://events.lanternworks.dev/v1", { method: "POST", body: JSON.stringify({ ev, os: process.platform }) });',
    '}',
    'Dx("session_start");',
  ].join('\n');
  const mapWith = (envExports: Record<string, string[]>) => {
    const chunkExports = Object.fromEntries(Object.entries(envExports).map(([f, env]) => [f, { env, optOutHelpers: {} }]));
    const r = analyzeJs('dist/chunk-send.js', SENDER, { maxAstDepth: 2000, chunkExports });
    return buildEgressMap({ observations: r.egress.observations, spawns: r.egress.spawns, installFiles: [], packageName: '@lanternworks/cli' });
  };
  test('envExportsOf names the exports that hold process.env', () => {
    assert.deepEqual(envExportsOf(ENV_CHUNK), ['b']);
    assert.deepEqual(envExportsOf('export const env = process.env;'), ['env']);
    assert.deepEqual(envExportsOf('var Kf = process.env.HOME;\nexport { Kf as b };'), []);
  });
  test('the alias imported from the chunk that exports it: opt-outs and the variable that sets the host; the twin: the export is something else', () => {
    const d = mapWith({ 'dist/chunk-env.js': ['b'] }).destinations.find((x) => x.destination === 'events.lanternworks.dev');
    assert.ok(d);
    assert.deepEqual(d.optOut.map((o) => o.name), ['LANTERN_DISABLE_TELEMETRY', 'DO_NOT_TRACK']);
    assert.deepEqual(d.configurable.map((c) => c.variable), ['process.env.LANTERN_TELEMETRY_URL']);
    const twin = mapWith({ 'dist/chunk-env.js': ['a'] }).destinations.find((x) => x.destination === 'events.lanternworks.dev');
    // Without the alias the same checks still read like settings keys, but nothing names an environment variable.
    assert.deepEqual([twin?.optOut.map((o) => o.name), twin?.configurable], [['s.LANTERN_DISABLE_TELEMETRY', 's.DO_NOT_TRACK'], []]);
  });
  test('through an audit of the package: the chunks are scanned before either is analysed', async () => {
    const root = await tempRoot('egress-env-chunks');
    try {
      const dir = join(root, 'pkg');
      await mkdir(join(dir, 'dist'), { recursive: true });
      await writeFile(join(dir, 'package.json'), JSON.stringify({ name: '@lanternworks/cli', version: '1.0.0', type: 'module', main: 'dist/chunk-send.js' }));
      await writeFile(join(dir, 'dist', 'chunk-env.js'), ENV_CHUNK);
      await writeFile(join(dir, 'dist', 'chunk-send.js'), SENDER);
      const report = await audit(dir, { offline: true });
      const d = report.egress?.find((x) => x.destination === 'events.lanternworks.dev');
      assert.deepEqual([d?.optOut.map((o) => o.name), d?.configurable.map((c) => c.variable)], [['LANTERN_DISABLE_TELEMETRY', 'DO_NOT_TRACK'], ['process.env.LANTERN_TELEMETRY_URL']]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('egress map: what the hand checks found (docs/egress/)', () => {
  const FLAGS = 'export function telemetryOff() { return Boolean(process.env.LANTERN_DISABLE_TELEMETRY || process.env.DO_NOT_TRACK); }';
  const SEND = (head: string) =>
    `${head}\nexport function Dx(ev) { if (q()) return; fetch("https://events.lanternworks.dev/v1", { method: "POST", body: JSON.stringify({ ev, os: process.platform }) }); }\nDx("session_start");`;
  test('an opt-out checked by a helper of the same file guards the send (the twin of the next)', () => {
    const { d } = one({ 'dist/chunk-send.js': SEND(`${FLAGS.replace('export ', '')}\nconst q = telemetryOff;`) }, 'events.lanternworks.dev');
    assert.deepEqual(d.optOut.map((o) => o.name), ['LANTERN_DISABLE_TELEMETRY', 'DO_NOT_TRACK']);
  });
  test('an opt-out checked by a helper imported from another chunk', () => {
    const { d } = one({ 'dist/chunk-flags.js': FLAGS, 'dist/chunk-send.js': SEND('import { telemetryOff as q } from "./chunk-flags.js";') }, 'events.lanternworks.dev');
    assert.deepEqual(d.optOut.map((o) => o.name), ['LANTERN_DISABLE_TELEMETRY', 'DO_NOT_TRACK']);
  });
  // A minified split bundle: the environment in one chunk, an arrow helper reading it in a second (exported under a
  // one-letter name), the send in a third.
  const ENV = 'var e1 = process.env;\nexport { e1 as E };';
  const HELPER = 'import { E as z } from "../dist/env.mjs";\nvar tk = () => !!(z.QUILLSTACK_NO_TELEMETRY || z["DO_NOT_TRACK"]), other = () => z.HOME;\nexport { tk as t, other as o };';
  const SENDER = (test: string) =>
    `import { t as k9, o as k8 } from "../flags/helper.mjs";\nasync function up(ev) {\n  if (${test}) return;\n  await fetch("https://t.quillstack.io/i", { method: "POST", body: JSON.stringify({ ev }) });\n}\nup("open");`;
  test('a minified helper two chunks away, the environment from a third; the twin tests another helper of the same chunk', () => {
    const files = { 'dist/env.mjs': ENV, 'flags/helper.mjs': HELPER, 'dist/send.mjs': SENDER('k9()') };
    assert.deepEqual(scanPackageExports(Object.entries(files))['flags/helper.mjs'], { env: [], optOutHelpers: { t: ['QUILLSTACK_NO_TELEMETRY', 'DO_NOT_TRACK'] } });
    assert.deepEqual(one(files, 't.quillstack.io').d.optOut.map((o) => o.name), ['QUILLSTACK_NO_TELEMETRY', 'DO_NOT_TRACK']);
    assert.deepEqual(one({ ...files, 'dist/send.mjs': SENDER('k8() === "/"') }, 't.quillstack.io').d.optOut, []);
  });
  test('an import without an extension and a default import name the helper too', () => {
    const files = {
      'dist/env.mjs': ENV,
      'flags/helper.mjs': HELPER.replace('export { tk as t, other as o };', 'export { tk as default, other as o };'),
      'dist/send.mjs': SENDER('k9()').replace('import { t as k9, o as k8 } from "../flags/helper.mjs"', 'import k9, { o as k8 } from "../flags/helper"'),
    };
    assert.deepEqual(one(files, 't.quillstack.io').d.optOut.map((o) => o.name), ['QUILLSTACK_NO_TELEMETRY', 'DO_NOT_TRACK']);
  });
  test('inside an executable, chunks import each other by absolute names', () => {
    const exe = 'package/bin/qs';
    const files = { [`${exe}!/$bunfs/root/env.js`]: ENV, [`${exe}!/$bunfs/root/flags.js`]: HELPER.replace('"../dist/env.mjs"', '"/$bunfs/root/env.js"'), [`${exe}!/$bunfs/root/send.js`]: SENDER('k9()').replace('"../flags/helper.mjs"', '"/$bunfs/root/flags.js"') };
    assert.deepEqual(one(files, 't.quillstack.io').d.optOut.map((o) => o.name), ['QUILLSTACK_NO_TELEMETRY', 'DO_NOT_TRACK']);
    assert.equal(importedFile(`${exe}!B:/~BUN/root/a.js`, 'B:/~BUN/root/b.js'), `${exe}!B:/~BUN/root/b.js`);
    // Outside an executable an absolute import is no file of the package.
    assert.equal(importedFile('dist/a.js', '/$bunfs/root/b.js'), null);
  });
  test('through an audit of a package whose executable holds the chunks: the helper joined by absolute import names', async () => {
    const root = await tempRoot('egress-optout-exe');
    try {
      const dir = join(root, 'pkg');
      await mkdir(join(dir, 'bin'), { recursive: true });
      const graph = buildBunGraph([
        { name: '/$bunfs/root/send.js', contents: `// @bun\n${SENDER('k9()').replace('"../flags/helper.mjs"', '"/$bunfs/root/flags.js"')}` },
        { name: '/$bunfs/root/flags.js', contents: `// @bun\n${HELPER.replace('"../dist/env.mjs"', '"/$bunfs/root/env.js"')}` },
        { name: '/$bunfs/root/env.js', contents: `// @bun\n${ENV}` },
      ]);
      await writeFile(join(dir, 'bin', 'qs'), buildElf([{ name: '.text', data: Buffer.alloc(64) }, { name: '.bun', data: bunSection(graph) }]));
      await writeFile(join(dir, 'package.json'), JSON.stringify({ name: '@quillstack/cli', version: '1.0.0', bin: { qs: 'bin/qs' } }));
      const report = await audit(dir, { offline: true });
      const d = report.egress?.find((x) => x.destination === 't.quillstack.io');
      assert.deepEqual(d?.optOut.map((o) => o.name), ['QUILLSTACK_NO_TELEMETRY', 'DO_NOT_TRACK'], JSON.stringify(report.egress));
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
  test('optOutHelpersOf: only short exported functions that read an opt-out switch', () => {
    const none = (file: string) => (file === 'a.js' ? [] : undefined);
    const helpers = (text: string) => optOutHelpersOf(text, 'a.js', none);
    assert.deepEqual(helpers('export function off() { return process.env.DO_NOT_TRACK === "1"; }'), { off: ['DO_NOT_TRACK'] });
    assert.deepEqual(helpers('function off() { return process.env.DO_NOT_TRACK === "1"; }'), {}, 'not exported');
    assert.deepEqual(helpers('export function where() { return process.env.ACME_TELEMETRY_URL; }'), {}, 'a destination, no switch');
    assert.deepEqual(helpers('export function home() { return process.env.HOME; }'), {}, 'no switch');
    const long = `export function run() { if (process.env.DO_NOT_TRACK) return; ${'work();'.repeat(120)} }`;
    assert.deepEqual(helpers(long), {}, 'a function that also does the work is no helper');
    assert.deepEqual(helpers('export const off = function () { const s = "}{"; return !!process.env["ACME_DISABLE_ANALYTICS"] && s; };'), { off: ['ACME_DISABLE_ANALYTICS'] });
    // Minified code reuses short names in nested scopes: the read is in `n`, whose inner `e` is not the exported `e`.
    assert.deepEqual(helpers('function e(){return globalThis.ready===1}function n(){const e=()=>!!process.env.DO_NOT_TRACK;return e()}export{e as isReady,n as k};'), { k: ['DO_NOT_TRACK'] });
    // A read in a comment, a string, a template's text or a regular expression is no read.
    for (const fake of ['/* process.env.DO_NOT_TRACK */', '"process.env.DO_NOT_TRACK"', '`process.env.DO_NOT_TRACK ${1}`', '/process.env.DO_NOT_TRACK/.test(x)'])
      assert.deepEqual(helpers(`export function q(x){ ${fake}; return false }`), {}, fake);
    assert.deepEqual(helpers('export function q(){ return `${process.env.DO_NOT_TRACK}` === "1" }'), { q: ['DO_NOT_TRACK'] }, 'a template expression is code');
    assert.deepEqual(helpers('function off(){return !!process.env.DO_NOT_TRACK}\nexport default off;'), { default: ['DO_NOT_TRACK'] });
  });
  // The timeout only guards against a hang: the scan takes milliseconds on any machine.
  test('optOutHelpersOf: names from the text never become pattern syntax, and crafted text costs linear time', { timeout: 120_000 }, () => {
    const env = (file: string) => (file === 'd/env.js' ? ['E'] : undefined);
    // An import list in a comment that names a nested quantifier and a broken group.
    for (const name of ['(?:a+)+', 'z(']) {
      const text = `/* import { E as ${name} } from "./env.js" */ export function f(){ return process.env.DO_NOT_TRACK }\n!${'a'.repeat(40)}!`;
      assert.deepEqual(optOutHelpersOf(text, 'd/h.js', env), { f: ['DO_NOT_TRACK'] }, name);
    }
    // Unclosed export and import lists, repeated (in a comment, which the patterns still read): a list stops at the
    // next brace, so each character is scanned about once. A list that ran to the next closing brace instead read
    // up to 20 000 characters per `export{`: 6.1 s here for these 150 000 lists on the 2-core build machine, 4 ms now.
    const lists = `export function f(){return process.env.DO_NOT_TRACK}\n/* ${'export{a,'.repeat(100_000)}${'import{b,'.repeat(50_000)} */`;
    assert.deepEqual(optOutHelpersOf(lists, 'd/h.js', env), { f: ['DO_NOT_TRACK'] });
  });
  test('through an audit of the package: the helper chunk is scanned before the send is analysed', async () => {
    const root = await tempRoot('egress-optout-chunks');
    try {
      const dir = join(root, 'pkg');
      await mkdir(join(dir, 'dist'), { recursive: true });
      await mkdir(join(dir, 'flags'), { recursive: true });
      await writeFile(join(dir, 'package.json'), JSON.stringify({ name: '@quillstack/cli', version: '1.0.0', type: 'module', main: 'dist/send.mjs' }));
      await writeFile(join(dir, 'dist', 'env.mjs'), ENV);
      await writeFile(join(dir, 'flags', 'helper.mjs'), HELPER);
      await writeFile(join(dir, 'dist', 'send.mjs'), SENDER('k9()'));
      const report = await audit(dir, { offline: true });
      const d = report.egress?.find((x) => x.destination === 't.quillstack.io');
      assert.deepEqual(d?.optOut.map((o) => o.name), ['QUILLSTACK_NO_TELEMETRY', 'DO_NOT_TRACK']);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
  const LINKS = (decl: string) => mapOf({ 'a.js': `${decl}\nfetch(API_URL + "/session", { method: "POST" });` }).destinations.map((d) => d.destination);
  test('a link kept in its own constant and never requested is no destination (the twin of the next)', () => {
    assert.deepEqual(LINKS('const API_URL = "https://api.brightloom.dev/v1";\nconst DOCS = "https://docs.brightloom.dev/start";\nconsole.log(DOCS);'), ['api.brightloom.dev']);
  });
  test('only the link of a constant object that is requested is a destination', () => {
    assert.deepEqual(LINKS('const LINKS = { docs: "https://docs.brightloom.dev/start", api: "https://api.brightloom.dev/v1" };\nconst API_URL = LINKS.api;'), ['api.brightloom.dev']);
    // A property holding a plain name, not a link, is still a property the file writes: its read takes no link of the object.
    assert.deepEqual(LINKS('const INFO = { docs: "https://docs.brightloom.dev/start", pkg: "@brightloom/cli" };\nconst API_URL = "https://api.brightloom.dev/v1?p=" + INFO.pkg;'), ['api.brightloom.dev']);
    // A key chosen at run time may pick either link.
    assert.deepEqual(LINKS('const LINKS = { docs: "https://docs.brightloom.dev/start", api: "https://api.brightloom.dev/v1" };\nconst API_URL = LINKS[process.argv[2]];').sort(), ['api.brightloom.dev', 'docs.brightloom.dev']);
  });
  test('a property the walk cannot see into still names the links of its object', () => {
    // `c.endpoint` is no property the object has: only the whole object, passed in, connects the link to the call.
    const code = 'function send(c) { fetch(c.endpoint, { method: "POST" }); }\nsend({ base: "https://ingest.brightloom.dev/v2" });';
    assert.deepEqual(mapOf({ 'a.js': code }).destinations.map((d) => d.destination), ['ingest.brightloom.dev']);
    // A literal link on another path to the same call hides nothing.
    const decoy = code.replace('fetch(c.endpoint,', 'fetch(process.argv[3] ? "https://docs.brightloom.dev/x" : c.endpoint,');
    assert.deepEqual(mapOf({ 'a.js': decoy }).destinations.map((d) => d.destination).sort(), ['docs.brightloom.dev', 'ingest.brightloom.dev']);
    const joined = code.replace('fetch(c.endpoint,', 'fetch(c.endpoint + (process.argv[3] || "https://docs.brightloom.dev/x"),');
    assert.deepEqual(mapOf({ 'a.js': joined }).destinations.map((d) => d.destination).sort(), ['docs.brightloom.dev', 'ingest.brightloom.dev']);
  });
  test('a payload built by methods of a class and posted from inside a promise executor', () => {
    const code = [
      'import os from "node:os";',
      'import * as https from "node:https";',
      'var PULSE_HOSTNAME = "pulse.brightloom.dev";',
      'var Reporter = class {',
      '  meta() { return { type: os.platform(), version: os.release() }; }',
      '  async payload() { return { os: this.meta() }; }',
      '  async flush() {',
      '    const p = await this.payload();',
      '    await new Promise((resolve, reject) => {',
      '      const req = https.request({ hostname: PULSE_HOSTNAME, path: "/", method: "POST" }, () => resolve());',
      '      req.on("error", reject);',
      '      req.end(serialise(p));',
      '    });',
      '  }',
      '};',
    ].join('\n');
    assert.deepEqual(one({ 'a.mjs': code }, 'pulse.brightloom.dev').d.data, ['platform']);
  });
  test('an opt-out checked in the singleton factory of the class that sends; the twin: the factory of another class', () => {
    const sender = '  flush() { fetch("https://pulse.brightloom.dev/u", { method: "POST", body: JSON.stringify({ p: process.platform }) }); }';
    const factory = '  static get(cfg) { if (!cfg.usageStatisticsEnabled) return undefined; return (this.one ??= new this()); }';
    const same = one({ 'a.js': ['class UsageLog {', factory, sender, '}'].join('\n') }, 'pulse.brightloom.dev');
    assert.deepEqual([same.d.optOut.map((o) => o.name), same.findings.map((f) => f.severity)], [['cfg.usageStatisticsEnabled'], ['info']]);
    const other = one({ 'a.js': ['class Settings {', factory, '}', 'class UsageLog {', sender, '}'].join('\n') }, 'pulse.brightloom.dev');
    assert.deepEqual([other.d.optOut, other.findings.map((f) => f.severity)], [[], ['low']]);
  });
  test('an update check run as a child `npm view` process: the registry, on use; the twin runs `npm run`', () => {
    const code = 'const { execFile } = require("child_process");\nfunction latest(name) { execFile(process.execPath, [npmCli(), "view", name, "dist-tags.latest", "--json"], () => {}); }';
    const m = mapOf({ 'a.js': code });
    assert.deepEqual(m.destinations.map((d) => [d.destination, d.owner.kind, d.timing]), [['registry.npmjs.org', 'registry', ['on-use']]]);
    const twin = mapOf({ 'a.js': code.replace('"view", name, "dist-tags.latest", "--json"', '"run", "build"') });
    assert.deepEqual(twin.destinations, []);
  });
  test('an update check at start through `npm view … version`, behind its opt-out', () => {
    const code = 'const cp = require("child_process");\nif (!process.env.LANTERN_NO_UPDATE_CHECK) cp.exec("npm view @lanternworks/cli version", (e, out) => notify(out));';
    const { d } = one({ 'a.js': code }, 'registry.npmjs.org');
    assert.deepEqual([d.owner.kind, d.timing, d.optOut.map((o) => o.name)], ['registry', ['start'], ['LANTERN_NO_UPDATE_CHECK']]);
  });
});
