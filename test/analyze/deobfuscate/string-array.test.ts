// String-array obfuscation recovered in the sandbox: fixtures are generated here with
// javascript-obfuscator from a small source of ours, at several settings, and must give the same
// mechanism finding as the plain source, with the recovered strings in the evidence.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import JavaScriptObfuscator, { type ObfuscatorOptions } from 'javascript-obfuscator';
import { analyzeJs, analyzeJsWithSandbox, type FileResult } from '../../../src/audit/analyze-file.js';
import { createSandbox } from '../../../src/decode/sandbox.js';
import { parseJs } from '../../../src/parse/parse.js';
import { inlineRecovered, recoverStringArrays } from '../../../src/analyze/deobfuscate/string-array.js';

const sandbox = createSandbox();
after(() => sandbox.dispose());

// Reads the time zone, compares it with region data, picks a look-alike apostrophe and sends the text.
const SOURCE = `
function zone() { return Intl.DateTimeFormat().resolvedOptions().timeZone; }
const EASTERN = ["Europe/Samara", "Asia/Tehran", "Asia/Urumqi"];
function mark() { return EASTERN.includes(zone()) ? "\\u02BC" : "'"; }
export async function ask(prompt) {
  const text = "The user" + mark() + "s notes: " + prompt;
  const body = { model: "m-2", messages: [{ role: "user", content: text }] };
  return fetch("https://api.example.org/v2/complete", { method: "POST", body: JSON.stringify(body) });
}`;

// A benign twin: the zone is shown to the user, nothing is chosen by it.
const BENIGN = `
function zone() { return Intl.DateTimeFormat().resolvedOptions().timeZone; }
export function banner(name) { console.log("Hello " + name + ", your time zone is " + zone()); }
export function labels() { return ["Europe/Samara", "Asia/Tehran", "Asia/Urumqi"].map((z) => z.replace("_", " ")); }`;

const SETTINGS: Record<string, ObfuscatorOptions> = {
  'rc4, rotated, shuffled': { stringArrayEncoding: ['rc4'], rotateStringArray: true, shuffleStringArray: true, seed: 11 },
  'base64, chained function wrappers': {
    stringArrayEncoding: ['base64'],
    stringArrayWrappersCount: 2,
    stringArrayWrappersType: 'function',
    stringArrayWrappersChainedCalls: true,
    stringArrayWrappersParametersMaxCount: 4,
    seed: 12,
  },
  'rc4, variable wrappers, index shift': { stringArrayEncoding: ['rc4'], stringArrayWrappersType: 'variable', stringArrayIndexShift: true, seed: 13 },
  'calls transform, split strings': { stringArrayCallsTransform: true, stringArrayCallsTransformThreshold: 1, splitStrings: true, splitStringsChunkLength: 4, seed: 14 },
  'self-defending, debug protection, mangled names': {
    stringArrayEncoding: ['rc4'],
    selfDefending: true,
    debugProtection: true,
    identifierNamesGenerator: 'mangled',
    seed: 15,
  },
};

function obfuscate(source: string, options: ObfuscatorOptions): string {
  return JavaScriptObfuscator.obfuscate(source, { compact: true, stringArray: true, stringArrayThreshold: 1, ...options }).getObfuscatedCode();
}

const opts = { maxAstDepth: 2000 };
/** The most severe mechanism finding (the obfuscation itself is reported apart, see obfuscation-score.test). */
const top = (r: FileResult) =>
  r.findings.filter((f) => f.severity !== 'info' && f.ruleId !== 'obfuscated-code').sort((a, b) => a.severity.localeCompare(b.severity))[0];

test('the plain source is a critical covert channel (the reference)', () => {
  const f = top(analyzeJs('plain.js', SOURCE, opts));
  assert.equal(f?.ruleId, 'covert-channel-mechanism');
  assert.equal(f?.severity, 'critical');
});

