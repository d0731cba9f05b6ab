// The progress line: bar, counts, ETA from the audits that really ran (cached results are instant), and what runs.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { formatDuration, progressLine } from '../../src/history/progress.js';

it('a history run: bar, counts, ETA from real audits only, and the releases in progress', () => {
  const line = progressLine({ total: 20, cached: 6, audited: 4, failed: 0, running: ['2.1.95', '2.1.96'], elapsedMs: 42_000, auditMs: 40_000 });
  // 10 left at 10 s per audit so far (40 s for 4 audits, two at a time already counted in the wall time).
  assert.equal(line, '████████████░░░░░░░░░░░░ 10/20 · 6 cached · 42s ETA 1m40s · 2.1.95, 2.1.96');
});

it('no ETA before the first audit finishes; bisect has no total', () => {
  assert.equal(progressLine({ total: 3, cached: 0, audited: 0, failed: 0, running: [], elapsedMs: 1000, auditMs: 0 }), '░░░░░░░░░░░░░░░░░░░░░░░░ 0/3 · 1s');
  assert.equal(progressLine({ cached: 1, audited: 2, failed: 1, running: ['a', 'b', 'c', 'd'], elapsedMs: 3_700_000, auditMs: 1 }), '4 audited · 1 cached · 1 failed · 1h01m · a, b, c, … (+1 more)');
});

it('durations', () => {
  assert.deepEqual([formatDuration(400), formatDuration(59_400), formatDuration(61_000), formatDuration(7_260_000)], ['0s', '59s', '1m01s', '2h01m']);
});
