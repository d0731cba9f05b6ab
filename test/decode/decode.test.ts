import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  benignBlob,
  bruteForceXor,
  decodeCharCodeList,
  decodeCharCodes,
  decodeLiteral,
  inspectLiteral,
  escapedShare,
  looksEncoded,
  plausibility,
  PLAUSIBLE,
  unescapeRun,
  type DecodeHint,
  MAX_EXAMINED_LENGTH,
} from '../../src/decode/index.js';

// Synthetic fixtures only.
const DOMAINS = 'alpha-shop.example.cn,beta.example.com.cn,gamma-cloud.example.ru,delta.sample.cn,epsilon.test.io';
const ZONES = 'Asia/Shanghai\nAsia/Urumqi\nEurope/Moscow\nAsia/Tehran';
const LOCALES = 'zh-CN\nzh-TW\nru-RU\nfa-IR';
const ENGLISH = 'The quick brown fox jumps over the lazy dog while the cat watches from the window.';

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s >>> 24;
  };
}
function randomBytes(n: number, seed: number): Buffer {
  const next = seeded(seed);
  return Buffer.from(Array.from({ length: n }, next));
}
function xor(text: string, key: number | string): Buffer {
  const bytes = Buffer.from(text);
  const k = typeof key === 'number' ? [key] : [...key].map((c) => c.charCodeAt(0));
  return Buffer.from(bytes.map((b, i) => b ^ k[i % k.length]!));
}
const b64 = (b: Buffer | string): string => Buffer.from(b).toString('base64');

describe('decodeLiteral: decodes', () => {
  const valid: { name: string; input: string; hint?: DecodeHint; encoding: string; text: string }[] = [
    { name: 'base64 of a domain list XOR 37', input: b64(xor(DOMAINS, 37)), encoding: 'base64+xor(37)', text: DOMAINS },
    { name: 'same with the key as a hint', input: b64(xor(DOMAINS, 37)), hint: { keys: [37] }, encoding: 'base64+xor(37)', text: DOMAINS },
    { name: 'hint with a wrong key first', input: b64(xor(DOMAINS, 37)), hint: { keys: [91, 37] }, encoding: 'base64+xor(37)', text: DOMAINS },
    { name: 'repeating string key', input: b64(xor(DOMAINS, 'k3y!')), hint: { xorKeyString: 'k3y!' }, encoding: 'base64+xor("k3y!")', text: DOMAINS },
    { name: 'plain base64 English', input: b64(ENGLISH), encoding: 'base64', text: ENGLISH },
    { name: 'base64url', input: Buffer.from(ZONES + '??>>').toString('base64url'), encoding: 'base64url', text: ZONES + '??>>' },
    { name: 'hex', input: Buffer.from(LOCALES).toString('hex'), encoding: 'hex', text: LOCALES },
    { name: 'hex XOR 0x2a', input: xor(ZONES, 0x2a).toString('hex'), encoding: 'hex+xor(42)', text: ZONES },
    { name: 'base64 of base64', input: b64(b64(ENGLISH)), encoding: 'base64+base64', text: ENGLISH },
    { name: 'reversed base64', input: [...b64(ENGLISH + '!')].reverse().join(''), encoding: 'reversed+base64', text: ENGLISH + '!' },
    { name: 'reversed URL', input: [...'https://collect.example.net/v1/e'].reverse().join(''), encoding: 'reversed', text: 'https://collect.example.net/v1/e' },
    { name: 'char codes', input: [...'hello world, again'].map((c) => c.charCodeAt(0)).join(','), encoding: 'charcodes', text: 'hello world, again' },
    { name: 'char codes with a hinted key', input: [...'hello world, again'].map((c) => c.charCodeAt(0) ^ 300).join(','), hint: { keys: [300] }, encoding: 'charcodes+xor(300)', text: 'hello world, again' },
    { name: 'literal \\x escapes', input: [...'secret.example.cn'].map((c) => `\\x${c.charCodeAt(0).toString(16)}`).join(''), encoding: 'escapes', text: 'secret.example.cn' },
    { name: 'percent encoding', input: [...'tracker.example.org'].map((c) => `%${c.charCodeAt(0).toString(16)}`).join(''), encoding: 'percent', text: 'tracker.example.org' },
  ];
  for (const c of valid) {
    it(c.name, () => {
      const r = decodeLiteral(c.input, c.hint);
      assert.ok(r, `expected a decoding of ${c.input.slice(0, 40)}`);
      assert.equal(r.encoding, c.encoding);
      assert.equal(r.text, c.text);
      assert.ok(r.score >= PLAUSIBLE && r.score <= 1);
    });
  }

  for (const [name, text] of Object.entries({ DOMAINS, ZONES, LOCALES, ENGLISH })) {
    it(`${name} XOR-ed with every single-byte key is recovered by brute force`, () => {
      const failed: number[] = [];
      for (let key = 1; key < 256; key++) {
        const r = decodeLiteral(b64(xor(text, key)));
        if (r?.text !== text || r.encoding !== `base64+xor(${key})`) failed.push(key);
      }
      assert.deepEqual(failed, []);
    });
  }
});

