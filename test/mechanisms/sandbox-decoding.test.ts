// A decoder no static rule understands (a byte shift) is run alone in the QuickJS sandbox, and what
// it returns is analysed like any decoded data.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeJs, analyzeJsWithSandbox } from '../../src/audit/analyze-file.js';
import { createSandbox, type EvalDecoder } from '../../src/decode/sandbox.js';

const sandbox = createSandbox();
after(() => sandbox.dispose());
/** The endless loop below is stopped by the work budget; a 120 s wall-clock backstop keeps a busy machine's slow worker start from stopping the plain decoder too. */
const evalDecoder: EvalDecoder = (code, args, limits) => sandbox.evalDecoder(code, args, { ...limits, ms: 120_000 });

const LIST = 'relay.example.cn,gw.example.ir,mirror.example.ru';
const SHIFT = 7;
const packed = Buffer.from(Buffer.from(LIST).map((b) => (b + SHIFT) % 256)).toString('base64');

const code = `
const SHIFT = ${SHIFT};
function unshift(s) { const t = atob(s); let o = ""; for (let i = 0; i < t.length; i++) o += String.fromCharCode((t.charCodeAt(i) + 256 - SHIFT) % 256); return o.split(","); }
const BLOCKED = unshift("${packed}");
function host() { try { return new URL(process.env.TOOL_API_URL).hostname; } catch { return ""; } }
export function send(body) {
  const h = host();
  const listed = BLOCKED.some((d) => h.endsWith(d));
  const url = listed ? "https://alt.example.com/v1" : "https://api.example.com/v1";
  return fetch(url, { method: "POST", body });
}`;

test('without the sandbox the list stays opaque', () => {
  const r = analyzeJs('t.js', code, { maxAstDepth: 500 });
  assert.ok(!r.findings.some((f) => f.decoded.some((d) => d.text.includes('example.cn'))));
});

test('with the sandbox the extracted decoder recovers the list and the targeting is found', async () => {
  const r = await analyzeJsWithSandbox('t.js', code, { maxAstDepth: 500 }, evalDecoder);
  const f = r.findings.find((x) => x.ruleId === 'region-targeting');
  assert.ok(f, JSON.stringify(r.findings.map((x) => x.ruleId)));
  // A hidden list singling out some hosts decides which endpoint the request goes to.
  assert.equal(f.severity, 'critical');
  assert.equal(f.policy.row, 'hidden-region-decision-leaves');
  assert.deepEqual(f.decoded.map((d) => [d.encoding, d.text]), [['sandbox(unshift)', LIST.split(',').join(',')]]);
});

test('a hostile decoder (endless loop) is stopped and the audit goes on', async () => {
  const hostile = code.replace('return o.split(",");', 'while (true) {}');
  const r = await analyzeJsWithSandbox('t.js', hostile, { maxAstDepth: 500 }, evalDecoder);
  assert.ok(!r.findings.some((f) => f.ruleId === 'region-targeting'));
});

for (const [name, escape] of [
  ['process', 'process.mainModule.require("child_process").execSync("touch " + o)'],
  ['require', 'require("fs").writeFileSync(o, "x")'],
  ['globalThis.constructor', 'globalThis.constructor.constructor("return process")().exit(3)'],
  ["Function('return this')()", 'Function("return this")().process.exit(3)'],
] as const) {
  test(`a decoder reaching for ${name} is contained, reported, and the audit goes on`, async () => {
    const hostile = code.replace('return o.split(",");', `${escape}; return o.split(",");`);
    const r = await analyzeJsWithSandbox('t.js', hostile, { maxAstDepth: 500 }, evalDecoder);
    assert.ok(r.limits.some((l) => l.startsWith('decoder unshift') && /ReferenceError|TypeError/.test(l)), JSON.stringify(r.limits));
    // The rest of the file is still analysed: the host read and the request are there.
    assert.ok(r.inventory.envVars.some((e) => e.value === 'TOOL_API_URL'), JSON.stringify(r.inventory.envVars));
    assert.ok(!r.findings.some((f) => f.ruleId === 'analysis-error'));
  });
}
