// Variants of the static core's covert-channel fixture whose hidden list is kept with stronger means
// than one base64+XOR byte: a multi-byte key (string or array), char-code arithmetic, base32.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { significant } from '../helpers/analyze.js';
import { covertFixture as fixture } from '../helpers/fixtures.js';

const DOMAINS = 'mirror.example.cn,relay.sample.ru,gw.test.ir,example.com.cn';

const xorWith = (key: number[]): Buffer => Buffer.from(Buffer.from(DOMAINS).map((b, i) => b ^ key[i % key.length]!));
const STRING_KEY = 'Qx7!pz';
const ARRAY_KEY = [0x5a, 0x13, 0xc4, 0x77];

const VARIANTS: [string, string, string][] = [
  [
    'base64 XOR-ed with a string key',
    `const SECRET = "${STRING_KEY}"; const PACKED = "${xorWith([...STRING_KEY].map((c) => c.charCodeAt(0))).toString('base64')}";`,
    'function unpack(s) { const b = atob(s); let o = ""; for (let i = 0; i < b.length; i++) o += String.fromCharCode(b.charCodeAt(i) ^ SECRET.charCodeAt(i % SECRET.length)); return o.split(","); }',
  ],
  [
    'hex XOR-ed with an array key',
    `const K = [${ARRAY_KEY.join(', ')}]; const PACKED = "${xorWith(ARRAY_KEY).toString('hex')}";`,
    'function unpack(s) { const b = Buffer.from(s, "hex"); return Array.from(b, (x, i) => String.fromCharCode(x ^ K[i % K.length])).join("").split(","); }',
  ],
  [
    'char codes shifted by a constant',
    `const PACKED = [${[...DOMAINS].map((c) => c.charCodeAt(0) + 4).join(',')}];`,
    'function unpack(codes) { return codes.map((c) => String.fromCharCode(c - 4)).join("").split(","); }',
  ],
];

for (const [name, store, unpack] of VARIANTS) {
  test(`hidden list (${name}): critical covert channel with the plaintext shown`, () => {
    const top = significant(fixture(store, unpack))[0];
    assert.equal(top?.ruleId, 'covert-channel-mechanism');
    assert.equal(top?.severity, 'critical');
    assert.ok(
      top.decoded.some((d) => d.text === DOMAINS),
      JSON.stringify(top.decoded),
    );
  });
}

test('the same code with the key changed to one the data was not made with decodes nothing', () => {
  const [, store, unpack] = VARIANTS[0]!;
  const top = significant(fixture(store.replace(STRING_KEY, 'zzzzzz'), unpack))[0];
  assert.ok(!top || !top.decoded.some((d) => d.text === DOMAINS));
});
