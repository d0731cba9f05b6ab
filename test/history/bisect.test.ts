// Bisect over presence patterns, one character per release in version order: '#' carries the finding, '.' does
// not, '?' cannot be audited. Each case states the boundaries and gaps it must report and how many audits it may use.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bisect, type Presence } from '../../src/history/bisect.js';

interface Case {
  name: string;
  pattern: string;
  first?: number;
  last?: number;
  gaps?: [number, number][];
  /** Most audits allowed. */
  maxAudits: number;
}

const log2 = (n: number) => Math.ceil(Math.log2(n));

function pattern(p: string): (i: number) => Promise<Presence> {
  return async (i) => (p[i] === '#' ? 'present' : p[i] === '?' ? 'unknown' : 'absent');
}

const N = 200;
const block = (from: number, to: number, n = N) => Array.from({ length: n }, (_, i) => (i >= from && i <= to ? '#' : '.')).join('');

const CASES: Case[] = [
  { name: 'present from the middle to the end', pattern: block(73, N - 1), first: 73, last: N - 1, maxAudits: 3 * log2(N) + 6 },
  { name: 'present from the start to the middle', pattern: block(0, 120), first: 0, last: 120, maxAudits: 3 * log2(N) + 6 },
  { name: 'a stretch in the middle, both ends clean', pattern: block(11, 117), first: 11, last: 117, maxAudits: 4 * log2(N) + 6 },
  { name: 'everywhere', pattern: block(0, N - 1), first: 0, last: N - 1, maxAudits: log2(N) + 4 },
  { name: 'only the newest release', pattern: block(N - 1, N - 1), first: N - 1, last: N - 1, maxAudits: log2(N) + 4 },
  { name: 'a single release', pattern: '#', first: 0, last: 0, maxAudits: 1 },
  { name: 'one release without it', pattern: '.', maxAudits: 1 },
  { name: 'nowhere: every release is looked at', pattern: block(-1, -1, 40), maxAudits: 40 },
  {
    // Both ends carry it; the sample in the middle (index 99) does not: the gap is found and narrowed to its edges.
    name: 'goes away and comes back',
    pattern: block(0, 90).slice(0, 110) + block(0, 89, 90),
    first: 0,
    last: N - 1,
    gaps: [[91, 109]],
    maxAudits: 4 * log2(N) + 6,
  },
  {
    // The first sample (99) falls in the gap; the stretch is found on both sides of it.
    name: 'a stretch found by sampling, with a gap inside it',
    pattern: block(30, 170).slice(0, 95) + '.'.repeat(15) + block(30, 170).slice(110),
    first: 30,
    last: 170,
    gaps: [[95, 109]],
    maxAudits: 6 * log2(N) + 6,
  },
  { name: 'two releases, the second carries it', pattern: '.#', first: 1, last: 1, maxAudits: 2 },
  { name: 'releases that fail are stepped over', pattern: '....??####', first: 6, last: 9, maxAudits: 10 },
];

describe('bisect', () => {
  const names = new Set<string>();
  for (const c of CASES) {
    it(c.name, async () => {
      assert.ok(!names.has(c.name), 'duplicate case');
      names.add(c.name);
      const out = await bisect(c.pattern.length, pattern(c.pattern));
      assert.equal(out.first, c.first, 'first');
      assert.equal(out.last, c.last, 'last');
      assert.deepEqual(out.gaps.map((g) => [g.from, g.to]), c.gaps ?? []);
      assert.equal(new Set(out.audited).size, out.audited.length, 'a release audited twice');
      assert.ok(out.audited.length <= c.maxAudits, `${out.audited.length} audits, at most ${c.maxAudits} allowed`);
      if (c.first !== undefined) {
        // The neighbours of both boundaries were looked at.
        for (const i of [c.first - 1, c.last! + 1]) if (i >= 0 && i < c.pattern.length) assert.ok(out.states.has(i), `neighbour ${i} not audited`);
      }
    });
  }

  it('a contiguous stretch over 200 releases takes O(log n) audits, far fewer than a scan', async () => {
    const out = await bisect(N, pattern(block(73, N - 1)));
    assert.ok(out.audited.length <= 20, `${out.audited.length} audits`);
    assert.equal(out.exhaustive, false);
  });
});
