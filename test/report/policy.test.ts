// Policy file and baselines through the real CLI: an accepted finding is listed as accepted and passes the gate,
// an expired acceptance fails it, a baseline leaves known findings out, a policy file inside the target is ignored.
import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Report } from '../../src/model/report.js';
import { hostAllowed, parsePolicy } from '../../src/report/policy.js';
import { tempRoot } from '../acquire/tar-fixtures.js';
import { runCli, scratchDirs, type Scratch } from '../cli/run-cli.js';

// High: a region decision with an effect (written for this test).
const REGION = 'const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;\nlet u = "https://a.sample.example";\nif (zone === "Asia/Tehran") u = "https://b.sample.example";\nfetch(u);\n';
// Low: encoded readable text.
const HIDDEN = `module.exports = Buffer.from("${Buffer.from('the quick brown fox jumps over the lazy dog').toString('base64')}", "base64").toString();\n`;

let root: string;
let s: Scratch;
let pkg: string;
let fp: string;
let baselineFile: string;

const cli = (...args: string[]) => runCli(args, s);
const policy = (p: unknown) => writeFile(join(s.home, 'telltale.config.json'), JSON.stringify(p));

before(async () => {
  root = await tempRoot('policy');
  s = await scratchDirs(root);
  pkg = join(root, 'pkg');
  await mkdir(pkg);
  await writeFile(join(pkg, 'package.json'), JSON.stringify({ name: 'pkg', version: '1.0.0' }));
  await writeFile(join(pkg, 'region.js'), REGION);
  const r = await cli('audit', pkg, '--format', 'json', '--quiet');
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout) as Report;
  const high = report.findings.find((f) => f.severity === 'high');
  assert.ok(high, report.findings.map((f) => `${f.ruleId}:${f.severity}`).join());
  fp = high.fingerprint;
  baselineFile = join(root, 'baseline.json');
  await writeFile(baselineFile, r.stdout);
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('accepted findings', () => {
  it('an accepted finding is listed as accepted with its reason and does not fail the gate', async () => {
    await policy({ accept: [{ fingerprint: fp, reason: 'reviewed in SEC-42: routing by region is documented', expires: '2999-12-31' }] });
    const text = await cli('audit', pkg, '--quiet');
    assert.equal(text.code, 0, text.stdout + text.stderr);
    assert.match(text.stdout, /accepted \(1\):\n\s+HIGH .* — accepted until 2999-12-31: reviewed in SEC-42/);
    const json = JSON.parse((await cli('audit', pkg, '--quiet', '--format', 'json')).stdout) as Report;
    const f = json.findings.find((x) => x.fingerprint === fp)!;
    assert.deepEqual(f.accepted, { reason: 'reviewed in SEC-42: routing by region is documented', expires: '2999-12-31' });
    assert.equal(json.policy?.accepted, 1);
    const sarif = JSON.parse((await cli('audit', pkg, '--quiet', '--format', 'sarif')).stdout);
    const r = sarif.runs[0].results.find((x: { partialFingerprints: Record<string, string> }) => x.partialFingerprints['telltale/v1'] === fp);
    assert.equal(r.suppressions[0].status, 'accepted');
    assert.match(r.suppressions[0].justification, /SEC-42/);
  });

  it('an expired acceptance fails the gate, even below --fail-on', async () => {
    await policy({ accept: [{ fingerprint: fp, reason: 'temporary exception', expires: '2001-01-31' }] });
    const r = await cli('audit', pkg, '--quiet', '--fail-on', 'critical');
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, /acceptance EXPIRED on 2001-01-31: .*temporary exception/);
    const sarif = JSON.parse((await cli('audit', pkg, '--quiet', '--format', 'sarif')).stdout);
    assert.ok(sarif.runs[0].results.every((x: { suppressions?: unknown }) => !x.suppressions), 'an expired acceptance is no suppression');
  });

  it('a severity override per kind changes the gate and says so', async () => {
    await policy({ severity: { 'region-targeting': 'low' } });
    const r = await cli('audit', pkg, '--quiet');
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /severity of region-targeting@region\.js:\d+:\d+ set from high to low by the policy file/);
  });

  it('allowed destinations: hosts not on the list are listed', async () => {
    await policy({ allowedDestinations: ['a.sample.example'] });
    const json = JSON.parse((await cli('audit', pkg, '--quiet', '--format', 'json')).stdout) as Report;
    assert.deepEqual(json.policy?.destinations?.notAllowed, ['b.sample.example']);
  });

  it('a mistake in the policy file is one line naming the file and the closest key', async () => {
    await policy({ acept: [] });
    const r = await cli('audit', pkg, '--quiet');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^telltale: .*telltale\.config\.json: unknown key "acept" \(did you mean "accept"\?\)\n$/);
  });

  it('--config names a policy file elsewhere', async () => {
    await rm(join(s.home, 'telltale.config.json'), { force: true });
    const file = join(root, 'team-policy.json');
    await writeFile(file, JSON.stringify({ accept: [{ fingerprint: fp, reason: 'team review', expires: '2999-01-01' }] }));
    assert.equal((await cli('audit', pkg, '--quiet')).code, 1);
    assert.equal((await cli('audit', pkg, '--quiet', '--config', file)).code, 0);
  });
});

