import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createSandbox, type Sandbox } from '../../src/decode/sandbox.js';

/**
 * A sandbox whose wall-clock backstop is 120 s unless a test sets its own: every stop asserted here comes from the
 * work budget or the memory limit, which count work, so a busy machine (where starting the worker alone took over
 * 6 s of wall time) cannot turn a plain call into a time-limit stop. The backstop tests pass their own `ms`.
 */
function calmSandbox(): Sandbox {
  const sandbox = createSandbox();
  return { dispose: () => sandbox.dispose(), evalDecoder: (code, args, limits) => sandbox.evalDecoder(code, args, { ms: 120_000, ...limits }) };
}

describe('sandbox.evalDecoder', () => {
  const sandbox = calmSandbox();
  after(() => sandbox.dispose());

  const keyed = (text: string, key: number): string => Buffer.from(Buffer.from(text).map((b) => b ^ key)).toString('base64');

  it('runs a base64+xor decoder written with Buffer', async () => {
    const code = "function d(s, k) { return Buffer.from(s, 'base64').map(function (b) { return b ^ k; }).toString('utf8'); }";
    assert.deepEqual(await sandbox.evalDecoder(code, [keyed('a.example.cn,b.example.ru', 37), 37]), {
      ok: true,
      value: 'a.example.cn,b.example.ru',
    });
  });

  it('runs a decoder written with atob and charCodeAt', async () => {
    const code =
      'function (s, k) { var t = atob(s), o = ""; for (var i = 0; i < t.length; i++) o += String.fromCharCode(t.charCodeAt(i) ^ k.charCodeAt(i % k.length)); return o; }';
    const enc = Buffer.from(Buffer.from('Asia/Shanghai').map((b, i) => b ^ 'ab'.charCodeAt(i % 2))).toString('base64');
    assert.deepEqual(await sandbox.evalDecoder(code, [enc, 'ab']), { ok: true, value: 'Asia/Shanghai' });
  });

  it('accepts arrow functions and scripts ending in a function, joins arrays with commas', async () => {
    assert.deepEqual(await sandbox.evalDecoder('(n) => [n, n + 1, n + 2]', [1]), { ok: true, value: '1,2,3' });
    assert.deepEqual(await sandbox.evalDecoder('const k = 5; function g(x) { return x + k } g', [1]), { ok: true, value: '6' });
  });

  it('exposes no host objects', async () => {
    const r = await sandbox.evalDecoder(
      'function () { return [typeof process, typeof require, typeof fetch, typeof setTimeout, typeof module, typeof globalThis.Deno].join(" ") }',
      [],
    );
    assert.deepEqual(r, { ok: true, value: 'undefined undefined undefined undefined undefined undefined' });
  });

  it('stops an infinite loop at the work budget, however busy the machine is', async () => {
    const r = await sandbox.evalDecoder('function () { for (;;) {} }', [], { ticks: 20 });
    assert.deepEqual(r, { ok: false, error: 'call: InternalError: interrupted', stopped: 'time' });
  });

  it('stops a loop at the wall-clock backstop when the work budget is large', async () => {
    const r = await sandbox.evalDecoder('function () { for (;;) {} }', [], { ticks: 1e9, ms: 100 });
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.error, /interrupted|time limit/);
  });

  it('stops a huge allocation at the memory limit', async () => {
    const r = await sandbox.evalDecoder("function () { return 'x'.repeat(1e9) }", [], { memoryBytes: 16 * 1024 * 1024 });
    assert.deepEqual(r, { ok: false, error: 'call: InternalError: out of memory', stopped: 'memory' });
  });

  it('kills a call that grinds past its deadline, and keeps working afterwards', async () => {
    const r = await sandbox.evalDecoder("function () { var a = []; for (;;) a.push('x'.repeat(1e5) + a.length); }", [], { ms: 100 });
    assert.equal(r.ok, false);
    assert.deepEqual(await sandbox.evalDecoder('(x) => x * 2', [21]), { ok: true, value: '42' });
  });

  it('reports guest errors, syntax errors and stack overflows as results', async () => {
    assert.deepEqual(await sandbox.evalDecoder("function () { throw new Error('boom') }", []), { ok: false, error: 'call: Error: boom' });
    const syntax = await sandbox.evalDecoder('this is not javascript', []);
    assert.equal(syntax.ok, false);
    assert.match(syntax.ok ? '' : syntax.error, /^decoder: SyntaxError/);
    assert.deepEqual(await sandbox.evalDecoder('function f(n) { return f(n + 1) }', [0]), {
      ok: false,
      error: 'call: InternalError: stack overflow',
    });
    assert.deepEqual(await sandbox.evalDecoder('42', []), { ok: false, error: 'decoder: code does not evaluate to a function' });
  });

  it('refuses calls after dispose', async () => {
    const other = createSandbox();
    await other.dispose();
    assert.deepEqual(await other.evalDecoder('(x) => x', [1]), { ok: false, error: 'sandbox: disposed' });
  });
});

// Escape attempts a hostile decoder may make: each is contained (the host is unreachable), and the
// call ends with a result or an error, never with host access.
describe('sandbox escape attempts', () => {
  const sandbox = calmSandbox();
  after(() => sandbox.dispose());
  const ATTEMPTS: [string, string][] = [
    ['process', 'function () { return process.mainModule.require("child_process").execSync("id").toString(); }'],
    ['require', 'function () { return require("fs").readFileSync("/etc/hostname", "utf8"); }'],
    ['globalThis.constructor', 'function () { return globalThis.constructor.constructor("return process")().pid; }'],
    ["Function('return this')()", 'function () { var g = Function("return this")(); return g.process.env.HOME; }'],
    ['a prelude shim\'s constructor', 'function () { return Buffer.constructor("return process")().version; }'],
    ['import()', 'function () { return import("fs").then(function (m) { return m.readFileSync("/etc/hostname"); }); }'],
  ];
  for (const [name, code] of ATTEMPTS) {
    it(`contains ${name}`, async () => {
      const r = await sandbox.evalDecoder(code, []);
      if (r.ok) assert.doesNotMatch(r.value, /uid=|\d{2,}|\//, `${name} returned ${r.value}`);
      else assert.match(r.error, /ReferenceError|TypeError|not defined|not a function|cannot read|undefined|module/i);
    });
  }

  it('the global object reached through Function has nothing of the host', async () => {
    const r = await sandbox.evalDecoder(
      'function () { var g = Function("return this")(); return ["process", "require", "fetch", "module", "setTimeout", "WebAssembly"].filter(function (k) { return k in g; }).join(",") || "none"; }',
      [],
    );
    assert.deepEqual(r, { ok: true, value: 'none' });
  });

  it('keeps working after the attempts', async () => {
    assert.deepEqual(await sandbox.evalDecoder('(x) => x + 1', [1]), { ok: true, value: '2' });
  });
});