describe('decodeLiteral: returns null', () => {
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(40, 1)]);
  const woff2 = Buffer.concat([Buffer.from('wOF2'), randomBytes(40, 2)]);
  const wasm = Buffer.concat([Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0, 0, 0]), randomBytes(40, 3)]);
  const invalid: { name: string; input: string }[] = [
    { name: 'random 64 bytes as base64', input: b64(randomBytes(64, 42)) },
    { name: 'random 48 bytes as hex', input: randomBytes(48, 7).toString('hex') },
    { name: 'PNG', input: b64(png) },
    { name: 'woff2', input: b64(woff2) },
    { name: 'wasm', input: b64(wasm) },
    { name: 'the base64 alphabet', input: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/' },
    { name: 'a sha256 hex digest', input: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
    { name: 'an integrity string', input: 'sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==' },
    { name: 'a word', input: 'hello' },
    { name: 'a sentence', input: 'this is not encoded at all, just text' },
    { name: 'an identifier', input: 'getElementsByClassName' },
    { name: 'a path', input: 'src/components/Button1/index' },
    { name: 'a message key', input: 'Type_0_is_not_assignable_to_type_1_2322' },
    { name: 'a decimal number', input: '12345678901234567890' },
    { name: 'filler', input: 'A'.repeat(64) },
  ];
  for (const c of invalid) {
    it(c.name, () => assert.equal(decodeLiteral(c.input), null));
  }

  it('identifies benign blobs by magic', () => {
    assert.equal(benignBlob(png), 'png');
    assert.equal(benignBlob(woff2), 'woff2');
    assert.equal(benignBlob(wasm), 'wasm');
    assert.equal(benignBlob(Buffer.from([0x1f, 0x8b, 8, 0])), 'gzip');
    assert.equal(benignBlob(Buffer.from('%PDF-1.7')), 'pdf');
    assert.equal(benignBlob(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1])), null, 'an ELF executable is never benign');
    assert.equal(benignBlob(new Uint8Array(0)), null);
  });

  it('random base64/base64url/hex of many lengths never decodes', () => {
    const hits: string[] = [];
    for (let i = 0; i < 600; i++) {
      const bytes = randomBytes(12 + (i % 150), 1000 + i);
      const s = bytes.toString((['base64', 'base64url', 'hex'] as const)[i % 3]);
      const r = decodeLiteral(s);
      if (r) hits.push(`${s} → ${r.encoding}`);
    }
    assert.deepEqual(hits, []);
  });

  it('does not look at strings over 1 MiB', () => {
    assert.equal(decodeLiteral(b64(ENGLISH).repeat(20_000)), null);
  });
});

