// The per-file time budget is measured in the analysis thread's CPU time, read from /proc.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { currentThreadStatPath, threadCpuMs } from '../../src/audit/thread-cpu.js';

describe('thread CPU time', { skip: !existsSync('/proc/thread-self') && 'no /proc/thread-self here' }, () => {
  it('names this thread and counts the work it does, not the time it waits', async () => {
    const path = currentThreadStatPath();
    assert.match(path ?? '', /^\/proc\/\d+\/task\/\d+\/stat$/);
    const before = threadCpuMs(path!)!;
    assert.equal(typeof before, 'number');
    let x = 0;
    const start = threadCpuMs(path!)!;
    while (threadCpuMs(path!)! - start < 50) for (let i = 0; i < 1e5; i++) x += i;
    assert.ok(x > 0);
    const afterWork = threadCpuMs(path!)!;
    assert.ok(afterWork - before >= 50);
    await new Promise((r) => setTimeout(r, 300));
    // Waiting costs (almost) no CPU: far less than the 300 ms that passed.
    assert.ok(threadCpuMs(path!)! - afterWork < 150);
  });

  it('cannot read a thread that does not exist', () => {
    assert.equal(threadCpuMs('/proc/0/task/0/stat'), null);
  });
});
