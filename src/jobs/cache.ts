// The result cache: one SQLite file (`results.sqlite` in the --cache folder) holding every finished audit, keyed by
// what determines the report: the tarball's integrity, the analyzer's version and the options that change the
// report. A result is written as soon as its audit finishes, so a run that is interrupted loses only the audits
// in progress, and the next run starts where it stopped. The schema and its versions: docs/history.md.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { UserError } from '../model/errors.js';
import type { Report } from '../model/report.js';

export interface CacheKey {
  /** SRI of the tarball (`sha512-…`). */
  integrity: string;
  /** `analyzerVersion()` of the code that produced the report. */
  analyzer: string;
  /** `jobOptions()`: the options that change the report. */
  options: string;
}

export interface CachedResult {
  report: Report;
  /** How long the audit took when it ran. */
  ms: number;
  createdAt: string;
}

export const CACHE_FILE = 'results.sqlite';

/**
 * Migrations, in order: entry i takes the schema from version i to i + 1 (`PRAGMA user_version`). A new schema
 * appends an entry; existing entries never change, so every older cache can be brought up to date.
 */
const MIGRATIONS: readonly ((db: Database.Database) => void)[] = [
  (db) =>
    db.exec(`
      CREATE TABLE results (
        integrity  TEXT NOT NULL,
        analyzer   TEXT NOT NULL,
        options    TEXT NOT NULL,
        name       TEXT NOT NULL,
        version    TEXT NOT NULL,
        report     TEXT NOT NULL,
        ms         INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (integrity, analyzer, options)
      );
      CREATE INDEX results_by_package ON results (name, version);
    `),
];

export const CACHE_SCHEMA_VERSION = MIGRATIONS.length;

export class ResultCache {
  private readonly getStmt: Database.Statement<[string, string, string], { report: string; ms: number; created_at: string }>;
  private readonly putStmt: Database.Statement<[string, string, string, string, string, string, number, string]>;

  private constructor(
    private readonly db: Database.Database,
    readonly path: string,
  ) {
    this.getStmt = db.prepare('SELECT report, ms, created_at FROM results WHERE integrity = ? AND analyzer = ? AND options = ?');
    this.putStmt = db.prepare(
      'INSERT OR REPLACE INTO results (integrity, analyzer, options, name, version, report, ms, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
  }

  /** Opens (creating or migrating) the cache in `dir`. A cache written by a newer telltale is refused, not altered. */
  static open(dir: string): ResultCache {
    const path = join(dir, CACHE_FILE);
    let db: Database.Database;
    try {
      mkdirSync(dir, { recursive: true });
      db = new Database(path, { timeout: 10_000 });
      // WAL: readers (another history run, a test watching progress) do not block the writer; a committed result
      // survives the process being killed.
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    } catch (e) {
      throw new UserError(`cannot open the result cache ${path}: ${(e as Error).message}`);
    }
    try {
      migrate(db, path);
    } catch (e) {
      db.close();
      throw e;
    }
    return new ResultCache(db, path);
  }

  get(key: CacheKey): CachedResult | undefined {
    const row = this.getStmt.get(key.integrity, key.analyzer, key.options);
    if (!row) return undefined;
    try {
      return { report: JSON.parse(row.report) as Report, ms: row.ms, createdAt: row.created_at };
    } catch {
      return undefined; // a damaged row is audited again and overwritten
    }
  }

  put(key: CacheKey, report: Report, ms: number): void {
    const name = report.target.name ?? report.target.spec;
    this.putStmt.run(key.integrity, key.analyzer, key.options, name, report.target.version ?? '', JSON.stringify(report), ms, new Date().toISOString());
  }

  /** Number of cached results, optionally for one package name. */
  count(name?: string): number {
    const row = (name === undefined
      ? this.db.prepare('SELECT count(*) AS n FROM results').get()
      : this.db.prepare('SELECT count(*) AS n FROM results WHERE name = ?').get(name)) as { n: number };
    return row.n;
  }

  close(): void {
    this.db.close();
  }
}

function migrate(db: Database.Database, path: string): void {
  // Read and migrate in one write transaction: two runs opening a new cache at once must not both create it.
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > CACHE_SCHEMA_VERSION) {
      throw new UserError(`the result cache ${path} has schema version ${current}, newer than this telltale's ${CACHE_SCHEMA_VERSION}; use another --cache folder`);
    }
    for (let v = current; v < CACHE_SCHEMA_VERSION; v++) {
      MIGRATIONS[v]!(db);
      db.pragma(`user_version = ${v + 1}`);
    }
  }).immediate();
}