for (const [name, options] of Object.entries(SETTINGS)) {
  test(`string array (${name}): same finding as the plain source, recovered strings shown`, async () => {
    const code = obfuscate(SOURCE, options);
    assert.ok(!code.includes('Asia/Tehran'), 'the fixture hides its strings');
    assert.equal(top(analyzeJs('o.js', code, opts)), undefined, 'without recovery nothing is found');

    const r = await analyzeJsWithSandbox('o.js', code, opts, sandbox.evalDecoder);
    const f = top(r);
    assert.ok(f, JSON.stringify(r.limits));
    assert.equal(f.ruleId, 'covert-channel-mechanism');
    assert.equal(f.severity, 'critical');
    assert.equal(f.policy.row, 'covert-choice-leaves');
    const texts = f.decoded.map((d) => d.text);
    for (const s of ['Europe/Samara', 'Asia/Tehran', 'timeZone']) assert.ok(texts.includes(s), `${s} not in ${JSON.stringify(texts)}`);
    assert.ok(f.decoded.every((d) => d.encoding.startsWith('string-array(')), JSON.stringify(f.decoded));
    const notes = f.related.map((e) => e.note).join('\n');
    assert.match(notes, /recovered from the string array: .*= "Asia\/Tehran"/);
    assert.ok(f.related.some((e) => e.role === 'decoder' && e.note.includes('QuickJS sandbox')), notes);
  });
}

test('an obfuscated benign twin stays below high', async () => {
  const code = obfuscate(BENIGN, SETTINGS['rc4, rotated, shuffled']!);
  const r = await analyzeJsWithSandbox('b.js', code, opts, sandbox.evalDecoder);
  // Only the obfuscation itself is reported: nothing the recovered strings say is a mechanism.
  assert.deepEqual(r.findings.filter((f) => f.severity === 'high' || f.severity === 'critical').map((f) => f.ruleId), ['obfuscated-code']);
});

test('recovery inlines each call site as the string it returns, with its decoder and arguments', async () => {
  const code = obfuscate('console.log("first words"); console.log("second words", "third words");', { stringArrayEncoding: ['base64'], seed: 21 });
  const parsed = parseJs(code);
  assert.ok(parsed.ok);
  const rec = await recoverStringArrays(parsed.ast, code, sandbox.evalDecoder);
  assert.equal(rec.runs.length, 1);
  const strings = inlineRecovered(rec);
  assert.deepEqual(
    strings.map((s) => s.text).filter((t) => t.endsWith('words')).sort(),
    ['first words', 'second words', 'third words'],
  );
  for (const s of strings) assert.ok(s.args.some((a) => typeof a === 'number'), JSON.stringify(s));
});

test('plain code with a string array and lookups is left alone', async () => {
  const code = `const NAMES = ["alpha", "beta", "gamma"]; function name(i) { return NAMES[i]; } console.log(name(0x1), name(0x2), name(0x0));`;
  const parsed = parseJs(code);
  assert.ok(parsed.ok);
  let ran = 0;
  const rec = await recoverStringArrays(parsed.ast, code, async (c, a, l) => {
    ran++;
    return sandbox.evalDecoder(c, a, l);
  });
  // Recovering it is harmless (it is what the code does), and it runs only what reads the array.
  assert.ok(ran <= 1);
  assert.deepEqual(rec.strings.map((s) => s.text), ran ? ['beta', 'gamma', 'alpha'] : []);
});

test('a hostile decoder that never returns is stopped by the work budget and the file is still analysed', async () => {
  const code = obfuscate(SOURCE, SETTINGS['rc4, rotated, shuffled']!).replace(/function (_0x[0-9a-f]+)\(_0x[0-9a-f]+,_0x[0-9a-f]+\)\{/, (m) => m + 'for(;;){}');
  const r = await analyzeJsWithSandbox('h.js', code, opts, sandbox.evalDecoder);
  assert.ok(r.limits.some((l) => l.includes('did not run to completion')), JSON.stringify(r.limits));
});
