// Obfuscation judged against the rest of the package (issue 11): an obfuscated file among readable ones is high;
// a package whose JavaScript is obfuscated throughout (every file, or all of its entry code) is medium, with the
// reason in the message. Both through a real audit of a folder, with javascript-obfuscator output of our sources.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import JavaScriptObfuscator from 'javascript-obfuscator';
import { audit } from '../../src/audit/audit.js';
import { obfuscatedThroughout } from '../../src/audit/obfuscation-judgement.js';
import { tempRoot } from '../acquire/tar-fixtures.js';

const PLAIN_A = `
function clamp(n, lo, hi) { return Math.min(hi, Math.max(lo, n)); }
module.exports = function retries(env) { const n = Number(env.LANTERN_RETRIES || 3); return clamp(n, 0, 10); };`;
const PLAIN_B = `
const UNITS = ["B", "KiB", "MiB", "GiB"];
module.exports = function size(bytes) { let i = 0; let n = bytes; while (n >= 1024 && i < UNITS.length - 1) { n /= 1024; i++; } return n.toFixed(1) + " " + UNITS[i]; };`;
const obfuscate = (src: string, seed: number): string =>
  JavaScriptObfuscator.obfuscate(src, { compact: true, stringArrayEncoding: ['rc4'], stringArrayThreshold: 1, controlFlowFlattening: true, seed }).getObfuscatedCode();

describe('obfuscation judged against the rest of the package', () => {
  let root: string;
  before(async () => {
    root = await tempRoot('obfuscation-judgement');
  });
  after(() => rm(root, { recursive: true, force: true }));

  const auditOf = async (name: string, files: Record<string, string>) => {
    const dir = join(root, name);
    await mkdir(join(dir, 'lib'), { recursive: true });
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: `@lanternworks/${name}`, version: '1.0.0', main: 'index.js' }));
    for (const [f, code] of Object.entries(files)) await writeFile(join(dir, f), code);
    const report = await audit(dir, { offline: true });
    return report.findings.filter((f) => f.ruleId === 'obfuscated-code');
  };

  test('one obfuscated helper in an otherwise readable package: high', async () => {
    const found = await auditOf('mixed', { 'index.js': PLAIN_A, 'lib/size.js': obfuscate(PLAIN_B, 7) });
    assert.deepEqual(found.map((f) => [f.location.file, f.severity, f.policy.row]), [['lib/size.js', 'high', 'heavy-obfuscation']]);
    assert.doesNotMatch(found[0]!.message, /whole package/);
  });

  test('every file obfuscated: medium, the message says there is nothing readable to compare with', async () => {
    const found = await auditOf('throughout', { 'index.js': obfuscate(PLAIN_A, 8), 'lib/size.js': obfuscate(PLAIN_B, 9) });
    assert.deepEqual(found.map((f) => [f.location.file, f.severity, f.policy.row]).sort(), [
      ['index.js', 'medium', 'obfuscated-throughout'],
      ['lib/size.js', 'medium', 'obfuscated-throughout'],
    ]);
    for (const f of found) assert.match(f.message, /the whole package is obfuscated; nothing readable to compare with \(every analysed JavaScript file/i);
  });

  test('all of the entry code obfuscated, a readable helper beside it: medium', async () => {
    const found = await auditOf('entry', { 'index.js': obfuscate(PLAIN_A, 10), 'lib/size.js': PLAIN_B });
    assert.deepEqual(found.map((f) => [f.location.file, f.severity, f.policy.row]), [['index.js', 'medium', 'obfuscated-throughout']]);
    assert.match(found[0]!.message, /all of its entry code/);
  });
});

test('obfuscatedThroughout: the decision table', () => {
  const entries = new Set(['index.js']);
  const cases: [string[], string[], ReturnType<typeof obfuscatedThroughout>][] = [
    [[], ['index.js', 'a.js'], null],
    [['a.js'], ['index.js', 'a.js'], null],
    [['a.js', 'index.js'], ['index.js', 'a.js'], 'every-file'],
    [['index.js'], ['index.js', 'a.js'], 'entry-code'],
    [['a.js'], ['a.js'], 'every-file'],
    [['a.js'], ['a.js', 'b.js'], null],
  ];
  for (const [heavy, analysed, want] of cases) assert.equal(obfuscatedThroughout(new Set(heavy), analysed, entries), want, `${heavy} of ${analysed}`);
});
