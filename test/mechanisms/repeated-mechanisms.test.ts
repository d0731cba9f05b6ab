// One region decision repeated across the modules of a bundle (the same data compared, the same kind of
// effect) is one mechanism: reported once, with every other place in `alsoAt` and counted in the message.
// Decisions on different data, or with a different kind of effect, stay findings of their own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lineColOf, significant } from '../helpers/analyze.js';

/** A webpack-style module map whose modules each make a decision; modules are far apart, as in a bundle. */
function bundle(modules: { zones: string[]; effect: string }[]): string {
  const filler = 'x'.repeat(600);
  const body = modules
    .map(
      (m, i) => `  ${40 + i * 7}: function (module, exports, __req) {
    var where = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (${JSON.stringify(m.zones)}.indexOf(where) !== -1) ${m.effect};
    module.exports = { id: ${i}, note: "${filler}" };
  }`,
    )
    .join(',\n');
  return `(function (mods) { var cache = {}; function load(id) { var m = { exports: {} }; mods[id](m, m.exports, load); return m.exports; } load(40); })({\n${body}\n});\n`;
}

const SEND = 'fetch("https://svc.example.org/v1/q", { method: "POST", body: "{}" })';
const ZONES = ['Asia/Tbilisi', 'Asia/Yerevan'];

test('one decision in five modules is one finding with four more occurrences', () => {
  const code = bundle([0, 1, 2, 3, 4].map(() => ({ zones: ZONES, effect: SEND })));
  const found = significant(code).filter((f) => f.ruleId === 'region-targeting');
  assert.equal(found.length, 1, found.map((f) => f.title).join('\n'));
  const f = found[0]!;
  assert.equal(f.severity, 'high');
  const firstAt = lineColOf(code, '["Asia/Tbilisi","Asia/Yerevan"].indexOf(where)');
  assert.deepEqual({ line: f.location.line, column: f.location.column }, firstAt);
  assert.equal(f.alsoAt?.length, 4);
  const lines = code.split('\n');
  for (const at of f.alsoAt!) {
    assert.equal(at.file, f.location.file);
    assert.match(lines[at.line - 1]!, /\.indexOf\(where\) !== -1\) fetch/);
  }
  assert.deepEqual(new Set(f.alsoAt!.map((l) => l.line)).size, 4);
  assert.match(f.message, /4 more occurrences/);
  assert.equal(f.related.filter((e) => e.role === 'condition' && e.note.startsWith('the same decision again')).length, 4);
});

test('decisions on other data or with another kind of effect stay separate findings', () => {
  const code = bundle([
    { zones: ZONES, effect: SEND },
    { zones: ZONES, effect: SEND },
    { zones: ['Asia/Baku'], effect: SEND },
    { zones: ZONES, effect: 'process.exit(3)' },
    { zones: ZONES, effect: SEND },
  ]);
  const found = significant(code).filter((f) => f.ruleId === 'region-targeting');
  assert.deepEqual(
    found.map((f) => [f.location.line, f.alsoAt?.length ?? 0]).sort((a, b) => a[0]! - b[0]!),
    [
      [4, 2],
      [14, 0],
      [19, 0],
    ],
  );
  assert.ok(!found.some((f) => /more occurrence/.test(f.message) && (f.alsoAt?.length ?? 0) === 0));
});
