// The audit's status line on a terminal: a long file's phases are named as they start, the current one ticks with
// its seconds and the finished ones keep theirs; a short message is just redrawn; the line is cleared at the end.
// And the audit itself reports the phases of a long file, in order, and only when progress is wanted.
import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { audit } from '../../src/audit/audit.js';
import { StatusLine, type StatusClock } from '../../src/report/status-line.js';
import { tempRoot } from '../acquire/tar-fixtures.js';
import { CLEAN } from '../history/fixtures.js';

function fake(columns?: number) {
  const writes: string[] = [];
  let t = 0;
  let tick: (() => void) | undefined;
  let stopped = 0;
  const clock: StatusClock = {
    now: () => t,
    every: (_ms, fn) => {
      tick = fn;
      return () => {
        stopped++;
        tick = undefined;
      };
    },
  };
  return {
    writes,
    clock,
    stream: { write: (s: string) => writes.push(s), columns },
    advance(ms: number) {
      t += ms;
      tick?.();
    },
    get stopped() {
      return stopped;
    },
    /** What the terminal shows: the last redraw. */
    get screen() {
      const last = writes[writes.length - 1] ?? '';
      return last.replace(/^\r/, '').replace(/\x1b\[K$/, '');
    },
  };
}

describe('status line', () => {
  it('a long file: the phase ticks, finished phases keep their time', () => {
    const f = fake();
    const s = new StatusLine(f.stream, f.clock);
    s.update('[3/9] cli.js (13.2 MB)');
    assert.equal(f.screen, '[3/9] cli.js (13.2 MB)');
    s.update('[3/9] cli.js (13.2 MB): parse');
    assert.equal(f.screen, '[3/9] cli.js (13.2 MB): parse 0s…');
    f.advance(3_400);
    assert.equal(f.screen, '[3/9] cli.js (13.2 MB): parse 3s…', 'redrawn by the timer alone');
    s.update('[3/9] cli.js (13.2 MB): analyse');
    f.advance(5_000);
    f.advance(7_000);
    assert.equal(f.screen, '[3/9] cli.js (13.2 MB): parse 3s · analyse 12s…');
    s.update('[3/9] cli.js (13.2 MB): correlate');
    assert.equal(f.screen, '[3/9] cli.js (13.2 MB): parse 3s · analyse 12s · correlate 0s…');
    s.update('[4/9] other.js (0.1 MB)');
    assert.equal(f.screen, '[4/9] other.js (0.1 MB)', 'a new file starts a new line');
    f.advance(2_500);
    assert.equal(f.screen, '[4/9] other.js (0.1 MB) · 2s');
    s.update('[5/9] big.js (9.0 MB): parse');
    assert.equal(f.screen, '[5/9] big.js (9.0 MB): parse 0s…', 'phases of another file do not carry over');
    assert.ok(f.writes.every((w) => w.startsWith('\r') && w.endsWith('\x1b[K')), 'redrawn in place');
    s.stop();
    assert.equal(f.writes[f.writes.length - 1], '\r\x1b[K');
    assert.equal(f.stopped, 1);
  });

  it('fits the terminal and keeps control characters of file names out of it', () => {
    const f = fake(40);
    const s = new StatusLine(f.stream, f.clock);
    s.update('[1/1] lib/\x1b]0;owned\x07' + 'x'.repeat(80) + '.js: analyse');
    assert.ok(f.screen.length <= 39, f.screen);
    assert.ok(!/[\x00-\x08\x0b-\x1f]/.test(f.screen), JSON.stringify(f.screen));
    assert.ok(f.screen.endsWith('…'));
    s.stop();
  });

  it('stop without any update writes nothing', () => {
    const f = fake();
    new StatusLine(f.stream, f.clock).stop();
    assert.deepEqual(f.writes, []);
  });
});

describe('audit progress names the phases of a long file', () => {
  let root: string;
  before(async () => {
    root = await tempRoot('phases');
    await mkdir(join(root, 'pkg'));
    await writeFile(join(root, 'pkg', 'index.js'), CLEAN);
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('parse, analyse, decode, correlate, in order, for a file at the threshold; none below it', async () => {
    const long: string[] = [];
    await audit(join(root, 'pkg'), { onProgress: (m) => long.push(m), phaseProgressChars: CLEAN.length });
    const phases = long.map((m) => /: (\w+)$/.exec(m)?.[1]).filter(Boolean);
    assert.deepEqual(phases, ['parse', 'analyse', 'decode', 'correlate'], long.join('\n'));
    assert.ok(long.every((m) => !m.includes(': ') || m.startsWith('[1/1] index.js (0.0 MB): ')), long.join('\n'));
    const short: string[] = [];
    await audit(join(root, 'pkg'), { onProgress: (m) => short.push(m), phaseProgressChars: CLEAN.length + 1 });
    assert.ok(!short.some((m) => /: (parse|analyse|decode|correlate)$/.test(m)), short.join('\n'));
  });
});
