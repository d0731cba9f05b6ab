// A project audit applies the policy file, --baseline and --allow-incomplete to each package exactly as a package
// audit does: an accepted finding passes the gate and is listed with its reason, an expired acceptance fails it
// whatever --fail-on says, a baseline leaves out what is known, and an entry that could not be analysed fails the
// gate unless --allow-incomplete. A policy file shipped inside a dependency is never read.
import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempRoot } from '../acquire/tar-fixtures.js';
import { HANG_GUARD_MS, runCli, scratchDirs, type CliResult, type Scratch } from '../cli/run-cli.js';
import { startFakeRegistry, type FakeRegistry } from '../helpers/fake-registry.js';
import { sarifErrors } from '../helpers/sarif-schema.js';
import { CLEAN, REGION } from '../history/fixtures.js';

interface Out {
  gate: { failed: boolean };
  policy?: { accepted: number; expired: { package: string; fingerprint: string }[]; unused: string[]; baseline?: { known: number; new: number } };
  packages: { name: string; status: string; worst: string | null; failed: boolean; findings: { ruleId: string; severity: string; fingerprint: string; accepted?: { reason: string; expired?: boolean } }[] }[];
}

// The package's own policy: it would make its region targeting info, and accept everything it could name.
const OWN_POLICY = JSON.stringify({ severity: { 'region-targeting': 'info', 'incomplete-analysis': 'info' } });

