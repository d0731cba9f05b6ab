// Decoders that never finish cost a file seconds, not its whole time limit: each call is capped (work budget,
// memory limit, wall-clock backstop), a decoder stopped once is not run again, and all runs for one file share a
// budget. The stopped decoder is reported where it is; the file's other findings are kept.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeJsWithSandbox } from '../../src/audit/analyze-file.js';
import { budgetedDecoder, createSandbox, type EvalDecoder } from '../../src/decode/sandbox.js';

const sandbox = createSandbox();
after(() => sandbox.dispose());
/**
 * The stops asserted here come from the work budget (ticks) and the memory limit, which count work, not time: the
 * wall-clock backstop is set far above what any call below needs even on a machine busy enough to give this process
 * a few percent of a core (a 1 s backstop there stopped the warm-up call itself), so it never decides a result.
 */
const evalDecoder: EvalDecoder = (code, args, limits) => sandbox.evalDecoder(code, args, { ...limits, ms: 120_000 });
/** For the endless native allocation, which only the wall-clock backstop ends: any stop is the answer there, so a short one keeps the test short. */
const shortBackstop: EvalDecoder = (code, args, limits) => sandbox.evalDecoder(code, args, { ...limits, ms: 1000 });

before(async () => {
  // Start the worker, so that no call below includes its start-up grace.
  assert.deepEqual(await evalDecoder('function f(s) { return s; }', ['warm']), { ok: true, value: 'warm' });
});

const REGION =
  'const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;\n' +
  'let b = "https://a.example.com";\n' +
  'if (tz === "Asia/Shanghai") b = "https://m.example.cn";\n' +
  'fetch(b);\n';

/** Base64 of bytes that decode to nothing readable, so only the sandbox could explain them. */
function opaque(i: number): string {
  return Buffer.from(Array.from({ length: 30 }, (_, j) => (j * 97 + i * 31 + 5) & 255)).toString('base64');
}

/** A decoder-shaped function that allocates without end (native allocations the work budget cannot interrupt), called `calls` times. */
function hostileFile(calls: number, fn = 'dec', body = 'var a = []; while (true) a.push(new Array(1e6).fill(s)); return a.join("");'): string {
  const lines = [`function ${fn}(s) { ${body} }`];
  for (let i = 0; i < calls; i++) lines.push(`var v${i} = ${fn}("${opaque(i)}");`);
  return lines.join('\n') + '\n';
}

describe('decoder caps', () => {
  it('a decoder stopped by its limits is run once, reported at its location, and the file is still analysed', async () => {
    const text = hostileFile(40) + REGION;
    const r = await analyzeJsWithSandbox('dos.js', text, { maxAstDepth: 500 }, shortBackstop);
    const stopped = r.findings.filter((f) => f.ruleId === 'decoder-stopped');
    assert.equal(stopped.length, 1, JSON.stringify(r.findings.map((f) => f.ruleId)));
    assert.equal(stopped[0]!.severity, 'info');
    assert.deepEqual([stopped[0]!.location.line, stopped[0]!.location.column], [1, 1]);
    assert.match(stopped[0]!.message, /39 more calls of it were not run/);
    assert.ok(r.findings.some((f) => f.ruleId === 'region-targeting'), 'the rest of the file is analysed');
  });

  it('a decoder that runs out of memory is stopped for memory', async () => {
    const r = await evalDecoder('function f(s) { var b = new ArrayBuffer(1 << 27); return s + b.byteLength; }', ['abcdefgh']);
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.stopped, 'memory', JSON.stringify(r));
  });

  it('an endless loop is stopped by its work budget', async () => {
    const r = await evalDecoder('function f(s) { while (true) {} }', ['x']);
    assert.equal(!r.ok && r.stopped, 'time', JSON.stringify(r));
  });

  it('an ordinary exception is not a stop', async () => {
    const r = await evalDecoder('function f(s) { throw new Error("no"); }', ['x']);
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.stopped, undefined);
  });

  it('after the file budget is spent no more decoders run; each one left is reported', async () => {
    const text = ['a', 'b', 'c', 'd'].map((fn) => hostileFile(2, fn, 'while (true) {}')).join('');
    const r = await analyzeJsWithSandbox('many.js', text, { maxAstDepth: 500, decoderBudget: { maxStops: 2, maxMs: 60_000 } }, evalDecoder);
    const stopped = r.findings.filter((f) => f.ruleId === 'decoder-stopped');
    assert.deepEqual(stopped.map((f) => f.title), ['Decoder a was stopped in the sandbox', 'Decoder b was stopped in the sandbox', 'Decoder c was stopped in the sandbox']);
    assert.match(stopped[2]!.message, /decoder budget is spent/);
  });

  it('the budget answers at once once spent, without calling the sandbox', async () => {
    let calls = 0;
    const fake: EvalDecoder = () => {
      calls++;
      return Promise.resolve({ ok: false, error: 'interrupted', stopped: 'time' });
    };
    const d = budgetedDecoder(fake, { maxStops: 1, maxMs: 1e9 });
    await d('f', []);
    const second = await d('f', []);
    assert.equal(calls, 1);
    assert.equal(!second.ok && second.stopped, 'budget');
  });
});
