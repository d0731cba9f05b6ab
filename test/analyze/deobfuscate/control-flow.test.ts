// Control-flow obfuscation around a string array: fixtures generated here with javascript-obfuscator
// (control-flow flattening with proxy objects, chained function wrappers, split strings, object keys
// assigned one by one, dead code; rc4, rotated, shuffled) from a source of ours whose functions are
// long enough to be flattened. Each must give the same critical mechanism as the plain source, with
// the recovered strings shown. Then the rewrites one by one, with the cases they must leave alone.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import JavaScriptObfuscator, { type ObfuscatorOptions } from 'javascript-obfuscator';
import { analyzeJs, analyzeJsWithSandbox, type FileResult } from '../../../src/audit/analyze-file.js';
import { createSandbox } from '../../../src/decode/sandbox.js';
import { parseJs, type AnyNode } from '../../../src/parse/parse.js';
import { undoControlFlowObfuscation } from '../../../src/analyze/deobfuscate/proxies.js';

const sandbox = createSandbox();
after(() => sandbox.dispose());

// The zone read both fixtures share. `var` and five statements per function: the obfuscator flattens only such blocks.
const ZONE_READ = `function zone() {
  var started = Date.now();
  var z = Intl.DateTimeFormat().resolvedOptions().timeZone;
  var took = Date.now() - started;
  console.debug("zone read in " + took + " ms");
  return z;
}
`;

// Time zone read → compared with region data → look-alike apostrophe picked → sent in a model request.
const SOURCE = `
${ZONE_READ}var EASTERN = ["Europe/Samara", "Asia/Tehran", "Asia/Urumqi"];
function mark() {
  var z = zone();
  var hit = EASTERN.includes(z);
  var quote = hit ? "\\u02BC" : "'";
  console.debug("mark chosen");
  return quote;
}
export async function ask(prompt) {
  var text = "The user" + mark() + "s notes: " + prompt;
  var body = { model: "m-2", messages: [{ role: "user", content: text }] };
  var url = "https://api.example.org/v2/complete";
  var init = { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
  var res = await fetch(url, init);
  return res;
}`;

// The twin shows the zone to the user and sends nothing chosen by it.
const BENIGN = `
${ZONE_READ}var SHOWN = ["Europe/Samara", "Asia/Tehran", "Asia/Urumqi"];
export function banner(name) {
  var z = zone();
  var known = SHOWN.includes(z);
  var line = "Hello " + name + ", your time zone is " + z;
  console.log(known ? line + " (listed)" : line);
  return line;
}`;

const FLATTENED = { controlFlowFlattening: true, controlFlowFlatteningThreshold: 1 };
const STRONG_ARRAY = { stringArrayEncoding: ['rc4'] as ObfuscatorOptions['stringArrayEncoding'], rotateStringArray: true, shuffleStringArray: true };
const SETTINGS: Record<string, ObfuscatorOptions> = {
  'flattening and proxy objects, rc4, rotated, shuffled': { ...FLATTENED, ...STRONG_ARRAY, seed: 32 },
  'function wrappers with chained calls': { ...STRONG_ARRAY, stringArrayWrappersCount: 3, stringArrayWrappersType: 'function', stringArrayWrappersChainedCalls: true, seed: 33 },
  'split strings': { ...STRONG_ARRAY, splitStrings: true, splitStringsChunkLength: 3, seed: 34 },
  'object keys assigned one by one': { ...STRONG_ARRAY, transformObjectKeys: true, seed: 35 },
  'dead code injection': { ...STRONG_ARRAY, deadCodeInjection: true, deadCodeInjectionThreshold: 1, seed: 36 },
  'all of them together': {
    ...FLATTENED,
    ...STRONG_ARRAY,
    deadCodeInjection: true,
    deadCodeInjectionThreshold: 1,
    splitStrings: true,
    splitStringsChunkLength: 3,
    transformObjectKeys: true,
    stringArrayWrappersCount: 3,
    stringArrayWrappersType: 'function',
    stringArrayWrappersChainedCalls: true,
    seed: 37,
  },
};

function obfuscate(source: string, options: ObfuscatorOptions): string {
  return JavaScriptObfuscator.obfuscate(source, { compact: true, stringArray: true, stringArrayThreshold: 1, ...options }).getObfuscatedCode();
}

const opts = { maxAstDepth: 2000 };
const mechanisms = (r: FileResult) =>
  r.findings.filter((f) => f.severity !== 'info' && f.ruleId !== 'obfuscated-code').sort((a, b) => a.severity.localeCompare(b.severity));

test('the plain source is a critical covert channel (the reference)', () => {
  const [f] = mechanisms(analyzeJs('plain.js', SOURCE, opts));
  assert.equal(f?.ruleId, 'covert-channel-mechanism');
  assert.equal(f?.severity, 'critical');
  assert.equal(f?.policy.row, 'covert-choice-leaves');
});

for (const [name, options] of Object.entries(SETTINGS)) {
  test(`${name}: the same critical mechanism as the plain source, recovered strings shown`, async () => {
    const code = obfuscate(SOURCE, options);
    for (const s of ['Asia/Tehran', 'timeZone']) assert.ok(!code.includes(s), `the fixture hides ${s}`);
    assert.equal(mechanisms(analyzeJs('o.js', code, opts)).length, 0, 'without recovery nothing is found');

    const r = await analyzeJsWithSandbox('o.js', code, opts, sandbox.evalDecoder);
    const [f] = mechanisms(r);
    assert.ok(f, JSON.stringify(r.limits));
    assert.equal(f.ruleId, 'covert-channel-mechanism');
    assert.equal(f.severity, 'critical');
    assert.equal(f.policy.row, 'covert-choice-leaves', f.message);
    const texts = f.decoded.map((d) => d.text);
    for (const s of ['Europe/Samara', 'Asia/Tehran', 'Asia/Urumqi']) assert.ok(texts.includes(s), `${s} not in ${JSON.stringify(texts)}`);
    assert.ok(texts.some((t) => t === 'timeZone' || t.endsWith('timeZone')), JSON.stringify(texts));
    const notes = f.related.map((e) => e.note).join('\n');
    assert.match(notes, /recovered from the string array: .*= "Asia\/Tehran"/);
    assert.ok(f.related.some((e) => e.role === 'sink' && /model API/.test(e.note)), notes);
  });
}

