import { defineRule } from '../rule.js';
import { span } from '../ast.js';
import type { SinkKind } from '../../flow/facts.js';

const FILE_WRITES = new Set(['writeFile', 'writeFileSync', 'appendFile', 'appendFileSync', 'createWriteStream']);
const CONSOLE_METHODS = new Set(['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'table', 'write']);
const PROCESS_CALLS = new Set(['exec', 'execSync', 'spawn', 'spawnSync', 'execFile', 'execFileSync', 'fork']);

export default defineRule({
  meta: {
    id: 'output-sink',
    category: 'exfiltration',
    description: 'Local outputs: console and terminal writes, files written, child processes started.',
    docs:
      'These are where data goes that is *not* the network: `console.*`, `process.stdout/stderr.write`, fs writes and ' +
      'child processes. They let the mechanisms stage tell a look-alike chosen for display (a terminal fallback) from ' +
      'one that is sent away.',
  },
  create(ctx) {
    return {
      CallExpression(node, ev) {
        const name = ev.name;
        // Decide by the method name first; the dotted callee path is built only for candidates.
        if (name === null || !(CONSOLE_METHODS.has(name) || FILE_WRITES.has(name) || PROCESS_CALLS.has(name))) return;
        const path = ev.path;
        let kind: SinkKind | null = null;
        if (path && /^console\./.test(path)) kind = 'console';
        else if (path && /(^|\.)(stdout|stderr)\.write$/.test(path)) kind = 'console';
        else if (FILE_WRITES.has(name)) kind = 'file';
        else if (PROCESS_CALLS.has(name) && path && /(^|\.)child_process\.|^(exec|execSync|spawn|spawnSync|execFile|execFileSync|fork)$/.test(path)) kind = 'process';
        if (kind === null) return;
        const value = ctx.graph.joinAll(ev.args);
        if (value.length === 0) return;
        ctx.recordSink(kind, span(node), value, path ?? name);
      },
    };
  },
});
