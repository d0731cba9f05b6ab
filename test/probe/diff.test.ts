import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeCodePoint, skeleton, visible } from '../../src/data/unicode.js';
import { classifyChange, classifyHunks, diffCodePoints, flattenRequests, jsonLayout, learnVolatile, maskValue, requestGaps, type FieldMap } from '../../src/probe/diff.js';
import type { CapturedRequest } from '../../src/probe/mock-llm.js';

const cps = (s: string) => [...s].map((c) => c.codePointAt(0)!);

function changes(a: string, b: string) {
  return classifyHunks(cps(a), cps(b), diffCodePoints(cps(a), cps(b))).map((c) => [c.kind, c.oldText, c.newText, c.bStart]);
}

function req(over: Partial<CapturedRequest>): CapturedRequest {
  return { seq: 0, scheme: 'https', port: 443, method: 'POST', url: '/v1/messages', headers: [], body: '', bodyTruncated: false, status: 200, ...over };
}

describe('classifyChange', () => {
  const table: [string, string, string][] = [
    ['', '\u200b', 'invisible'],
    ['a', 'a\u2060', 'invisible'],
    ["'", '\u2019', 'look-alike'],
    ["'", '\u02bc', 'look-alike'],
    ['a', '\u0430', 'look-alike'],
    [' ', '\u00a0', 'look-alike'],
    ['-', '/', 'format'],
    ['', ',', 'format'],
    ['21', '22', 'digits'],
    ['', ' ', 'format'],
    ['', '\n\t', 'format'],
    ['C', 'c', 'format'],
    ['UTC', 'Asia/Shanghai', 'text'],
    ['hello', 'world', 'text'],
  ];
  for (const [a, b, kind] of table) {
    it(`${JSON.stringify(a)} → ${JSON.stringify(b)} is ${kind}`, () => assert.equal(classifyChange(a, b), kind));
  }
});

describe('code-point diff', () => {
  it('splits a date line into a look-alike, two format changes and a digit change', () => {
    assert.deepEqual(changes("Today's date is 2026-11-21.", 'Today\u2019s date is 2026/11/22.'), [
      ['look-alike', "'", '\u2019', 5],
      ['format', '-', '/', 20],
      ['format', '-', '/', 23],
      ['digits', '1', '2', 25],
    ]);
  });

  it('finds an inserted zero-width space by code point', () => {
    assert.deepEqual(changes('acme-cli', 'acme-cli\u200b'), [['invisible', '', '\u200b', 8]]);
  });

  it('counts astral characters as one code point', () => {
    assert.deepEqual(changes('\u{1F600}x-y', '\u{1F600}x/y'), [['format', '-', '/', 2]]);
  });

  it('merges nearby visible edits into one', () => {
    assert.deepEqual(changes('host 127.0.0.1', 'host api.example.cn'), [['text', '127.0.0.1', 'api.example.cn', 5]]);
  });

  it('folds a look-alike pair into the word it belongs to', () => {
    assert.deepEqual(changes('127.0.0.1', 'localhost'), [['text', '127.0.0.1', 'localhost', 0]]);
  });

  it('returns nothing for equal strings and one hunk for disjoint ones', () => {
    assert.deepEqual(diffCodePoints(cps('same'), cps('same')), []);
    assert.deepEqual(diffCodePoints(cps('abc'), cps('xyz')).length, 1);
  });
});

