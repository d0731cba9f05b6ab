// scripts/stress-tests.sh runs the test files whose outcome could depend on machine speed beside a busy loop (issue 8).
// A new test file that starts a sandbox, a worker or a child process, or sets a time limit, must be added there or
// exempted here with the reason; otherwise it would never be stress-run and a flaky time limit in it would go unseen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, sep } from 'node:path';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..');

/** What makes a test's outcome depend on time: limits, sandboxes, workers, child processes, timers on the clock. */
const MARKERS =
  /\b(createSandbox|analyzeJsWithSandbox|evalDecoder|runCli|campaign|LocalPool|AuditService|fileWallMs|probeCommand|Worker|cpuUsage|performance\.now)\b|timeout\s*:|from 'node:(child_process|worker_threads)'/;

/** Test files with a marker that are not stress-run, and why. */
const EXEMPT: Record<string, string> = {
  'test/acquire/folder.test.ts': 'runs mkfifo to make a fixture; no limit or worker',
  'test/analyze/rules/delay-sink.test.ts': 'clock reads appear only in fixture source text',
  'test/mechanisms/obfuscation-score.test.ts': 'runs bun once to minify a fixture, without a time limit',
  'test/probe/args.help.test.ts': 'probeCommand with --help and bad arguments only: nothing is run',
  'test/probe/real-world.test.ts': 'opt-in run of a real tool from the registry (TELLTALE_E2E=1), too long to repeat',
  'test/stress-coverage.test.ts': 'this file: it names the markers',
};

/** Opt-in tests against the registry (TELLTALE_E2E=1): too long to repeat, and skipped by `npm test`. */
const isE2e = (f: string): boolean => f.startsWith('test/e2e/') || f.endsWith('.e2e.test.ts');

function testSources(): string[] {
  return readdirSync(join(root, 'test'), { recursive: true, encoding: 'utf8' })
    .filter((p) => p.endsWith('.test.ts'))
    .map((p) => `test/${p.split(sep).join('/')}`)
    .sort();
}

function stressed(): Set<string> {
  const script = readFileSync(join(root, 'scripts', 'stress-tests.sh'), 'utf8');
  return new Set([...script.matchAll(/^\s*dist\/(test\/\S+)\.test\.js\s*$/gm)].map((m) => `${m[1]}.test.ts`));
}

test('every test file with a time limit, sandbox, worker or child process is in the stress script or exempted', () => {
  const listed = stressed();
  assert.ok(listed.size >= 10, `the stress script's list was not found (${listed.size} files)`);
  const missing = testSources().filter((f) => !isE2e(f) && !listed.has(f) && !(f in EXEMPT) && MARKERS.test(readFileSync(join(root, f), 'utf8')));
  assert.deepEqual(missing, [], 'add these to scripts/stress-tests.sh, or to EXEMPT here with the reason');
});

test('the stress script lists only test files that exist, and none that are exempted', () => {
  const sources = new Set(testSources());
  for (const f of stressed()) {
    assert.ok(sources.has(f), `${f} is in scripts/stress-tests.sh but does not exist`);
    assert.ok(!(f in EXEMPT), `${f} is both stress-run and exempted`);
  }
  for (const f of Object.keys(EXEMPT)) assert.ok(sources.has(f), `${f} is exempted but does not exist`);
});
