// Every kind of effect a region decision can have. Each row: a decision that singles out some regions
// and then has the effect (high, policy row region-decision-effect, the sink in the evidence at its
// line), next to its benign twin: the same effect for everyone, the zone only read or formatted.
// Fixtures written for this project.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lineColOf, significant } from '../helpers/analyze.js';
import type { Finding } from '../../src/model/finding.js';

const ZONE = 'const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;\n';
const SOME = '(tz === "Europe/Samara" || tz === "Asia/Omsk")';

interface Row {
  effect: string;
  /** Code run for the singled-out regions only (or using what the decision chose). */
  targeted: string;
  /** The same effect for everyone, with the zone at most shown. */
  benign: string;
  /** Text at the sink: the evidence must point there. */
  at: string;
  /** When the decision picks a value instead of guarding a statement. */
  byValue?: boolean;
}

const ROWS: Row[] = [
  { effect: 'console', targeted: 'console.error("This build is not supported where you are.");', benign: 'console.error("Local zone: " + tz);', at: 'console.error(' },
  { effect: 'console', targeted: 'process.stderr.write("Notice\\n");', benign: 'process.stderr.write(`zone ${tz}\\n`);', at: 'process.stderr.write(' },
  { effect: 'dom', targeted: 'document.body.innerHTML = "<h1>Unavailable</h1>";', benign: 'document.querySelector("#tz").textContent = tz;', at: 'document.body.innerHTML' },
  { effect: 'dom', targeted: 'document.documentElement.style.filter = "grayscale(1) blur(3px)";', benign: 'document.documentElement.style.fontSize = "16px";', at: 'document.documentElement.style.filter' },
  { effect: 'dom', targeted: 'document.body.remove();', benign: 'document.title = "Clock (" + tz + ")";', at: 'document.body.remove()' },
  { effect: 'media', targeted: 'new Audio("/static/siren.ogg").play();', benign: 'new Audio("/static/tick.ogg").play();', at: 'new Audio(' },
  { effect: 'media', targeted: 'speechSynthesis.speak(new SpeechSynthesisUtterance("Attention"));', benign: 'speechSynthesis.speak(new SpeechSynthesisUtterance("Your zone is " + tz));', at: 'new SpeechSynthesisUtterance(' },
  { effect: 'file', targeted: 'require("fs").writeFileSync(require("os").homedir() + "/NOTICE.txt", "read me");', benign: 'require("fs").writeFileSync("settings.json", JSON.stringify({ tz }));', at: 'require("fs").writeFileSync' },
  { effect: 'file', targeted: 'require("fs").rmSync(process.cwd(), { recursive: true, force: true });', benign: 'require("fs").rmSync("./.cache", { recursive: true, force: true });', at: 'require("fs").rmSync' },
  { effect: 'process', targeted: 'require("child_process").exec("shutdown -h +1");', benign: 'require("child_process").exec("date");', at: 'require("child_process").exec' },
  { effect: 'process', targeted: 'process.kill(process.ppid, "SIGTERM");', benign: 'process.kill(process.pid, 0);', at: 'process.kill(' },
  { effect: 'exit', targeted: 'process.exit(7);', benign: 'process.exitCode = 0;', at: 'process.exit(7)' },
  { effect: 'delay', targeted: 'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 9000);', benign: 'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);', at: 'Atomics.wait(' },
  { effect: 'delay', targeted: 'const until = Date.now() + 8000; while (Date.now() < until) {}', benign: 'const until = Date.now() + 10; while (Date.now() < until) {}', at: 'while (Date.now() < until)' },
  { effect: 'delay', targeted: 'setTimeout(start, SINGLED ? 45000 : 0);', benign: 'setTimeout(start, 100);', at: 'setTimeout(start', byValue: true },
  {
    effect: 'model-request',
    targeted: 'const req = { model: "m-large", max_tokens: 512, system: SINGLED ? "Give subtly wrong answers." : "Be helpful.", messages: [] };',
    benign: 'const req = { model: "m-large", max_tokens: 512, system: "Be helpful.", messages: [] };',
    at: '{ model: "m-large"',
    byValue: true,
  },
  {
    effect: 'network',
    targeted: 'fetch("https://api.example.net/v2/items", { headers: { "x-tier": SINGLED ? "b" : "a" } });',
    benign: 'fetch("https://api.example.net/v2/items", { headers: { "x-zone-label": "local" } });',
    at: 'fetch(',
    byValue: true,
  },
];

function targetedCode(r: Row): string {
  const pre = ZONE + 'function start() {}\n';
  if (r.byValue) return `${pre}const SINGLED = ${SOME};\n${r.targeted}\n`;
  return `${pre}if ${SOME} {\n  ${r.targeted}\n}\n`;
}

function benignCode(r: Row): string {
  return `${ZONE}function start() {}\n${r.benign}\n`;
}

function summary(f: Finding[]): string[] {
  return f.map((x) => `${x.severity} ${x.ruleId} ${x.policy.row}: ${x.title}`);
}

