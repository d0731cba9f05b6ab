// The static core's covert-channel fixture with its hidden list kept in ways beyond one encoding and
// one constant key: a key the code computes at run time from constants, Ascii85, two strings merged
// character by character, a reversing helper, encodings nested three deep. Each must be the critical
// mechanism with the plaintext shown. Benign twins (an inlined image, a digest, a minified bundle with
// the same helper shapes) stay quiet.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { transformSync } from 'esbuild';
import { analyzeJsWithSandbox, type FileResult } from '../../src/audit/analyze-file.js';
import { createSandbox } from '../../src/decode/sandbox.js';
import { decodeLiteral, looksAscii85 } from '../../src/decode/index.js';
import { parseJs } from '../../src/parse/parse.js';
import { constantClosure } from '../../src/analyze/deobfuscate/constant-closure.js';
import { covertFixture as fixture } from '../helpers/fixtures.js';

const sandbox = createSandbox();
after(() => sandbox.dispose());

const DOMAINS = 'relay.sample.ru,example.co.cn,mirror.example.cn,gw.test.ir';

/** Ascii85 as btoa-style tools write it (no frame). */
function ascii85(bytes: Buffer): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 4) {
    const chunk = [...bytes.subarray(i, i + 4)];
    const n = chunk.length;
    while (chunk.length < 4) chunk.push(0);
    let v = chunk[0]! * 2 ** 24 + chunk[1]! * 2 ** 16 + chunk[2]! * 2 ** 8 + chunk[3]!;
    if (v === 0 && n === 4) {
      out += 'z';
      continue;
    }
    const digits: string[] = [];
    for (let k = 0; k < 5; k++) {
      digits.unshift(String.fromCharCode(33 + (v % 85)));
      v = Math.floor(v / 85);
    }
    out += digits.slice(0, n + 1).join('');
  }
  return out;
}

const xorWith = (text: string, key: number[]): Buffer => Buffer.from(Buffer.from(text).map((b, i) => b ^ key[i % key.length]!));
const codesOf = (s: string) => [...s].map((c) => c.charCodeAt(0));
// The key the code derives: three constant pieces reversed and joined.
const DERIVED_KEY = ['Tq', '4#', 'Lm'].reverse().join('');
// A single-byte key: the char codes of a constant word summed, low byte.
const SUMMED_KEY = codesOf('orbit-seven').reduce((a, b) => a + b, 0) & 0xff;
const [EVEN, ODD] = ['relay.sample.ru,example.co.cn', 'mirror.example.cn,gw.test.ir'];
const interleaved = [...EVEN].map((c, i) => c + (ODD[i] ?? '')).join('');
const A85_DECODER = `function unpack(s) {
  let out = "", g = 0, n = 0;
  for (const ch of s) { g = g * 85 + (ch.charCodeAt(0) - 33); if (++n === 5) { out += String.fromCharCode(g >>> 24, (g >>> 16) & 255, (g >>> 8) & 255, g & 255); g = 0; n = 0; } }
  if (n) { const k = n; while (n++ < 5) g = g * 85 + 84; out += String.fromCharCode(g >>> 24, (g >>> 16) & 255, (g >>> 8) & 255, g & 255).slice(0, k - 1); }
  return out.split(",");
}`;

const VARIANTS: [string, string, string][] = [
  [
    'XOR key derived at run time (constant pieces reversed and joined)',
    `const PIECES = ["Tq", "4#", "Lm"]; const KEY = PIECES.reverse().join(""); const PACKED = "${xorWith(DOMAINS, codesOf(DERIVED_KEY)).toString('base64')}";`,
    'function unpack(s) { const b = atob(s); let o = ""; for (let i = 0; i < b.length; i++) o += String.fromCharCode(b.charCodeAt(i) ^ KEY.charCodeAt(i % KEY.length)); return o.split(","); }',
  ],
  [
    "XOR key derived at run time (a word's char codes summed)",
    `const SEED = "orbit-seven"; const KEY = [...SEED].reduce((a, c) => a + c.charCodeAt(0), 0) & 255; const PACKED = "${xorWith(DOMAINS, [SUMMED_KEY]).toString('hex')}";`,
    'function unpack(s) { let o = ""; for (let i = 0; i < s.length; i += 2) o += String.fromCharCode(parseInt(s.slice(i, i + 2), 16) ^ KEY); return o.split(","); }',
  ],
  ['Ascii85', `const PACKED = ${JSON.stringify(ascii85(Buffer.from(DOMAINS)))};`, A85_DECODER],
  [
    'two strings merged character by character',
    `const PACKED = ${JSON.stringify(interleaved)};`,
    'function unpack(s) { let a = "", b = ""; for (let i = 0; i < s.length; i++) { if (i % 2 === 0) a += s[i]; else b += s[i]; } return (a + "," + b).split(","); }',
  ],
  ['reversed by a helper', `const PACKED = ${JSON.stringify([...DOMAINS].reverse().join(''))};`, 'function unpack(s) { return s.split("").reverse().join("").split(","); }'],
  [
    'base64 inside hex inside base64',
    `const PACKED = "${Buffer.from(Buffer.from(Buffer.from(DOMAINS).toString('base64')).toString('hex')).toString('base64')}";`,
    'function unpack(s) { return atob(Buffer.from(atob(s), "hex").toString()).split(","); }',
  ],
];

