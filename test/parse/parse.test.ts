// The parser reads what the runtime loads: CommonJS with a top-level return, HTML-like comments, JSX, TypeScript
// with its types stripped (locations unchanged), and falls back between module and script. Fixtures are ours.
import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFile, parseJs, syntaxOf } from '../../src/parse/parse.js';
import { analyze, lineColOf } from '../helpers/analyze.js';

/** Finds the first node whose source text is exactly `needle` (depth first). */
function nodeWithText(ast: unknown, text: string, needle: string): { start: number; end: number; type: string } | undefined {
  const stack: unknown[] = [ast];
  while (stack.length) {
    const n = stack.pop() as Record<string, unknown> | null;
    if (!n || typeof n !== 'object') continue;
    if (typeof n.type === 'string' && typeof n.start === 'number' && text.slice(n.start, n.end as number) === needle) {
      return n as { start: number; end: number; type: string };
    }
    for (const v of Object.values(n)) if (v && typeof v === 'object') stack.push(v);
  }
  return undefined;
}

// [name, file name, source, goal the parse ends with, a piece of code whose node must sit at its place in the source]
const ROWS: [name: string, file: string, code: string, sourceType: 'module' | 'script', needle: string][] = [
  ['CommonJS top-level return (.js)', 'setup.js', 'const ok = require("fs").existsSync(".marker");\nif (ok) return;\nmodule.exports = run();\n', 'script', 'run()'],
  ['CommonJS top-level return (.cjs)', 'hook.cjs', '"use strict";\nif (process.env.SKIP_HOOK) return;\nconsole.log("hook ran");\n', 'script', 'console.log("hook ran")'],
  ['HTML-like comments in a script', 'legacy.js', 'var shown = 1; <!-- old browsers hide this\nvar kept = shown + 1;\n--> closing note\nkept;\n', 'script', 'shown + 1'],
  ['ES module (.mjs)', 'entry.mjs', 'import { readFile } from "node:fs/promises";\nexport const body = await readFile("a.txt", "utf8");\n', 'module', 'readFile("a.txt", "utf8")'],
  ['ES module stays a module (.js)', 'index.js', 'export default function greet(n) { return "hi " + n; }\n', 'module', '"hi " + n'],
  ['sloppy script falls back from module (.js)', 'old.js', 'with (Math) { var r = max(1, 2); }\nvar o = 010;\n', 'script', 'max(1, 2)'],
  ['JSX in .jsx', 'Banner.jsx', 'export const Banner = ({ who }) => <p className="x">{greet(who)}</p>;\n', 'module', 'greet(who)'],
  ['JSX in .js, as bundler-only packages ship it (tried last)', 'src/Row.js', 'import React from "react";\nexport default function Row() { return <View style={pick()} />; }\n', 'module', 'pick()'],
  ['JSX fragment in .jsx', 'List.jsx', 'const List = () => <><li>{first()}</li><li>two</li></>;\n', 'module', 'first()'],
  [
    'TypeScript (.ts): types become spaces, locations stay',
    'src/util.ts',
    'interface Opts { depth?: number }\nexport function walk<T extends object>(node: T, opts: Opts = {}): T[] {\n  const seen = new Set<T>() as Set<T>;\n  return [node].filter((n): n is T => !seen.has(n));\n}\n',
    'module',
    'seen.has(n)',
  ],
  ['TypeScript module (.mts)', 'lib/a.mts', 'type Id = string;\nexport const id: Id = String(Date.now());\n', 'module', 'String(Date.now())'],
  ['TypeScript CommonJS (.cts) with a top-level return', 'lib/b.cts', 'const flag: boolean = !!process.env.QUIET;\nif (flag) return;\nexports.value = Number("4") satisfies number;\n', 'script', 'Number("4")'],
  [
    'TypeScript parameter properties: modifiers become spaces, the parameters stay',
    'src/client.ts',
    'class Traced extends Base {\n  constructor(\n    private readonly inner: Base,\n    public label?: string,\n    protected override depth = 2,\n  ) { super(); }\n  run(): number { return this.inner.size + depth; }\n}\nexport { Traced };\n',
    'module',
    'this.inner.size + depth',
  ],
  [
    'TypeScript enums become object literals in place',
    'src/modes.ts',
    'export enum Accept {\n  json = "application/json",\n  "event-stream" = "text/event-stream",\n}\nconst enum Level { Low, High = Low + 2 }\nexport const pick = (a: Accept) => a === Accept.json ? Level.High : 0;\n',
    'module',
    'a === Accept.json ? Level.High : 0',
  ],
  ['hashbang line', 'bin/tool', '#!/usr/bin/env node\nconst args = process.argv.slice(2);\n', 'module', 'process.argv.slice(2)'],
];