describe('flattenRequests', () => {
  it('keys requests by endpoint, model and order, and JSON bodies by path', () => {
    const body = JSON.stringify({ model: 'm1', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], 'odd key': 1 });
    const f = flattenRequests([
      req({ seq: 1, headers: [['host', 'api.example.cn'], ['content-length', '99'], ['x-a', '1'], ['cookie', 'sid=abc; region=eu']], headerNames: ['Host', 'content-length', 'X-A', 'cookie'], body, sni: 'api.example.cn', url: '/v1/messages?beta=true&z=%2B1' }),
      req({ seq: 0, method: 'GET', url: '/v1/models' }),
    ]);
    assert.equal(f.get('POST /v1/messages(m1)#0.body.messages[0].content[0].text'), 'hi');
    assert.equal(f.get('POST /v1/messages(m1)#0.body["odd key"]'), '1');
    assert.equal(f.get('POST /v1/messages(m1)#0.body{keys}'), 'model,messages,odd key');
    assert.equal(f.get('POST /v1/messages(m1)#0.body{format}'), 'compact');
    assert.equal(f.get('POST /v1/messages(m1)#0.headers.host'), 'api.example.cn');
    assert.equal(f.get('POST /v1/messages(m1)#0.headers{order}'), 'Host X-A cookie');
    assert.equal(f.get('POST /v1/messages(m1)#0.query.beta'), 'true');
    assert.equal(f.get('POST /v1/messages(m1)#0.query.z'), '+1');
    assert.equal(f.get('POST /v1/messages(m1)#0.cookie.region'), 'eu');
    assert.equal(f.has('POST /v1/messages(m1)#0.headers.cookie'), false);
    assert.equal(f.get('POST /v1/messages(m1)#0.sni'), 'api.example.cn');
    assert.equal(f.has('POST /v1/messages(m1)#0.headers["content-length"]'), false);
    assert.equal(f.get('GET /v1/models#0.scheme'), 'https');
    assert.equal(f.get('requests{order}'), 'GET /v1/models\nPOST /v1/messages(m1)');
  });

  it('compares batches of objects as multisets and keeps their order as a field of its own', () => {
    const a = flattenRequests([req({ body: JSON.stringify({ events: [{ name: 'b', ms: 12 }, { name: 'a', ms: 3 }] }) })]);
    const b = flattenRequests([req({ body: JSON.stringify({ events: [{ name: 'a', ms: 4 }, { name: 'b', ms: 11 }] }) })]);
    assert.equal(a.get('POST /v1/messages#0.body.events[0].name'), 'a');
    assert.equal(b.get('POST /v1/messages#0.body.events[0].name'), 'a');
    assert.equal(a.get('POST /v1/messages#0.body.events{order}'), '1,0');
    assert.equal(b.has('POST /v1/messages#0.body.events{order}'), false);
  });

  it('describes the layout of a JSON text apart from its content', () => {
    assert.equal(jsonLayout('{"a":1,"b":[1,2]}'), 'compact');
    assert.equal(jsonLayout('{\n  "a": 1,\n  "b": "x, y"\n}\n'), '{"\\n  " :" " ,"\\n  " }"\\n" end"\\n"');
  });

  it('measures the gap before each request', () => {
    const g = requestGaps([req({ seq: 0, receivedAt: 1500 }), req({ seq: 1, receivedAt: 4000 })], 1000);
    assert.deepEqual([...g], [['POST /v1/messages#0', 500], ['POST /v1/messages#1', 2500]]);
  });
});

describe('volatility', () => {
  const run = (id: string, session: string, extra?: string): FieldMap =>
    new Map([
      ['r#0.headers.x-request-id', id],
      ['r#0.body.system', `session ${session} started. Today's date is 2026-11-21.`],
      ['r#0.body.stable', 'same'],
      ...(extra ? [['r#0.body.sometimes', extra] as [string, string]] : []),
    ]);

  it('learns id shapes inside a field, and fields that vary as a whole, from the runs of each persona', () => {
    const model = learnVolatile([[run('0863475e-003f-4484-b35f-89fbbf98a581', 'sess_01Hab3kd9e8f7g6h'), run('15c8f8be-ab63-4207-b29a-d1e6dd6e5eda', 'sess_01Hzz9qq1w2e3r4t', 'x')], [run('a', 's'), run('a', 's')]]);
    assert.ok(model.whole.has('r#0.body.sometimes'));
    assert.ok(model.shapes.get('r#0.body.system')!.includes('token-id'));
    assert.equal(model.whole.has('r#0.body.stable'), false);
  });

  it('masks timestamps and uuids everywhere, but not plain dates', () => {
    assert.equal(maskValue('at 2026-11-21T10:00:00Z id 0863475e-003f-4484-b35f-89fbbf98a581 on 2026-11-21', ['uuid', 'iso-timestamp']), 'at ⟨iso-timestamp⟩ id ⟨uuid⟩ on 2026-11-21');
  });
});

describe('character facts', () => {
  it('names characters and builds skeletons from the confusables data', () => {
    assert.equal(describeCodePoint(0x2019), 'U+2019 RIGHT SINGLE QUOTATION MARK');
    assert.equal(describeCodePoint(0x200b), 'U+200B ZERO WIDTH SPACE');
    assert.equal(skeleton('Today\u2019s\u200b'), "Today's");
    assert.equal(visible('a\u200bb\n'), 'a⟨U+200B⟩b⏎');
  });
});