const opts = { maxAstDepth: 2000 };
const serious = (r: FileResult) => r.findings.filter((f) => f.severity === 'high' || f.severity === 'critical');

for (const [name, store, unpack] of VARIANTS) {
  test(`hidden list (${name}): critical covert channel with the plaintext shown`, async () => {
    const code = fixture(store, unpack);
    assert.ok(!code.includes('example.cn'), 'the fixture hides its list');
    const r = await analyzeJsWithSandbox('t.js', code, opts, sandbox.evalDecoder);
    const top = serious(r).sort((a, b) => a.severity.localeCompare(b.severity))[0];
    assert.equal(top?.ruleId, 'covert-channel-mechanism', JSON.stringify(r.findings.map((f) => [f.ruleId, f.severity])));
    assert.equal(top.severity, 'critical');
    const texts = top.decoded.map((d) => d.text);
    assert.ok(
      texts.some((t) => DOMAINS.split(',').every((d) => t.includes(d))),
      JSON.stringify(top.decoded),
    );
  });
}

test('decoded encodings are named as they were layered', () => {
  assert.equal(decodeLiteral(ascii85(Buffer.from(DOMAINS)))?.encoding, 'ascii85');
  assert.equal(decodeLiteral(`<~${ascii85(Buffer.from(DOMAINS))}~>`)?.text, DOMAINS);
  const nested = Buffer.from(Buffer.from(Buffer.from(DOMAINS).toString('base64')).toString('hex')).toString('base64');
  assert.equal(decodeLiteral(nested)?.encoding, 'base64+hex+base64');
});

test('Ascii85 is not read into identifiers, paths, URLs, selectors, regex sources or prose', () => {
  for (const s of ['[_a-zA-Z][_0-9a-zA-Z$]*', '^(?:\\d{1,3}\\.){3}\\d{1,3}$', 'Store.itemValue[12]', 'width=calc(100%-2px)', 'someLongIdentifierName42', 'src/components/Button.tsx', 'https://cdn.example.org/a.js', 'div>p:nth-child(2n+1)::before', 'Hello, world! This is text.', 'ERR_INVALID_ARG_TYPE']) {
    assert.equal(decodeLiteral(s)?.encoding.startsWith('ascii85') ?? false, false, s);
    if (s.startsWith('[') || s.startsWith('^')) assert.equal(looksAscii85(s), false, s);
  }
  assert.ok(looksAscii85(ascii85(Buffer.from(DOMAINS))));
});

// ---------------------------------------------------------------- benign twins

const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(48, 7)]).toString('base64');
const BENIGN: [string, string][] = [
  ['a base64 image', `const ICON = "data:image/png;base64,${PNG}"; const RAW = "${PNG}"; export function icon() { return decode(RAW) || ICON; } function decode(s) { return atob(s); }`],
  ['a hex digest', `const PINNED = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"; export function check(h) { return h === PINNED; } export function send(h) { return fetch("https://api.example.com/v", { method: "POST", body: h }); }`],
  [
    'a minified bundle with reversing and interleaving helpers',
    transformSync(
      `function reverse(s) { return s.split("").reverse().join(""); }
       function evens(s) { let o = ""; for (let i = 0; i < s.length; i += 2) o += s.charAt(i); return o; }
       export function slug(title) { return reverse(reverse(title.toLowerCase())).replace(/[^a-z0-9]+/g, "-"); }
       export const MARKS = [reverse("olleh"), evens("a-b-c-d-e-f"), reverse("ABCDEFGH"), evens("0x1f2e3d4c")];
       const SELECTOR = "div>p:nth-child(2n+1)::before";
       export async function post(body) { const tz = Intl.DateTimeFormat().resolvedOptions().timeZone; return fetch("https://api.example.com/items", { method: "POST", body: JSON.stringify({ body, tz, sel: SELECTOR }) }); }`,
      { minify: true, format: 'esm' },
    ).code,
  ],
];

for (const [name, code] of BENIGN) {
  test(`benign twin (${name}) stays quiet`, async () => {
    const r = await analyzeJsWithSandbox('b.js', code, opts, sandbox.evalDecoder);
    assert.deepEqual(serious(r).map((f) => f.ruleId), []);
    assert.ok(!r.findings.some((f) => f.decoded.some((d) => d.encoding.startsWith('ascii85') || d.encoding.startsWith('sandbox('))), JSON.stringify(r.findings.map((f) => f.decoded)));
  });
}

test('a derived key runs in the sandbox only when everything it names is computed from constants', () => {
  const code = `const PIECES = ["Tq", "4#"]; const KEY = PIECES.reverse().join(""); const HOST = require("os").hostname(); const MIXED = KEY + HOST;
    function helper(s) { return s + KEY; } const TWICE = helper("x");`;
  const parsed = parseJs(code);
  assert.ok(parsed.ok);
  const needed = constantClosure(parsed.ast, code);
  assert.deepEqual(needed(['KEY']), ['var PIECES = ["Tq", "4#"];', 'var KEY = PIECES.reverse().join("");']);
  assert.deepEqual(needed(['HOST']), []);
  assert.deepEqual(needed(['MIXED']), []);
  assert.equal(needed(['TWICE']).length, 4);
});
