// The SQLite result cache: keyed by integrity, analyzer and options; persistent across opens; migrated from
// older schemas and refusing newer ones.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { CACHE_FILE, CACHE_SCHEMA_VERSION, ResultCache } from '../../src/jobs/cache.js';
import { UserError } from '../../src/model/errors.js';
import { emptyInventory, type Report } from '../../src/model/report.js';
import { tempRoot } from '../acquire/tar-fixtures.js';

function report(version: string): Report {
  return {
    tool: { name: 'telltale', version: '0' },
    target: { spec: `pkg@${version}`, kind: 'registry', name: 'pkg', version, integrity: `sha512-${version}` },
    findings: [],
    inventory: emptyInventory(),
    stats: { files: 1, bytes: 2, ms: 3, limits: [] },
  };
}

describe('ResultCache', () => {
  let root: string;
  before(async () => {
    root = await tempRoot('cache');
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('returns what was put under the same key only, and keeps it across opens', () => {
    const dir = join(root, 'a');
    const key = { integrity: 'sha512-1.0.0', analyzer: '0.1.0+aaa', options: 'platform=linux-x64' };
    const c = ResultCache.open(dir);
    c.put(key, report('1.0.0'), 1234);
    assert.equal(c.get(key)?.report.target.version, '1.0.0');
    assert.equal(c.get(key)?.ms, 1234);
    assert.equal(c.get({ ...key, analyzer: '0.1.0+bbb' }), undefined, 'another analyzer re-audits');
    assert.equal(c.get({ ...key, options: 'platform=darwin-arm64' }), undefined, 'other options re-audit');
    assert.equal(c.get({ ...key, integrity: 'sha512-other' }), undefined);
    c.close();
    const again = ResultCache.open(dir);
    assert.equal(again.get(key)?.report.target.version, '1.0.0');
    assert.equal(again.count('pkg'), 1);
    again.close();
  });

  it('brings an empty (version 0) file to the current schema', () => {
    const dir = join(root, 'b');
    ResultCache.open(dir).close();
    const db = new Database(join(dir, CACHE_FILE));
    assert.equal(db.pragma('user_version', { simple: true }), CACHE_SCHEMA_VERSION);
    const cols = (db.prepare('PRAGMA table_info(results)').all() as { name: string }[]).map((c) => c.name);
    assert.deepEqual(cols, ['integrity', 'analyzer', 'options', 'name', 'version', 'report', 'ms', 'created_at']);
    db.close();
  });

  it('refuses a cache written by a newer schema, in one line, without changing it', () => {
    const dir = join(root, 'c');
    ResultCache.open(dir).close();
    const db = new Database(join(dir, CACHE_FILE));
    db.pragma('user_version = 99');
    db.close();
    assert.throws(() => ResultCache.open(dir), (e: unknown) => e instanceof UserError && /schema version 99/.test(e.message) && !e.message.includes('\n'));
    const check = new Database(join(dir, CACHE_FILE));
    assert.equal(check.pragma('user_version', { simple: true }), 99);
    check.close();
  });

  it('two opens of a new cache at once both succeed', () => {
    const dir = join(root, 'd');
    const a = ResultCache.open(dir);
    const b = ResultCache.open(dir);
    a.put({ integrity: 'i', analyzer: 'a', options: 'o' }, report('2.0.0'), 1);
    assert.equal(b.get({ integrity: 'i', analyzer: 'a', options: 'o' })?.report.target.version, '2.0.0');
    a.close();
    b.close();
  });
});
