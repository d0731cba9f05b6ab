import { ruleTable, sinks } from '../../helpers/rule-table.js';
import rule from '../../../src/analyze/rules/delay-sink.js';

ruleTable({
  rule,
  summarise: sinks,
  valid: ['setTimeout(run);', 'queue.setTimeout(run, ms);', 'while (i < n) { i++; }', 'while (Date.now() < end) { tick(); }', 'db.wait(1);'],
  invalid: [
    { code: 'setTimeout(run, ms);', expect: ['delay setTimeout setTimeout(r'] },
    { code: 'setInterval(poll, 5000);', expect: ['delay setInterval setInterval('] },
    { code: 'Atomics.wait(cell, 0, 0, ms);', expect: ['delay Atomics.wait Atomics.wait'] },
    { code: 'await sleep(ms);', expect: ['delay sleep sleep(ms);'] },
    { code: 'while (Date.now() < end) {}', expect: ['delay busy-wait loop on the clock while (Date.'] },
    { code: 'for (const t0 = performance.now(); performance.now() - t0 < ms; );', expect: ['delay busy-wait loop on the clock for (const t'] },
  ],
});