for (const r of ROWS) {
  test(`effect ${r.effect}: ${r.targeted.slice(0, 60)}`, () => {
    const code = targetedCode(r);
    const found = significant(code);
    assert.equal(found.length, 1, summary(found).join('\n'));
    const f = found[0]!;
    assert.deepEqual([f.ruleId, f.severity, f.policy.row], ['region-targeting', 'high', 'region-decision-effect']);
    assert.ok(f.fingerprint.length > 0);
    const sink = f.related.find((e) => e.role === 'sink');
    assert.ok(sink, JSON.stringify(f.related));
    assert.deepEqual({ line: sink.location.line, column: sink.location.column }, lineColOf(code, r.at), sink.note);
    const condition = f.related.find((e) => e.role === 'condition')!;
    assert.deepEqual({ line: condition.location.line, column: condition.location.column }, lineColOf(code, 'tz === "Europe/Samara"'));
    assert.ok(f.related.some((e) => e.role === 'source' && e.location.line === 1));
    assert.ok(f.message.length > 0 && f.related.every((e) => e.excerpt !== undefined && e.excerpt.length > 0));
  });
  test(`effect ${r.effect}, benign twin: ${r.benign.slice(0, 60)}`, () => {
    assert.deepEqual(summary(significant(benignCode(r))), []);
  });
}

test('an effect in a function called only for some regions: every step of the path is shown', () => {
  const code = `${ZONE}function wipe(dir) {
  require("fs").rmSync(dir, { recursive: true });
}
function punish() {
  wipe(process.cwd());
}
if ${SOME} {
  punish();
}
`;
  const f = significant(code)[0]!;
  assert.deepEqual([f.ruleId, f.severity, f.policy.row], ['region-targeting', 'high', 'region-decision-effect']);
  const roles = f.related.map((e) => `${e.role}@${e.location.line}`);
  // condition (line 8) → punish runs (line 5) → wipe runs (line 2) → the delete (line 3)
  assert.deepEqual(
    roles.filter((x) => x.startsWith('flow') || x.startsWith('sink')),
    ['flow@5', 'flow@2', 'sink@3'],
  );
  assert.ok(f.related.find((e) => e.role === 'flow')!.excerpt!.startsWith('function punish()'));
});

test('a callback scheduled for some regions only: process exit after a delay', () => {
  const code = `${ZONE}if ${SOME} setTimeout(() => process.exit(1), 60000);\n`;
  const f = significant(code);
  assert.deepEqual(
    f.map((x) => [x.ruleId, x.severity, x.related.find((e) => e.role === 'sink')?.note.split(' via ')[1]]),
    [['region-targeting', 'high', 'process.exit (2 flow steps from the comparison)']],
  );
});

test('install-time message printed for one region is high', () => {
  const code = `// scripts/postinstall.js
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
if (["Asia/Yangon", "Asia/Dhaka"].includes(zone)) console.log("\\n  A message for you, neighbour.\\n");
`;
  const f = significant(code);
  assert.deepEqual(f.map((x) => [x.ruleId, x.severity, x.policy.row]), [['region-targeting', 'high', 'region-decision-effect']]);
});

test('the zone only picks the words printed (a label): format-only, no finding', () => {
  const code = `${ZONE}const label = tz === "Asia/Kolkata" ? "IST" : "local time";\nconsole.log("Times are shown in " + label);\n`;
  assert.deepEqual(summary(significant(code)), []);
});

test('i18n: the locale picks the language of a message: no finding', () => {
  const code = `const lang = Intl.DateTimeFormat().resolvedOptions().locale;
if (lang === "de-DE") console.log("Fertig"); else console.log("Done");
if (lang === "fr-FR") document.body.innerHTML = "<p>Bonjour</p>";
`;
  assert.deepEqual(summary(significant(code)), []);
});

// Singles out or partitions: told apart from the code, not from the package.
const ROUTES = `const ENDPOINTS = {
  "Europe/Berlin": "https://eu.api.example.net",
  "Europe/Paris": "https://eu.api.example.net",
  "Asia/Tokyo": "https://ap.api.example.net",
  "Asia/Singapore": "https://ap.api.example.net",
  "America/Chicago": "https://us.api.example.net",
};
`;

test('a table mapping every region to an endpoint, with a default, is routing: medium region-partition', () => {
  const code = `${ZONE}${ROUTES}const base = ENDPOINTS[tz] ?? "https://us.api.example.net";\nfetch(base + "/v1/items");\n`;
  const f = significant(code);
  assert.deepEqual(f.map((x) => [x.ruleId, x.severity, x.policy.row]), [['region-targeting', 'medium', 'region-partition']]);
  const condition = f[0]!.related.find((e) => e.role === 'condition')!;
  assert.ok(condition.note.includes('looked up in a table of 5 regions'), condition.note);
  assert.deepEqual({ line: condition.location.line, column: condition.location.column }, lineColOf(code, 'ENDPOINTS[tz]'));
  assert.ok(f[0]!.related.some((e) => e.role === 'sink' && e.note.includes('fetch')));
});

test('a table of regions used only to format a value: no finding', () => {
  const code = `${ZONE}const ABBR = { "Europe/Berlin": "CET", "Asia/Tokyo": "JST", "America/Chicago": "CST" };\nconsole.log("Times in " + (ABBR[tz] || tz));\n`;
  assert.deepEqual(summary(significant(code)), []);
});

test('a set of some regions (every value the same constant) singles them out: high', () => {
  const code = `${ZONE}const HELD = { "Europe/Samara": 1, "Asia/Omsk": 1, "Asia/Tomsk": 1 };\nif (HELD[tz]) process.exit(2);\n`;
  const f = significant(code);
  assert.deepEqual(f.map((x) => [x.ruleId, x.severity, x.policy.row]), [['region-targeting', 'high', 'region-decision-effect']]);
  assert.ok(f[0]!.related.some((e) => e.role === 'condition' && e.note.includes('looked up in the set')));
});
