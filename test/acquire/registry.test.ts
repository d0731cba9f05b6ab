import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { acquireTarget, defaultCacheDir, fetchPackage } from '../../src/acquire/index.js';
import { UserError } from '../../src/model/errors.js';
import { tempRoot } from './tar-fixtures.js';

const E2E = process.env.TELLTALE_E2E === '1';

describe('defaultCacheDir', () => {
  const saved = { TELLTALE_CACHE: process.env.TELLTALE_CACHE, XDG_CACHE_HOME: process.env.XDG_CACHE_HOME };
  after(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  const cases: [string, { TELLTALE_CACHE?: string; XDG_CACHE_HOME?: string }, () => string][] = [
    ['TELLTALE_CACHE wins', { TELLTALE_CACHE: '/c/t', XDG_CACHE_HOME: '/x' }, () => '/c/t'],
    ['XDG_CACHE_HOME', { XDG_CACHE_HOME: '/x' }, () => '/x/telltale'],
    ['relative XDG_CACHE_HOME is ignored', { XDG_CACHE_HOME: 'rel' }, () => join(homedir(), '.cache', 'telltale')],
    ['home fallback', {}, () => join(homedir(), '.cache', 'telltale')],
  ];
  for (const [name, env, expected] of cases) {
    it(name, () => {
      delete process.env.TELLTALE_CACHE;
      delete process.env.XDG_CACHE_HOME;
      Object.assign(process.env, env);
      assert.equal(defaultCacheDir(), expected());
    });
  }
});

describe('registry fetch without network', () => {
  let cache: string;
  before(async () => {
    cache = await tempRoot('empty-cache');
  });
  after(async () => {
    await rm(cache, { recursive: true, force: true });
  });

  it('offline with an empty cache is a one-line UserError', async () => {
    await assert.rejects(acquireTarget('is-number@7.0.0', { offline: true, cacheDir: cache }), (e: unknown) => {
      assert.ok(e instanceof UserError);
      assert.equal(e.message, 'cannot fetch "is-number@7.0.0": not in the local cache (offline mode)');
      return true;
    });
  });

  it('refuses non-registry specs before contacting anything', async () => {
    await assert.rejects(fetchPackage('git+https://example.invalid/x.git', { cacheDir: cache }), (e: unknown) => e instanceof UserError && /git specs are not supported/.test(e.message));
    await assert.rejects(fetchPackage('file:../x', { cacheDir: cache }), (e: unknown) => e instanceof UserError && /(file|directory) specs are not supported/.test(e.message));
    assert.deepEqual(await readdir(cache), []);
  });
});

// Needs the npm registry: TELLTALE_E2E=1 node --test dist/test/acquire/
describe('registry fetch (TELLTALE_E2E=1)', { skip: !E2E && 'set TELLTALE_E2E=1 to reach the npm registry' }, () => {
  let cache: string;
  before(async () => {
    cache = await tempRoot('cache');
  });
  after(async () => {
    await rm(cache, { recursive: true, force: true });
  });

  it('acquires is-number@7.0.0 with its integrity, then again offline from the cache', async () => {
    const expected = {
      spec: 'is-number@7.0.0',
      kind: 'registry',
      name: 'is-number',
      version: '7.0.0',
      integrity: 'sha512-41Cifkg6e8TylSpdtTpeLVMqvSBEVzTttHvERD741+pnZ8ANv0004MRL43QKPDlK9cGvNp6NZWZUBlbGXYxxng==',
    };
    for (const offline of [false, true]) {
      const t = await acquireTarget('is-number@7.0.0', { cacheDir: cache, offline });
      try {
        assert.deepEqual(t.info, expected);
        assert.deepEqual(t.files.map((f) => f.path), ['LICENSE', 'README.md', 'index.js', 'package.json']);
        assert.match((await t.files.find((f) => f.path === 'index.js')!.read()).toString(), /module\.exports = function\(num\)/);
        assert.deepEqual(t.problems, []);
      } finally {
        await t.dispose();
      }
      assert.equal(existsSync(t.files[0]!.diskPath!), false);
    }
  });

  it('resolves a range to the highest match', async () => {
    const p = await fetchPackage('is-number@^6.0.0', { cacheDir: cache });
    try {
      assert.equal(p.info.version, '6.0.0');
      assert.ok(existsSync(join(p.dir, 'index.js')));
    } finally {
      await p.dispose();
    }
  });

  const failures: [string, string][] = [
    ['is-number@9.9.9', 'cannot fetch "is-number@9.9.9": no matching version'],
    ['telltale-no-such-package-zq9x', 'cannot fetch "telltale-no-such-package-zq9x": no such package in the registry'],
  ];
  for (const [spec, message] of failures) {
    it(`${spec} fails with one line`, async () => {
      await assert.rejects(acquireTarget(spec, { cacheDir: cache }), (e: unknown) => e instanceof UserError && e.message === message);
    });
  }
});