describe('telltale audit <project>: policy, baseline and --allow-incomplete', () => {
  let root: string;
  let s: Scratch;
  let registry: FakeRegistry;
  let project: string;
  let first: Out;
  let firstFile: string;
  let geoFp: string;
  before(async () => {
    root = await tempRoot('project-policy');
    s = await scratchDirs(root);
    registry = await startFakeRegistry({
      'tt-a': [{ version: '1.0.0', files: { 'lib/index.js': CLEAN } }],
      'tt-b': [{ version: '1.0.0', files: { 'lib/index.js': CLEAN } }],
      'tt-c': [{ version: '1.0.0', files: { 'lib/index.js': CLEAN } }],
      'tt-geo': [{ version: '1.0.0', files: { 'lib/index.js': REGION, 'telltale.config.json': OWN_POLICY } }],
      'tt-broken': [{ version: '1.0.0', files: { 'package.json': JSON.stringify({ name: 'tt-broken', version: '1.0.0', main: 'lib/main.js' }), 'lib/main.js': 'export function run( {\n', 'lib/other.js': CLEAN } }],
    });
    project = join(root, 'app');
    await mkdir(join(project, 'node_modules', 'tt-geo'), { recursive: true });
    const packages: Record<string, unknown> = { '': { name: 'app', version: '1.0.0' } };
    for (const n of ['tt-a', 'tt-b', 'tt-c', 'tt-geo', 'tt-broken']) packages[`node_modules/${n}`] = { version: '1.0.0', resolved: `${registry.url}/${n}/-/${n}-1.0.0.tgz`, integrity: registry.integrity(n, '1.0.0') };
    await writeFile(join(project, 'package-lock.json'), JSON.stringify({ name: 'app', lockfileVersion: 3, packages }));
    // As installed: the dependency's own policy file sits in node_modules.
    await writeFile(join(project, 'node_modules', 'tt-geo', 'telltale.config.json'), OWN_POLICY);
    const r = await cli(s.home, 'audit', project, '--format', 'json');
    assert.equal(r.code, 1, r.stderr);
    first = JSON.parse(r.stdout) as Out;
    firstFile = join(root, 'first.json');
    await writeFile(firstFile, r.stdout);
    geoFp = first.packages.find((p) => p.name === 'tt-geo')!.findings.find((f) => f.severity === 'high')!.fingerprint;
  });
  after(async () => {
    await registry?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });
  const cli = (cwd: string, ...args: string[]): Promise<CliResult> => runCli(args, s, HANG_GUARD_MS, { npm_config_registry: registry.url }, cwd);
  const pkg = (o: Out, name: string) => o.packages.find((p) => p.name === name)!;
  async function policyDir(name: string, policy: unknown): Promise<string> {
    const dir = join(root, name);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'telltale.config.json'), JSON.stringify(policy));
    return dir;
  }

  it('without a policy: both packages fail the gate; the policy file inside the dependency was not read', () => {
    assert.equal(pkg(first, 'tt-geo').worst, 'high');
    assert.equal(pkg(first, 'tt-geo').failed, true);
    assert.ok(pkg(first, 'tt-broken').findings.some((f) => f.ruleId === 'incomplete-analysis' && f.severity === 'high'));
    assert.equal(pkg(first, 'tt-broken').failed, true);
    assert.equal(first.policy, undefined);
  });

  it('--allow-incomplete: the package that could not be analysed no longer fails the gate, the other still does', async () => {
    const r = await cli(s.home, 'audit', project, '--format', 'json', '--allow-incomplete');
    assert.equal(r.code, 1, r.stderr);
    const o = JSON.parse(r.stdout) as Out;
    assert.deepEqual([pkg(o, 'tt-broken').failed, pkg(o, 'tt-geo').failed], [false, true]);
  });

  it('the project\'s own policy file: an accepted finding passes, is still listed with its reason; unused acceptances are listed', async () => {
    await writeFile(join(project, 'telltale.config.json'), JSON.stringify({ accept: [{ fingerprint: geoFp, reason: 'SEC-7 reviewed', expires: '2999-12-31' }, { fingerprint: 'f'.repeat(32), reason: 'old', expires: '2999-12-31' }] }));
    try {
      const r = await cli(project, 'audit', '.', '--format', 'json', '--allow-incomplete');
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const o = JSON.parse(r.stdout) as Out;
      const geo = pkg(o, 'tt-geo');
      assert.equal(geo.failed, false);
      assert.equal(geo.worst, null);
      assert.deepEqual(geo.findings.find((f) => f.fingerprint === geoFp)!.accepted, { reason: 'SEC-7 reviewed', expires: '2999-12-31' });
      assert.equal(o.policy!.accepted, 1);
      assert.deepEqual(o.policy!.unused, ['f'.repeat(32)]);
      const text = await cli(project, 'audit', '.', '--allow-incomplete');
      assert.equal(text.code, 0);
      assert.match(text.stdout, /tt-geo@1\.0\.0: \[high\] .* accepted until 2999-12-31: SEC-7 reviewed/);
      assert.match(text.stdout, /gate: passed/);
      // In SARIF the accepted finding is a suppressed result, with the reason code scanning shows.
      const sarif = await cli(project, 'audit', '.', '--format', 'sarif', '--allow-incomplete');
      assert.equal(sarif.code, 0, sarif.stderr);
      const log = JSON.parse(sarif.stdout) as { runs: { results: { partialFingerprints: Record<string, string>; suppressions?: { status: string; justification: string }[] }[] }[] };
      assert.deepEqual(sarifErrors(log), []);
      const accepted = log.runs[0]!.results.find((x) => x.partialFingerprints['telltale/v1'] === geoFp)!;
      assert.deepEqual(accepted.suppressions?.map((x) => [x.status, x.justification]), [['accepted', 'SEC-7 reviewed (accepted until 2999-12-31)']]);
    } finally {
      await rm(join(project, 'telltale.config.json'));
    }
  });

  it('an expired acceptance fails the gate whatever --fail-on says', async () => {
    const dir = await policyDir('expired', { accept: [{ fingerprint: geoFp, reason: 'SEC-7 reviewed', expires: '2020-01-31' }] });
    const r = await cli(dir, 'audit', project, '--format', 'json', '--allow-incomplete', '--fail-on', 'critical');
    assert.equal(r.code, 1, r.stderr);
    const o = JSON.parse(r.stdout) as Out;
    assert.deepEqual(o.policy!.expired.map((e) => [e.package, e.fingerprint]), [['tt-geo@1.0.0', geoFp]]);
    assert.equal(pkg(o, 'tt-geo').failed, true);
    const text = await cli(dir, 'audit', project, '--allow-incomplete', '--fail-on', 'critical');
    assert.match(text.stdout, /acceptance EXPIRED on 2020-01-31: tt-geo@1\.0\.0/);
  });

  it('severity per kind from --config applies to every package', async () => {
    const dir = await policyDir('override', { severity: { 'region-targeting': 'low', 'incomplete-analysis': 'medium' } });
    const r = await cli(s.home, 'audit', project, '--format', 'json', '--config', join(dir, 'telltale.config.json'));
    assert.equal(r.code, 0, r.stdout);
    assert.equal(pkg(JSON.parse(r.stdout) as Out, 'tt-geo').worst, 'low');
  });

  it('--baseline: an earlier project report leaves out what it knew, per package; a package report is refused', async () => {
    const r = await cli(s.home, 'audit', project, '--format', 'json', '--baseline', firstFile);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const o = JSON.parse(r.stdout) as Out;
    const known = first.packages.reduce((n, p) => n + p.findings.length, 0);
    assert.deepEqual(o.policy!.baseline && [o.policy!.baseline.known, o.policy!.baseline.new], [known, 0]);
    assert.ok(o.packages.every((p) => p.findings.length === 0));
    const single = join(root, 'single.json');
    await writeFile(single, JSON.stringify({ findings: [] }));
    const bad = await cli(s.home, 'audit', project, '--baseline', single);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr.trim(), /^telltale: --baseline .* is a package report; a project audit takes an earlier project report/);
  });

  it('run from inside a dependency, that dependency\'s policy file is ignored with a warning', async () => {
    const r = await cli(join(project, 'node_modules', 'tt-geo'), 'audit', project, '--format', 'json', '--allow-incomplete');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /ignoring .*telltale\.config\.json: it is inside the audited target/);
    assert.equal(pkg(JSON.parse(r.stdout) as Out, 'tt-geo').worst, 'high');
  });
});
