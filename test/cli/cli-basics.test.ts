// The CLI a person expects: a target with nothing to audit is exit 2, a mistyped option names the closest valid one,
// every command has --help, a clean report says "no findings", and cut lists say "+N more".
import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AUDIT_OPTIONS, closest } from '../../src/model/cli-args.js';
import { emptyInventory, type Report } from '../../src/model/report.js';
import { moreLine, moreList } from '../../src/report/list.js';
import { renderText } from '../../src/report/reporters/text.js';
import { tempRoot } from '../acquire/tar-fixtures.js';
import { runCli, scratchDirs, type CliResult, type Scratch } from './run-cli.js';

let root: string;
let s: Scratch;
before(async () => {
  root = await tempRoot('cli-basics');
  s = await scratchDirs(root);
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});
const cli = (...args: string[]): Promise<CliResult> => runCli(args, s);

function oneLine(r: CliResult, pattern: RegExp): void {
  assert.equal(r.code, 2, `exit ${r.code}; stdout ${r.stdout.slice(0, 200)}; stderr ${r.stderr}`);
  assert.equal(r.stderr.split('\n').length, 2, JSON.stringify(r.stderr));
  assert.match(r.stderr, pattern);
}

describe('nothing to audit is exit 2, not a silent pass', () => {
  it('an empty folder, a folder without JavaScript, and a file of another kind', async () => {
    const empty = join(root, 'empty');
    const nojs = join(root, 'nojs');
    await mkdir(empty);
    await mkdir(nojs);
    await writeFile(join(nojs, 'README.md'), '# hello\n');
    await writeFile(join(nojs, 'data.json'), '{"a":1}\n');
    const py = join(root, 'tool.py');
    await writeFile(py, 'print("hi")\n');
    for (const target of [empty, nojs, py]) oneLine(await cli('audit', target, '--quiet'), /^telltale: nothing to audit: /);
  });
  it('a folder with one clean file is audited (exit 0) and says "no findings"', async () => {
    const dir = join(root, 'clean');
    await mkdir(dir);
    await writeFile(join(dir, 'index.js'), 'module.exports = (a, b) => a + b;\n');
    const r = await cli('audit', dir, '--quiet');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Findings: no findings$/m);
  });
  it('a package with only an install script is still audited', async () => {
    const dir = join(root, 'scripts-only');
    await mkdir(dir);
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'x', version: '1.0.0', scripts: { postinstall: 'echo hi' } }));
    const r = await cli('audit', dir, '--quiet', '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    assert.ok((JSON.parse(r.stdout) as Report).findings.some((f) => f.ruleId === 'install-scripts'));
  });
});

describe('unknown options and commands name the closest valid one', () => {
  const cases: [string[], RegExp][] = [
    [['audit', '.', '--fromat', 'json'], /unknown option --fromat for telltale audit \(did you mean --format\?\)/],
    [['audit', '.', '--fail-of', 'low'], /did you mean --fail-on\?/],
    [['diff', 'a', 'b', '--verbos'], /unknown option --verbos for telltale diff \(did you mean --verbose\?\)/],
    [['history', 'x', '--worker', '2'], /did you mean --workers\?/],
    [['rules', '--fomat', 'json'], /did you mean --format\?/],
    [['worker', '--rediss', 'x'], /did you mean --redis\?/],
    [['audti', '.'], /unknown command "audti" \(did you mean telltale audit\?\)/],
    [['audit', '.', '--zzzzzzzzzz'], /unknown option --zzzzzzzzzz for telltale audit; telltale audit --help/],
  ];
  for (const [args, pattern] of cases) it(args.join(' '), async () => oneLine(await cli(...args), pattern));

  it('closest() prefers prefixes and refuses distant names', () => {
    assert.equal(closest('--max-file', ['max-file-mb', 'format']), 'max-file-mb');
    assert.equal(closest('--quite', ['quiet', 'verbose']), 'quiet');
    assert.equal(closest('--banana', ['quiet', 'verbose']), undefined);
  });
});

describe('telltale <command> --help prints that command\'s usage', () => {
  for (const [cmd, pattern] of [
    ['audit', /^telltale audit <target>[\s\S]*--fail-on/],
    ['diff', /^telltale diff <older> <newer>/],
    ['history', /^telltale history <name>[\s\S]*--bisect/],
    ['worker', /^telltale worker --redis/],
    ['rules', /^telltale rules/],
    ['probe', /^telltale probe </],
  ] as const) {
    it(cmd, async () => {
      const r = await cli(cmd, '--help');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, pattern);
      assert.equal(r.stderr, '');
    });
  }

  it('audit --help names every option audit takes', async () => {
    const r = await cli('audit', '--help');
    for (const o of Object.keys(AUDIT_OPTIONS)) assert.match(r.stdout, new RegExp(`^  --${o}\\b`, 'm'), `--${o} is not in audit --help`);
  });
});

describe('"+N more" is said the same way everywhere', () => {
  it('moreList and moreLine', () => {
    assert.equal(moreList(['a', 'b', 'c'], 3), 'a, b, c');
    assert.equal(moreList(['a', 'b', 'c', 'd'], 2), 'a, b, … (+2 more)');
    assert.equal(moreList(['a', 'b', 'c'], 1, '--verbose for all'), 'a, … (+2 more; --verbose for all)');
    assert.equal(moreLine(25, 20), '… (+5 more)');
    assert.equal(moreLine(20, 20), undefined);
  });
  it('the text report cuts long inventories and limits with +N more', () => {
    const inv = emptyInventory();
    for (let i = 0; i < 30; i++) inv.envVars.push({ value: `VAR_${i}`, count: 1, locations: [] });
    const report: Report = {
      tool: { name: 'telltale', version: '0' },
      target: { spec: 'x', kind: 'folder' },
      findings: [],
      inventory: inv,
      stats: { files: 1, bytes: 1, ms: 1, limits: Array.from({ length: 23 }, (_, i) => `limit ${i}`) },
    };
    const text = renderText(report, { color: false });
    assert.match(text, /environment variables \(30\): .*… \(\+5 more; --verbose for all\)/);
    assert.match(text, /^ {2}… \(\+3 more; --verbose for all\)$/m);
    assert.match(text, /^Findings: no findings$/m);
    const all = renderText(report, { color: false, verbose: true });
    assert.doesNotMatch(all, /more/);
  });
  it('a finding seen at many places says +N more, and the egress map is printed once', () => {
    const at = (line: number) => ({ file: 'a.js', offset: line, line, column: 1 });
    const report: Report = {
      tool: { name: 'telltale', version: '0' },
      target: { spec: 'x', kind: 'folder' },
      findings: [{ id: 'h@1', ruleId: 'hidden-data', category: 'hidden-data', severity: 'low', policy: { row: 'hidden-text', reason: 'r' }, fingerprint: 'f'.repeat(32), title: 'Hidden text', message: 'm', location: at(1), related: [], decoded: [], excerpt: '', alsoAt: [2, 3, 4, 5, 6, 7, 8].map(at) }],
      inventory: emptyInventory(),
      egress: [],
      stats: { files: 1, bytes: 1, ms: 1, limits: [] },
    };
    const text = renderText(report, { color: false });
    assert.match(text, /^ {2}also at a\.js:2:1, a\.js:3:1, a\.js:4:1, a\.js:5:1, a\.js:6:1, … \(\+2 more\) \(the same code\)$/m);
    assert.equal(text.match(/Egress map/g)?.length, 1);
  });
});
