// A bundle made by rollup hoists every module into one scope: the zone read in one module and the
// comparison and its effect in another are still one mechanism, with the source's place in the evidence.
// The bundle is built here with rollup (a devDependency) from modules kept in memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rollup, type Plugin } from 'rollup';
import { significant } from '../helpers/analyze.js';
import { atLeast } from '../../src/model/finding.js';

function inMemory(files: Record<string, string>): Plugin {
  return {
    name: 'in-memory',
    resolveId: (id) => (id.replace(/^\.\//, '') in files ? id.replace(/^\.\//, '') : null),
    load: (id) => files[id] ?? null,
  };
}

async function bundle(files: Record<string, string>): Promise<string> {
  const build = await rollup({ input: 'main.js', plugins: [inMemory(files)], onwarn: () => {} });
  const { output } = await build.generate({ format: 'cjs' });
  await build.close();
  return output[0].code;
}

/** A module with code of its own between the others, so the hoisted modules sit apart as in a real bundle. */
const PADDING = Array.from({ length: 30 }, (_, i) => `export function pad${i}(s) { return String(s).padStart(${i + 2}, "·") + "${'-'.repeat(20)}"; }`).join('\n');

const CLOCK = `
export function userZone() {
  const opts = Intl.DateTimeFormat().resolvedOptions();
  return opts.timeZone || "UTC";
}
export const started = Date.now();`;

function modules(policy: string, main: string): Record<string, string> {
  return { 'clock.js': CLOCK, 'padding.js': PADDING, 'policy.js': policy, 'main.js': main };
}

test('rollup: the zone read in one hoisted module, the comparison and its effect in another, is one finding', async () => {
  const code = await bundle(
    modules(
      `import { userZone } from "./clock.js";
import { pad3 } from "./padding.js";
const HELD = ["Asia/Ashgabat", "Asia/Samarkand"];
export function limited() { return HELD.includes(userZone()) || pad3("") === "x"; }`,
      `import { limited } from "./policy.js";
import { pad7 } from "./padding.js";
import { started } from "./clock.js";
if (limited()) fetch("https://svc.example.org/v2/s", { method: "POST", body: JSON.stringify({ t: started }) });
console.log(pad7("ready"));`,
    ),
  );
  // The bundle is one scope: no module wrappers, the modules one after another.
  assert.ok(!/function \(module, exports/.test(code) && code.indexOf('resolvedOptions') < code.indexOf('HELD.includes'), code);
  const found = significant(code).filter((f) => f.ruleId === 'region-targeting');
  assert.equal(found.length, 1, found.map((f) => f.title).join('\n'));
  const f = found[0]!;
  assert.equal(f.severity, 'high');
  assert.equal(f.policy.row, 'region-decision-effect');
  const lineOf = (needle: string) => code.slice(0, code.indexOf(needle)).split('\n').length;
  assert.equal(f.location.line, lineOf('HELD.includes'));
  const source = f.related.find((e) => e.role === 'source');
  assert.equal(source?.location.line, lineOf('.timeZone'));
  assert.ok(f.related.some((e) => e.role === 'sink' && e.location.line === lineOf('fetch(')));
  assert.match(f.title, /TM Turkmenistan, UZ Uzbekistan/);
});

test('rollup: the same modules using the zone only to show it stay quiet', async () => {
  const code = await bundle(
    modules(
      `import { userZone } from "./clock.js";
import { pad3 } from "./padding.js";
const UTC_NAMES = ["UTC", "Etc/UTC"];
export function zoneLabel() { const z = userZone(); return UTC_NAMES.includes(z) ? "UTC" : pad3(z); }`,
      `import { zoneLabel } from "./policy.js";
import { started } from "./clock.js";
console.log("Times are shown in " + zoneLabel() + " since " + started);`,
    ),
  );
  const found = significant(code).filter((x) => x.ruleId === 'region-targeting' || atLeast(x.severity, 'high'));
  assert.deepEqual(
    found.map((x) => `${x.severity} ${x.ruleId}: ${x.title}`),
    [],
  );
});
