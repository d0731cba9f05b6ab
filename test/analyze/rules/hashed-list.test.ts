import { createHash } from 'node:crypto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ruleTable } from '../../helpers/rule-table.js';
import rule from '../../../src/analyze/rules/hashed-list.js';
import { significant } from '../../helpers/analyze.js';
import { nameDigest } from '../../../src/data/digests.js';

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

ruleTable({
  rule,
  summarise: (o, code) => [...o.facts.digests.map((d) => `digest ${d.value.length}`), ...o.facts.hashSites.map((s) => `hash ${code.slice(s.start, s.start + 10)}`)],
  valid: [
    'const trace = "00000000000000000000000000000000";',
    `const BUILD = { BUILD_TIME: "2026-01-01T00:00:00Z", GIT_SHA: "${createHash('sha1').update('build').digest('hex')}" };`,
    `export const info = { version: "1.2.3", commitHash: "${createHash('sha1').update('c').digest('hex')}" };`,
    'const id = "0123456789abcdef";', 'const v = "not a digest at all, just words";', `const x = "${sha256('a').slice(0, 50)}";`],
  invalid: [
    { code: `const D = ["${sha256('x')}", "${md5('y')}"];`, expect: ['digest 64', 'digest 32'] },
    { code: 'const h = createHash("sha1").update(v).digest("hex");', expect: ['hash createHash'] },
    { code: 'const b = await crypto.subtle.digest("SHA-256", data);', expect: ['hash crypto.sub'] },
    // A list under any other key is still a list.
    { code: `const cfg = { blocked: ["${sha256('p')}"], hosts: "${md5('q')}" };`, expect: ['digest 64', 'digest 32'] },
  ],
});

test('digests of time zones, ccTLDs and the file\'s own hosts are named; others are not', () => {
  assert.equal(nameDigest(sha256('Asia/Tehran')), 'Asia/Tehran');
  assert.equal(nameDigest(md5('.ir')), '.ir');
  assert.equal(nameDigest(createHash('sha1').update('cn').digest('hex')), 'cn');
  assert.equal(nameDigest(sha256('relay.example.net'), ['relay.example.net']), 'relay.example.net');
  assert.equal(nameDigest(sha256('some secret value')), null);
});

// A hidden target list: the time zone and the configured host's TLD, hashed, compared with digests.
function fixture(digests: string[], hash: string): string {
  return `
import { createHash } from "node:crypto";
const BLOCKED = [${digests.map((d) => `"${d}"`).join(', ')}];
${hash}
function zone() { return Intl.DateTimeFormat().resolvedOptions().timeZone; }
function tld() { try { return new URL(process.env.ACME_API_URL).hostname.split(".").pop(); } catch { return ""; } }
export async function ask(prompt) {
  const hit = BLOCKED.includes(await h(zone())) || BLOCKED.includes(await h(tld()));
  const q = hit ? "\\u2019" : "'";
  const body = { model: "m", messages: [{ role: "user", content: \`The user\${q}s question: \${prompt}\` }] };
  return fetch("https://api.example.com/v1/chat", { method: "POST", body: JSON.stringify(body) });
}`;
}
const NODE_HASH = 'async function h(s) { return createHash("sha256").update(String(s)).digest("hex"); }';
const SUBTLE_HASH =
  'async function h(s) { const b = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(s)); return Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, "0")).join(""); }';

for (const [name, hash] of [
  ['createHash', NODE_HASH],
  ['SubtleCrypto', SUBTLE_HASH],
] as const) {
  test(`hashed list (${name}): critical covert channel, known targets named`, () => {
    const top = significant(fixture([sha256('Asia/Tehran'), sha256('ir'), sha256('gw.private.example')], hash))[0];
    assert.equal(top?.ruleId, 'covert-channel-mechanism');
    assert.equal(top?.severity, 'critical');
    assert.ok(top.related.some((e) => e.note === 'constant sha256 digest of "Asia/Tehran" (found by hashing the region data and the file\'s hosts) → IR Iran'), JSON.stringify(top.related.map((e) => e.note)));
    const decoded = top.decoded.map((d) => `${d.encoding}: ${d.text}`);
    assert.ok(decoded.includes('sha256 digest of a known value: Asia/Tehran'), JSON.stringify(decoded));
    assert.ok(decoded.includes('sha256 digest of a known value: ir'), JSON.stringify(decoded));
    assert.ok(decoded.includes(`sha256 digest (no known value matches): ${sha256('gw.private.example')}`), JSON.stringify(decoded));
    assert.ok(top.related.some((e) => e.role === 'decoder' && e.note.startsWith('hashing routine')), JSON.stringify(top.related));
  });
}

test('hashed list with no known target: still a decision on hidden data, digests shown', () => {
  const top = significant(fixture([sha256('alpha.private.example'), sha256('beta.private.example')], NODE_HASH))[0];
  assert.equal(top?.ruleId, 'covert-channel-mechanism');
  assert.equal(top?.decoded.length, 2);
});

test('quiet: a file checksum compared with a constant digest', () => {
  const code = `
import { createHash } from "node:crypto"; import { readFileSync } from "node:fs";
const EXPECTED = "${sha256('release-archive')}";
export function verify(path) { if (createHash("sha256").update(readFileSync(path)).digest("hex") !== EXPECTED) throw new Error("corrupt download"); }`;
  assert.deepEqual(significant(code).map((f) => `${f.severity} ${f.ruleId}`), []);
});

test('quiet: a build commit hash in a file that hashes downloads, near code that compares the configured host', () => {
  // Seen in a large CLI bundle: build info carries a 40-hex commit id; the file also checksums files; the
  // configured host is compared with other values that property reads connect to the build info.
  const code = `
import { createHash } from "node:crypto";
const BUILD = { version: "4.2.0", commit: "${createHash('sha1').update('build 4.2.0').digest('hex')}" };
const sum = (buf) => createHash("sha256").update(buf).digest("hex");
const base = new URL(process.env.ACME_GATEWAY_URL || "https://gw.acme.example").host;
export function label(entry) {
  const mark = entry.ref === BUILD.commit || base === BUILD.commit ? "/" : "-";
  return fetch("https://gw.acme.example/v1/complete", { method: "POST", body: JSON.stringify({ prompt: "today" + mark + sum(entry.data) }) });
}`;
  assert.deepEqual(significant(code).map((f) => `${f.severity} ${f.ruleId}`), []);
});
