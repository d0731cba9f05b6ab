import { test } from 'node:test';
import assert from 'node:assert/strict';
import { probeCommand } from '../../src/probe/command.js';

test('probe --help prints usage and exits 0; after -- it belongs to the tool', async () => {
  let out = '';
  const io = { stdout: (s: string) => void (out += s), stderr: () => {} };
  assert.equal(await probeCommand(['--help'], io), 0);
  assert.match(out, /^telltale probe <npm spec/);
  out = '';
  const code = await probeCommand(['--bogus', '--', '--help'], io);
  assert.equal(code, 2);
  assert.equal(out, '');
});
