// Releases from a packument: version order and publish order, late publications, deprecations, unpublished
// versions, ranges, --since, and integrity from the legacy shasum.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkPackageName, checkRange, selectReleases, type Packument } from '../../src/history/releases.js';
import { UserError } from '../../src/model/errors.js';

const day = (d: number) => new Date(Date.UTC(2026, 0, d)).toISOString();

const PACKUMENT: Packument = {
  name: 'sample-tool',
  versions: {
    '1.0.0': { version: '1.0.0', dist: { integrity: 'sha512-one' } },
    '1.1.0': { version: '1.1.0', dist: { shasum: 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3' } },
    '1.1.1': { version: '1.1.1', dist: { integrity: 'sha512-fix' } },
    '2.0.0': { version: '2.0.0', deprecated: 'use 2.0.1', dist: { integrity: 'sha512-two' } },
    '2.0.1': { version: '2.0.1', dist: { integrity: 'sha512-twoone' } },
    '2.1.0-beta.1': { version: '2.1.0-beta.1', dist: { integrity: 'sha512-beta' } },
  },
  time: {
    created: day(1),
    modified: day(30),
    '1.0.0': day(1),
    '1.1.0': day(2),
    '1.2.0': day(3), // unpublished: in time, not in versions
    '2.0.0': day(4),
    '2.0.1': day(5),
    '1.1.1': day(6), // a fix to the old line, published after 2.0.1
    '2.1.0-beta.1': day(7),
  },
};

describe('selectReleases', () => {
  it('every version: version order, publish ranks, late publication, deprecation, unpublished', () => {
    const l = selectReleases(PACKUMENT, {});
    assert.deepEqual(l.releases.map((r) => r.version), ['1.0.0', '1.1.0', '1.1.1', '2.0.0', '2.0.1', '2.1.0-beta.1']);
    assert.deepEqual(l.releases.map((r) => r.publishRank), [1, 2, 5, 3, 4, 6]);
    assert.deepEqual(l.releases.filter((r) => r.publishedAfter).map((r) => [r.version, r.publishedAfter]), [['1.1.1', '2.0.1']]);
    assert.equal(l.releases.find((r) => r.version === '2.0.0')!.deprecated, 'use 2.0.1');
    assert.deepEqual(l.unpublished, [{ version: '1.2.0', published: day(3) }]);
  });

  it('a range (prereleases only when the range names them) and --since', () => {
    assert.deepEqual(selectReleases(PACKUMENT, { range: '>=1.1.0 <2.1.0' }).releases.map((r) => r.version), ['1.1.0', '1.1.1', '2.0.0', '2.0.1']);
    assert.deepEqual(selectReleases(PACKUMENT, { range: '>=2.1.0-beta.0' }).releases.map((r) => r.version), ['2.1.0-beta.1']);
    assert.deepEqual(selectReleases(PACKUMENT, { since: new Date(day(5)) }).releases.map((r) => r.version), ['1.1.1', '2.0.1', '2.1.0-beta.1']);
    assert.deepEqual(selectReleases(PACKUMENT, { range: '^1' }).unpublished.map((u) => u.version), ['1.2.0']);
  });

  it('integrity: SRI as published, else sha1 from the legacy shasum', () => {
    const l = selectReleases(PACKUMENT, { range: '1.0.0 || 1.1.0' });
    assert.deepEqual(l.releases.map((r) => r.integrity), ['sha512-one', `sha1-${Buffer.from('a94a8fe5ccb19ba61c4c0873d391e987982fbbd3', 'hex').toString('base64')}`]);
  });
});

describe('argument checks', () => {
  it('names with a version and ranges that are not semver are usage errors', () => {
    assert.equal(checkPackageName('@scope/tool'), '@scope/tool');
    assert.throws(() => checkPackageName('tool@1.2.3'), (e: unknown) => e instanceof UserError && /--range/.test(e.message));
    assert.throws(() => checkRange('not a range!'), UserError);
    assert.equal(checkRange('>=2.1.85 <=2.1.112'), '>=2.1.85 <=2.1.112');
  });
});
