// Scope resolution and value flow of the walk, observed through what reaches a request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { significant } from '../helpers/analyze.js';

const TZ = 'Intl.DateTimeFormat().resolvedOptions().timeZone';
const sent = (code: string) => significant(code).filter((f) => f.ruleId === 'fingerprint-sent').map((f) => f.title);

const CASES: [string, string, boolean][] = [
  ['a block-scoped let does not leak into the enclosing function', `let x = "constant"; function f() { { let x = ${TZ}; } const y = x; fetch("https://a.example.com", { body: y }); }`, false],
  ['a var declared in a block is the function\'s', `function g() { { var z = ${TZ}; } fetch("https://a.example.com", { body: z }); }`, true],
  ['a function declared after its use is resolved', `function send() { fetch("https://a.example.com", { body: zone() }); } function zone() { return ${TZ}; }`, true],
  ['a parameter shadows the outer name', `const v = ${TZ}; function h(v) { fetch("https://a.example.com", { body: v }); } h("fixed");`, false],
  ['arguments flow into parameters of the called function', `function post(b) { return fetch("https://a.example.com", { body: b }); } post(${TZ});`, true],
  ['a memoized getter passes its value on', `let c; function get() { if (!c) c = ${TZ}; return c; } fetch("https://a.example.com", { body: JSON.stringify({ t: get() }) });`, true],
  ['a callback element flows from the array', `[${TZ}].forEach((t) => fetch("https://a.example.com", { body: t }));`, true],
  ['a callback handed to a function not of the file is given its arguments', `lib.convert(${TZ}, (out) => fetch("https://a.example.com", { body: out }));`, true],
  ['a callback handed to a function not of the file is given nothing else', `const z = ${TZ}; lib.convert("fixed", (out) => fetch("https://a.example.com", { body: out }));`, false],
];

for (const [name, code, flows] of CASES) {
  test(name, () => {
    assert.deepEqual(sent(code), flows ? ['The time zone flows into a network request'] : []);
  });
}
