// The bounded fuzz run of the default tests (issue 15): about 300 inputs from a fixed seed through the CLI's main
// function in this process (the long run, bench/fuzz.ts, starts the executable for each target).
// Every run must end with exit 0, 1 or 2, with no stack trace and no internal failure in its report, and no run
// may take more than ten times the median CPU time of its category (with a floor, so that a busy machine or a
// garbage collection does not fail it). The long run with peak memory is bench/fuzz.ts.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempRoot } from '../acquire/tar-fixtures.js';
import { scratchDirs } from '../cli/run-cli.js';
import { campaign, table, type Run } from './campaign.js';

/** No run may cost more CPU than this multiple of its category's median … */
const CAP_FACTOR = 10;
/** … or than this, whichever is more. */
const CAP_FLOOR_MS = 30_000;

let root: string;
let runs: Run[];

before(async () => {
  root = await tempRoot('fuzz');
  const s = await scratchDirs(root);
  runs = await campaign({ seed: 15, inProcess: true, mutated: 200, batch: 50, shapesKb: 20, archives: 12, executables: 64, executableBatch: 32 }, join(root, 'inputs'), s, 300_000);
});
after(() => rm(root, { recursive: true, force: true }));

describe('bounded fuzz run', () => {
  it('ran about 300 inputs of every category', (t) => {
    t.diagnostic(`\n${table(runs)}`);
    const inputs = (c: string) => runs.filter((r) => r.category === c).reduce((n, r) => n + r.inputs, 0);
    assert.deepEqual(
      ['mutated-js', 'shapes', 'archives', 'executables'].map((c) => [c, inputs(c) > 0]),
      ['mutated-js', 'shapes', 'archives', 'executables'].map((c) => [c, true]),
    );
    assert.ok(runs.reduce((n, r) => n + r.inputs, 0) >= 290, table(runs));
  });

  it('every run ends with exit 0, 1 or 2 and no stack trace', () => {
    const bad = runs.filter((r) => (r.code !== 0 && r.code !== 1 && r.code !== 2) || r.stackTrace);
    assert.deepEqual(bad.map((r) => `${r.target}: exit ${r.code}: ${r.stderr}`), []);
  });

  it('an exit 2 is one line on stderr', () => {
    const bad = runs.filter((r) => r.code === 2 && !/^telltale: [^\n]+\n?$/.test(r.stderr));
    assert.deepEqual(bad.map((r) => `${r.target}: ${JSON.stringify(r.stderr)}`), []);
  });

  it('no report holds an internal failure (a rule or the analysis crashing on an input)', () => {
    assert.deepEqual(runs.flatMap((r) => r.internal.map((m) => `${r.target}: ${m}`)), []);
  });

  it(`no run costs more than ${CAP_FACTOR}x its category's median CPU time`, (t) => {
    if (runs.every((r) => r.cpuMs === null)) return t.skip('no CPU time measured');
    for (const c of new Set(runs.map((r) => r.category))) {
      const cpu = runs.filter((r) => r.category === c && r.cpuMs !== null).map((r) => r.cpuMs!);
      const median = [...cpu].sort((a, b) => a - b)[Math.floor(cpu.length / 2)]!;
      const cap = Math.max(CAP_FLOOR_MS, CAP_FACTOR * median);
      const over = runs.filter((r) => r.category === c && r.cpuMs !== null && r.cpuMs > cap);
      assert.deepEqual(over.map((r) => `${r.target}: ${r.cpuMs} ms`), [], `${c}: cap ${cap} ms\n${table(runs)}`);
    }
  });
});
