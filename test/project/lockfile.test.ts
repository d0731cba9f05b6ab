// package-lock.json read as text (hostile input) into the packages it resolves. The project audit through the CLI
// is in project-audit.test.ts (one registry and one result cache for every lockfile kind).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nameFromKey, parsePackageLock } from '../../src/acquire/lockfile.js';
import { UserError } from '../../src/model/errors.js';

describe('package-lock.json', () => {
  it('lists resolved packages, skipping the root and links, with dev and optional', () => {
    const text = JSON.stringify({
      lockfileVersion: 3,
      packages: {
        '': { name: 'app', version: '1.0.0' },
        'node_modules/a': { version: '1.0.0', resolved: 'https://r/a.tgz', integrity: 'sha512-x' },
        'node_modules/a/node_modules/@s/b': { version: '2.0.0', dev: true },
        'node_modules/c': { version: '3.0.0', optional: true },
        'node_modules/ws': { resolved: 'packages/ws', link: true },
        'node_modules/../evil': { version: '1.0.0' },
      },
    });
    assert.deepEqual(parsePackageLock(text, 'x'), [
      { name: '@s/b', version: '2.0.0', dev: true, optional: false },
      { name: 'a', version: '1.0.0', dev: false, optional: false, integrity: 'sha512-x', resolved: 'https://r/a.tgz' },
      { name: 'c', version: '3.0.0', dev: false, optional: true },
    ]);
    assert.equal(nameFromKey('node_modules/x/node_modules/@a/b'), '@a/b');
  });
  it('refuses malformed and v1 lockfiles with a one-line error', () => {
    assert.throws(() => parsePackageLock('{"packages": ', 'lock'), (e: Error) => e instanceof UserError && /^malformed lockfile lock/.test(e.message) && !e.message.includes('\n'));
    assert.throws(() => parsePackageLock('{"lockfileVersion":1,"dependencies":{}}', 'lock'), /no "packages" map/);
  });
});