describe('looksEncoded', () => {
  const table: [string, ReturnType<typeof looksEncoded>][] = [
    [b64(randomBytes(30, 5)), 'base64'],
    [randomBytes(30, 5).toString('base64url').replace(/^/, '-_'), 'base64url'],
    [randomBytes(30, 6).toString('hex'), 'hex'],
    ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', null],
    ['0123456789abcdef', null],
    ['d41d8cd98f00b204e9800998ecf8427e', null], // md5
    ['da39a3ee5e6b4b0d3255bfef95601890afd80709', null], // sha1
    [Buffer.from('text.example.cn,a.b.cn,c.d.cn,xy').toString('hex'), 'hex'], // digest-sized, but text
    ['https://example.com/a/b', null],
    ['background-color', null],
    ['MAX_SAFE_INTEGER_VALUE', null],
    ['short1A==', null],
    ['aGVsbG8=wrong=padding', null],
  ];
  for (const [input, expected] of table) {
    it(`${JSON.stringify(input.slice(0, 30))} → ${expected}`, () => assert.equal(looksEncoded(input), expected));
  }

  // A scan in linear time: about 30 ms of CPU for the longest string it examines. The cap is CPU time (a busy machine
  // stretches wall time, not CPU time) and about 60x that, so only a super-linear scan can reach it.
  it('rejects the longest string it examines, of letters only, in linear time', () => {
    const s = 'abc'.repeat(Math.floor(MAX_EXAMINED_LENGTH / 3));
    const cpu = process.cpuUsage();
    assert.equal(looksEncoded(s), null);
    const used = process.cpuUsage(cpu);
    assert.ok((used.user + used.system) / 1000 < 2000, `${(used.user + used.system) / 1000} ms of CPU`);
  });

  it('examines base64 up to that length and not one block past it', () => {
    const bytes = Buffer.alloc((MAX_EXAMINED_LENGTH / 4) * 3, 0);
    for (let i = 0, x = 15; i < bytes.length; i++) bytes[i] = (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 24;
    const b64 = bytes.toString('base64');
    assert.equal(b64.length, MAX_EXAMINED_LENGTH);
    assert.equal(looksEncoded(b64), 'base64');
    assert.equal(looksEncoded(b64 + 'QUJD'), null);
  });
});

describe('plausibility and brute force', () => {
  it('scores text high and noise low', () => {
    for (const text of [ENGLISH, DOMAINS, ZONES, LOCALES]) assert.ok(plausibility(text) >= PLAUSIBLE, text);
    assert.ok(plausibility(randomBytes(64, 9).toString('latin1')) < PLAUSIBLE);
    assert.ok(plausibility('k#9$Lq@!x^&*(zQ~]{pV%w') < PLAUSIBLE);
    assert.equal(plausibility(''), 0);
  });

  it('bruteForceXor finds the key', () => {
    const r = bruteForceXor(xor(ZONES, 0x5a));
    assert.deepEqual(r && { key: r.key, text: r.text }, { key: 0x5a, text: ZONES });
    assert.equal(bruteForceXor(randomBytes(200, 11)), null);
    assert.equal(bruteForceXor(xor('tiny', 3)), null, 'too short to judge');
  });

  it('decodeCharCodes', () => {
    assert.equal(decodeCharCodes([104, 105]), 'hi');
    assert.equal(decodeCharCodes([104 ^ 7, 105 ^ 7], 7), 'hi');
    assert.equal(decodeCharCodes([0x1f600]), '\u{1F600}');
    assert.equal(decodeCharCodes([1.5]), null);
    assert.equal(decodeCharCodes([-1]), null);
    assert.equal(decodeCharCodes([0x110000]), null);
    assert.equal(decodeCharCodes([]), null);
  });

  it('unescapeRun and escapedShare', () => {
    assert.equal(unescapeRun('\\x68\\u0069\\u{21}\\n\\101\\q'), 'hi!\nAq');
    assert.equal(escapedShare('\\x68\\x69'), 1);
    assert.equal(escapedShare('plain'), 0);
  });
});

describe('inspectLiteral', () => {
  it('says decoded, benign or opaque', () => {
    const decoded = inspectLiteral(b64(xor(DOMAINS, 91)));
    assert.deepEqual(decoded && [decoded.status, decoded.status === 'decoded' && decoded.encoding], ['decoded', 'base64+xor(91)']);
    const gif = Buffer.concat([Buffer.from('GIF89a'), randomBytes(30, 4)]);
    assert.deepEqual(inspectLiteral(b64(gif)), { status: 'benign', encoding: 'base64', format: 'gif', bytes: 36 });
    const opaque = inspectLiteral(b64(randomBytes(300, 8)));
    assert.equal(opaque?.status, 'opaque');
    assert.ok(opaque?.status === 'opaque' && opaque.entropy > 7 && opaque.bytes === 300);
    assert.equal(inspectLiteral('just some words here'), null);
  });
});

describe('decodeCharCodeList', () => {
  const codes = (text: string, key = 0): number[] => [...text].map((c) => c.charCodeAt(0) ^ key);
  it('judges the result and finds hinted or brute-forced keys', () => {
    assert.deepEqual(decodeCharCodeList(codes(ZONES)), { encoding: 'charcodes', text: ZONES, score: plausibility(ZONES) });
    assert.equal(decodeCharCodeList(codes(DOMAINS, 0x1234), { keys: [7, 0x1234] })?.encoding, 'charcodes+xor(4660)');
    assert.equal(decodeCharCodeList(codes(DOMAINS, 19))?.encoding, 'charcodes+xor(19)');
    assert.equal(decodeCharCodeList([...randomBytes(64, 12)]), null);
  });
});

describe('keys and encodings beyond one byte', () => {
  const xorWith = (text: string, key: number[]): Buffer => Buffer.from(Buffer.from(text).map((b, i) => b ^ key[i % key.length]!));
  const KEY = [...'k3y!Zq'].map((c) => c.charCodeAt(0));

  it('a multi-byte XOR key the code names (string or array) decodes base64, hex and char codes', () => {
    const hint: DecodeHint = { xorKeyBytes: [[7, 9], KEY], bruteForce: false };
    assert.deepEqual(decodeLiteral(xorWith(ZONES, KEY).toString('base64'), hint), { encoding: 'base64+xor("k3y!Zq")', text: ZONES, score: 1 });
    assert.equal(decodeLiteral(xorWith(DOMAINS, KEY).toString('hex'), hint)?.text, DOMAINS);
    assert.deepEqual(decodeCharCodeList([...xorWith(DOMAINS, [200, 3, 77])], { xorKeyBytes: [[200, 3, 77]], bruteForce: false })?.encoding, 'charcodes+xor([200,3,77])');
    // Without the key the same bytes stay unexplained: a single-byte search cannot find it.
    assert.equal(decodeLiteral(xorWith(ZONES, KEY).toString('base64'), { bruteForce: true }), null);
  });

  it('char-code arithmetic: codes shifted by a constant the code names', () => {
    const codes = [...DOMAINS].map((c) => c.charCodeAt(0) + 3);
    assert.deepEqual(decodeCharCodeList(codes, { shifts: [3], bruteForce: false })?.text, DOMAINS);
    assert.equal(decodeCharCodeList(codes, { shifts: [5], bruteForce: false }), null);
  });

  it('base32, plain and XOR-ed', () => {
    const b32 = (bytes: Buffer): string => {
      const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
      let bits = '';
      for (const b of bytes) bits += b.toString(2).padStart(8, '0');
      let out = '';
      for (let i = 0; i < bits.length; i += 5) out += A[parseInt(bits.slice(i, i + 5).padEnd(5, '0'), 2)];
      return out.padEnd(Math.ceil(out.length / 8) * 8, '=');
    };
    assert.deepEqual(decodeLiteral(b32(Buffer.from(ZONES))), { encoding: 'base32', text: ZONES, score: 1 });
    assert.equal(decodeLiteral(b32(xorWith(LOCALES + '\n' + ZONES, KEY)), { xorKeyBytes: [KEY] })?.text, LOCALES + '\n' + ZONES);
    assert.equal(decodeLiteral('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'), null);
    assert.equal(decodeLiteral('MAX_RETRY_COUNT_FOR_UPLOADS2'), null);
  });

  it('nested encodings: base64 inside hex, hex inside base64', () => {
    const inner = Buffer.from(DOMAINS).toString('base64');
    const r = decodeLiteral(Buffer.from(inner).toString('hex'));
    assert.deepEqual([r?.encoding, r?.text], ['hex+base64', DOMAINS]);
    const innerHex = Buffer.from(ZONES).toString('hex');
    assert.equal(decodeLiteral(Buffer.from(innerHex).toString('base64'))?.text, ZONES);
  });
});
