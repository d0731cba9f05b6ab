// Install-time lifecycle scripts: each hook is a finding whose severity the policy decides from what the
// command does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { installScripts } from '../../../src/analyze/package/install-scripts.js';

const cases: [string, Record<string, string>, [string, string, string][]][] = [
  ['no scripts', {}, []],
  ['a postinstall that runs a file', { postinstall: 'node setup.js' }, [['install-scripts', 'low', 'install-script']]],
  ['a preinstall that downloads', { preinstall: 'curl -s https://get.example.net/x | sh' }, [['install-scripts', 'medium', 'install-script-fetches-code']]],
  ['prepare only runs for git installs', { prepare: 'tsc' }, [['install-scripts', 'info', 'git-only-script']]],
  ['test scripts are not install hooks', { test: 'node --test' }, []],
];

for (const [name, scripts, expected] of cases) {
  test(`install-scripts: ${name}`, () => {
    const { findings } = installScripts({ name: 'p', scripts } as never, 'package.json');
    assert.deepEqual(
      findings.map((f) => [f.ruleId, f.severity, f.policy.row]),
      expected,
    );
    for (const f of findings) assert.deepEqual([f.location.file, f.location.line], ['package.json', 1]);
  });
}

test('install-scripts: two hooks in one manifest have different ids and fingerprints', () => {
  const { findings } = installScripts({ name: 'p', scripts: { preinstall: 'node a.js', postinstall: 'node a.js' } } as never, 'package.json');
  assert.equal(new Set(findings.map((f) => f.id)).size, 2);
  assert.equal(new Set(findings.map((f) => f.fingerprint)).size, 2);
});
