#!/usr/bin/env node
// The executable: runs the CLI and turns every error into one line and exit code 2.
import { main } from '../cli.js';
import { UserError } from '../model/errors.js';

function oneLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0]!.slice(0, 400);
}

// A reader that stops early (`telltale audit x | head`) closes the pipe: the report is no longer wanted, which is
// not an error worth a stack trace. Anything else that stops the report from being written is exit code 2.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') return;
  process.stderr.write(`telltale: cannot write the report: ${oneLine(e)}\n`);
  process.exitCode = 2;
});

main(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  isTTY: Boolean(process.stderr.isTTY),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    if (e instanceof UserError) process.stderr.write(`telltale: ${oneLine(e)}\n`);
    else process.stderr.write(`telltale: internal error: ${oneLine(e)}${process.env.TELLTALE_DEBUG ? '\n' + (e as Error)?.stack : ''}\n`);
    process.exitCode = 2;
  },
);