describe('a policy file inside the audited target is ignored', () => {
  it('a hostile package that accepts its own finding still fails, with a warning', async () => {
    const evil = join(root, 'evil');
    await mkdir(evil);
    await writeFile(join(evil, 'package.json'), JSON.stringify({ name: 'evil', version: '1.0.0' }));
    await writeFile(join(evil, 'region.js'), REGION);
    await writeFile(join(evil, 'telltale.config.json'), JSON.stringify({ accept: [{ fingerprint: fp, reason: 'trust me', expires: '2999-01-01' }], severity: { 'region-targeting': 'info' } }));
    // Run from inside the package, as `telltale audit .` in a checkout would.
    const r = await runCli(['audit', '.', '--quiet'], { ...s, home: evil });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /ignoring .*evil\/telltale\.config\.json: it is inside the audited target/);
    assert.doesNotMatch(r.stdout, /trust me|accepted/);
    // From outside, the package's file is never looked at.
    await rm(join(s.home, 'telltale.config.json'), { force: true });
    const outside = await cli('audit', evil, '--quiet');
    assert.equal(outside.code, 1);
    assert.equal(outside.stderr, '');
  });
});

describe('--baseline', () => {
  it('reports only findings that are not in the baseline', async () => {
    await rm(join(s.home, 'telltale.config.json'), { force: true });
    const same = await cli('audit', pkg, '--quiet', '--baseline', baselineFile, '--format', 'json');
    assert.equal(same.code, 0, same.stderr);
    const r1 = JSON.parse(same.stdout) as Report;
    assert.equal(r1.findings.length, 0);
    assert.ok((r1.policy?.baseline?.known ?? 0) >= 1);
    await writeFile(join(pkg, 'hidden.js'), HIDDEN);
    try {
      const grown = await cli('audit', pkg, '--quiet', '--baseline', baselineFile, '--format', 'json', '--fail-on', 'low');
      const r2 = JSON.parse(grown.stdout) as Report;
      assert.deepEqual(r2.findings.map((f) => f.location.file), ['hidden.js']);
      assert.equal(grown.code, 1);
      const text = await cli('audit', pkg, '--quiet', '--baseline', baselineFile);
      assert.match(text.stdout, /baseline .*baseline\.json: \d+ findings? already known, not shown; 1 new/);
    } finally {
      await rm(join(pkg, 'hidden.js'));
    }
  });
  it('a file that is not a JSON report is one line', async () => {
    const r = await cli('audit', pkg, '--quiet', '--baseline', join(pkg, 'region.js'));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--baseline .*not JSON/);
  });
});

describe('policy parsing', () => {
  it('checks every entry', () => {
    const ok = parsePolicy(JSON.stringify({ accept: [{ fingerprint: 'a'.repeat(32), reason: 'r', expires: '2030-02-28' }], severity: { 'hidden-data': 'info' }, allowedDestinations: ['*.Example.com'] }), 'p.json');
    assert.equal(ok.accept.length, 1);
    assert.deepEqual(ok.allowedDestinations, ['*.example.com']);
    for (const [bad, msg] of [
      [{ accept: [{ fingerprint: 'zz', reason: 'r', expires: '2030-01-01' }] }, /fingerprint/],
      [{ accept: [{ fingerprint: 'a'.repeat(32), reason: 'r' }] }, /expires must be a date/],
      [{ accept: [{ fingerprint: 'a'.repeat(32), reason: 'r', expires: '2030-02-30' }] }, /expires must be a date/],
      [{ accept: [{ fingerprint: 'a'.repeat(32), reason: ' ', expires: '2030-01-01' }] }, /reason/],
      [{ severity: { 'hidden-dta': 'low' } }, /unknown finding kind "hidden-dta" \(did you mean "hidden-data"\?\)/],
      [{ severity: { 'hidden-data': 'severe' } }, /severity\.hidden-data must be/],
      [{ allowedDestinations: ['https://x.example'] }, /not a host name/],
    ] as const) {
      assert.throws(() => parsePolicy(JSON.stringify(bad), 'p.json'), msg);
    }
  });
  it('hostAllowed matches exact hosts and wildcards', () => {
    assert.ok(hostAllowed('api.example.com', ['api.example.com']));
    assert.ok(hostAllowed('a.b.example.com', ['*.example.com']));
    assert.ok(hostAllowed('example.com', ['*.example.com']));
    assert.ok(!hostAllowed('badexample.com', ['*.example.com']));
    assert.ok(!hostAllowed('api.example.com.evil.test', ['api.example.com']));
  });
});