test('the benign twin at the strongest settings: only the obfuscation itself is high', async () => {
  const r = await analyzeJsWithSandbox('b.js', obfuscate(BENIGN, SETTINGS['all of them together']!), opts, sandbox.evalDecoder);
  assert.deepEqual(r.findings.filter((f) => f.severity === 'high' || f.severity === 'critical').map((f) => f.ruleId), ['obfuscated-code']);
});

// ---------------------------------------------------------------- the rewrites one by one

function rewrite(code: string): { ast: AnyNode; counts: ReturnType<typeof undoControlFlowObfuscation> } {
  const parsed = parseJs(code);
  assert.ok(parsed.ok);
  return { ast: parsed.ast, counts: undoControlFlowObfuscation(parsed.ast) };
}

/** The expression of the statement at `index` of the program (or of the function body `fn`). */
function expr(ast: AnyNode, index: number): AnyNode {
  return ast.body[index].expression;
}

test('proxy objects: calls become the operation or call they stand for, literals are read in place', () => {
  const { ast, counts } = rewrite(
    `var P = { 'aB': function (x, y) { return x + y; }, cD: function (f, a, b) { return f(a, b); }, 'eF': 'text', gH: (x, y) => x || y };
     P['aB'](one, two);
     P.cD(send, url, init);
     P['eF'];
     P['gH'](a, b);`,
  );
  assert.equal(counts.proxies, 4);
  const sum = expr(ast, 1);
  assert.equal(sum.type, 'BinaryExpression');
  assert.equal(sum.operator, '+');
  assert.deepEqual([sum.left.name, sum.right.name], ['one', 'two']);
  const call = expr(ast, 2);
  assert.equal(call.type, 'CallExpression');
  assert.equal(call.callee.name, 'send');
  assert.deepEqual(call.arguments.map((a: AnyNode) => a.name), ['url', 'init']);
  assert.deepEqual([expr(ast, 3).type, expr(ast, 3).value], ['Literal', 'text']);
  assert.equal(expr(ast, 4).type, 'LogicalExpression');
  // Offsets stay those of the code as written.
  assert.equal(sum.start, ast.body[1].start);
});

test('proxy objects read through another name are followed', () => {
  const { ast, counts } = rewrite(`var P = { k: function (a, b) { return a - b; } }, Q = P; Q['k'](x, y);`);
  assert.equal(counts.proxies, 1);
  assert.equal(expr(ast, 1).type, 'BinaryExpression');
});

test('objects that are written to, passed on or hold other values are no proxy tables', () => {
  const cases = [
    `var P = { k: function (a, b) { return a + b; } }; P['k'] = other; P['k'](x, y);`,
    `var P = { k: function (a, b) { return a + b; } }; register(P); P['k'](x, y);`,
    `var P = { k: function (a, b) { return a + b; } }; P = other; P['k'](x, y);`,
    `var P = { k: function (a, b) { return a + b; }, n: [1] }; P['k'](x, y);`,
    `var P = { k: function (a, b) { log(a); return a + b; } }; P['k'](x, y);`,
  ];
  for (const code of cases) assert.equal(rewrite(code).counts.proxies, 0, code);
});

test('object keys assigned right after the object is made move into it', () => {
  const { ast, counts } = rewrite(`var o = {}; o['model'] = m; function later() {} o['messages'] = l, o.stream = true; send(o); o['late'] = 1;`);
  assert.equal(counts.objectKeys, 3);
  const obj = ast.body[0].declarations[0].init;
  assert.deepEqual(obj.properties.map((p: AnyNode) => p.key.value ?? p.key.name), ['model', 'messages', 'stream']);
  assert.equal(ast.body[1].type, 'EmptyStatement');
  // After another statement the object may already be in use: that assignment stays.
  assert.equal(ast.body[5].expression.type, 'AssignmentExpression');
});

test('dispatch loops become their cases in the order the string gives', () => {
  const { ast, counts } = rewrite(
    `function f() { var order = '2|0|1'.split('|'), i = 0; while (!![]) { switch (order[i++]) { case '0': b(); continue; case '1': return c(); case '2': a(); continue; } break; } }`,
  );
  assert.equal(counts.dispatchLoops, 1);
  const block = ast.body[0].body.body[1];
  assert.equal(block.type, 'BlockStatement');
  assert.deepEqual(
    block.body.map((s: AnyNode) => (s.type === 'ReturnStatement' ? 'return ' + s.argument.callee.name : s.expression.callee.name)),
    ['a', 'b', 'return c'],
  );
});

test('a dispatch loop with a case that breaks out early, or an order with a missing case, is left alone', () => {
  const early = `function f() { var order = '1|0'.split('|'), i = 0; while (true) { switch (order[i++]) { case '0': if (x) break; b(); continue; case '1': a(); continue; } break; } }`;
  const missing = `function f() { var order = '1|0|2'.split('|'), i = 0; while (true) { switch (order[i++]) { case '0': b(); continue; case '1': a(); continue; } break; } }`;
  assert.equal(rewrite(early).counts.dispatchLoops, 0);
  assert.equal(rewrite(missing).counts.dispatchLoops, 0);
});