describe('parseFile reads what the runtime loads', () => {
  for (const [name, file, code, sourceType, needle] of ROWS) {
    it(name, () => {
      const r = parseFile(file, code);
      assert.ok(r.ok, r.ok ? '' : `${r.message} at ${r.offset}`);
      assert.equal(r.sourceType, sourceType);
      const node = nodeWithText(r.ast, code, needle);
      assert.ok(node, `no node spans ${JSON.stringify(needle)}`);
      assert.equal(node.start, code.indexOf(needle));
    });
  }
});

describe('what still does not parse', () => {
  const BAD: [name: string, file: string, code: string, message: RegExp][] = [
    ['broken JavaScript', 'a.js', 'function ( {', /./],
    ['JSX in .ts (TypeScript files are not JSX)', 'a.ts', 'const el = <div/>;', /./],
    ['TypeScript namespace (not removable by stripping)', 'a.ts', 'const n: number = 1;\nnamespace Mode { export const A = 1; }\nexport { n };', /type stripping/],
  ];
  for (const [name, file, code, message] of BAD) {
    it(name, () => {
      const r = parseFile(file, code);
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.message, message);
    });
  }
  it('the namespace is where the error points', () => {
    const code = 'const n: number = 1;\nnamespace Mode { export const A = 1; }\nexport { n };';
    const r = parseFile('a.ts', code);
    assert.ok(!r.ok && r.offset === code.indexOf('namespace'), JSON.stringify(r));
  });
});

test('syntaxOf: goal, JSX and TypeScript from the name; declaration files are not TypeScript code', () => {
  assert.deepEqual(syntaxOf('a/b.CJS'), { goal: 'script', jsx: false, typescript: false });
  assert.deepEqual(syntaxOf('x.mts'), { goal: 'module', jsx: false, typescript: true });
  assert.deepEqual(syntaxOf('x.d.ts'), { goal: 'auto', jsx: false, typescript: false });
  assert.deepEqual(syntaxOf('x.jsx'), { goal: 'auto', jsx: true, typescript: false });
  assert.equal(parseJs('type A = 1;').ok, false, 'a plain parse does not strip types');
});

const GATED_REGION_CHECK = `
const fs = require("fs");
if (fs.existsSync("/tmp/.done-marker")) return;
const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
let base = "https://registry.example.com";
if (tz === "Asia/Shanghai") base = "https://mirror.example.cn";
fetch(base + "/pkg");
`;

test('a region check behind a top-level return is analysed and found', () => {
  const r = analyze(GATED_REGION_CHECK, 'scripts/postinstall.js');
  assert.ok(!r.findings.some((f) => f.ruleId === 'parse-error'), JSON.stringify(r.findings.map((f) => f.title)));
  const f = r.findings.find((x) => x.ruleId === 'region-targeting');
  assert.ok(f, JSON.stringify(r.findings.map((x) => x.ruleId)));
  assert.equal(f.severity, 'high');
  assert.deepEqual({ line: f.location.line, column: f.location.column }, lineColOf(GATED_REGION_CHECK, 'tz === "Asia/Shanghai"'));
});

test('a region check in TypeScript is found at its place in the .ts source', () => {
  const code = GATED_REGION_CHECK.replace('const tz =', 'const tz: string =').replace('let base =', 'let base: string =');
  const r = analyze(code, 'src/install.cts');
  const f = r.findings.find((x) => x.ruleId === 'region-targeting');
  assert.ok(f, JSON.stringify(r.findings.map((x) => x.title)));
  assert.deepEqual({ line: f.location.line, column: f.location.column }, lineColOf(code, 'tz === "Asia/Shanghai"'));
});

test('code inside JSX attributes and children is walked', () => {
  const code = `
const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
export const Footer = () => <footer onClick={() => { let base = "https://registry.example.com"; if (tz === "Asia/Shanghai") base = "https://mirror.example.cn"; fetch(base + "/pkg"); }}>x</footer>;
`;
  const r = analyze(code, 'Footer.jsx');
  const f = r.findings.find((x) => x.ruleId === 'region-targeting');
  assert.ok(f, JSON.stringify(r.findings.map((x) => x.title)));
  // The benign twin: the same component without a region check says nothing significant.
  const quiet = analyze(code.replace('if (tz === "Asia/Shanghai") base = "https://mirror.example.cn"; ', ''), 'Footer.jsx');
  assert.deepEqual(quiet.findings.filter((x) => x.severity !== 'info').map((x) => x.title), []);
});
