import { defineRule, oneOf } from '../rule.js';
import { span } from '../ast.js';
import type { SinkKind } from '../../flow/facts.js';

const FILE_WRITES = new Set(['writeFile', 'writeFileSync', 'appendFile', 'appendFileSync', 'createWriteStream']);
/** Deletes and overwrites: distinctive names count alone, generic ones (`rm`, `rename`) only on a file-system module. */
const FILE_DELETES = new Set(['unlink', 'unlinkSync', 'rmSync', 'rmdir', 'rmdirSync', 'truncateSync', 'renameSync', 'copyFileSync']);
const FS_GENERIC = new Set(['rm', 'rename', 'truncate', 'copyFile', 'remove', 'removeSync', 'emptyDir', 'emptyDirSync', 'outputFile', 'outputFileSync']);
const FS_MODULE = /(^|\.)(fs|fsp|fs\/promises|promises|fse|fs-extra|fsExtra|rimraf)$/;
const CONSOLE_METHODS = new Set(['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'table', 'write']);
const PROCESS_CALLS = new Set(['exec', 'execSync', 'spawn', 'spawnSync', 'execFile', 'execFileSync', 'fork']);
/** The module called directly, or by the names it is usually bound to (`const cp = require('child_process')`). */
const CHILD_PROCESS_CALL = /(^|\.)(child_process|childProcess|child_?proc|cp)\.[a-zA-Z]+$|^(exec|execSync|spawn|spawnSync|execFile|execFileSync|fork)$/;
const EXIT_CALLS = new Set(['exit', 'abort', 'reallyExit']);

export default defineRule({
  meta: {
    id: 'output-sink',
    category: 'exfiltration',
    description: 'Local effects: console and terminal writes, files written or deleted, child processes started or killed, the process ended.',
    docs:
      'These are where data goes, or what the code changes, that is *not* the network: `console.*`, ' +
      '`process.stdout/stderr.write` (also with constant text: a message printed on one branch is an effect of the ' +
      'decision), fs writes, deletes and renames (`writeFile`, `unlink`, `rm`, `rmdir`, fs-extra `remove`…), child ' +
      'processes (`exec`, `spawn`, `fork`…), `process.kill` / `child.kill`, and `process.exit` / `process.abort`. They let ' +
      'the mechanisms stage tell a look-alike chosen for display (a terminal fallback) from one that is sent away, and ' +
      'report a region decision whose effect stays on the machine.',
  },
  create(ctx) {
    return {
      only: { CallExpression: { names: oneOf(CONSOLE_METHODS, FILE_WRITES, FILE_DELETES, FS_GENERIC, PROCESS_CALLS, EXIT_CALLS, ['kill']) } },
      CallExpression(node, ev) {
        const name = ev.name;
        // Decide by the method name first; the dotted callee path is built only for candidates.
        if (name === null) return;
        const candidate =
          CONSOLE_METHODS.has(name) || FILE_WRITES.has(name) || FILE_DELETES.has(name) || FS_GENERIC.has(name) || PROCESS_CALLS.has(name) || EXIT_CALLS.has(name) || name === 'kill';
        if (!candidate) return;
        const path = ev.path;
        let kind: SinkKind | null = null;
        if (path && /^console\./.test(path)) kind = 'console';
        else if (path && /(^|\.)(stdout|stderr)\.write$/.test(path)) kind = 'console';
        else if (FILE_WRITES.has(name) || FILE_DELETES.has(name)) kind = 'file';
        else if (FS_GENERIC.has(name) && path && FS_MODULE.test(path.slice(0, path.lastIndexOf('.')))) kind = 'file';
        else if (PROCESS_CALLS.has(name) && path && CHILD_PROCESS_CALL.test(path)) kind = 'process';
        else if (name === 'kill' && path && path.includes('.')) kind = 'process';
        else if (EXIT_CALLS.has(name) && path && /^(globalThis\.)?process\.(exit|abort|reallyExit)$/.test(path)) kind = 'exit';
        if (kind === null) return;
        const value = ctx.graph.joinAll(ev.args);
        // Constant text, `process.exit()`: the effect still happens; what decides it is the branch it is on.
        ctx.recordSink(kind, span(node), value, path ?? name);
      },
    };
  },
});
