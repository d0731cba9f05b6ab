// A project's lockfile read as text (never any code of the project): every resolved package with its version and
// integrity, so each can be audited on its own. package-lock.json / npm-shrinkwrap.json (v2/v3 `packages` map).
// Hostile input: a size cap, and one-line errors on anything malformed.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../model/errors.js';

export interface LockedPackage {
  name: string;
  version: string;
  integrity?: string;
  resolved?: string;
  dev: boolean;
  optional: boolean;
}

export const LOCKFILE_NAMES = ['npm-shrinkwrap.json', 'package-lock.json'] as const;
/** A lockfile larger than this is refused (the largest real ones are a few tens of MB). */
export const MAX_LOCKFILE_BYTES = 64 * 1024 * 1024;
const NAME = /^(?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i;

/** The lockfile a folder has, if any (shrinkwrap first, as npm reads it). */
export function findLockfile(dir: string): string | undefined {
  for (const n of LOCKFILE_NAMES) {
    try {
      if (statSync(join(dir, n)).isFile()) return join(dir, n);
    } catch {
      // absent
    }
  }
  return undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 && v.length < 4096 ? v : undefined;
}

/** The name a `node_modules/…` key ends with: `node_modules/a/node_modules/@s/b` → `@s/b`. */
export function nameFromKey(key: string): string | undefined {
  const i = key.lastIndexOf('node_modules/');
  if (i < 0) return undefined;
  const n = key.slice(i + 'node_modules/'.length);
  return NAME.test(n) ? n : undefined;
}

export function parsePackageLock(text: string, file: string): LockedPackage[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UserError(`malformed lockfile ${file}: ${(e as Error).message.split('\n')[0]}`);
  }
  const packages = (data as { packages?: unknown } | null)?.packages;
  if (typeof packages !== 'object' || packages === null || Array.isArray(packages)) {
    throw new UserError(`unsupported lockfile ${file}: no "packages" map (lockfileVersion 2 or 3 is needed; run npm install with npm 7 or later)`);
  }
  const out = new Map<string, LockedPackage>();
  for (const [key, raw] of Object.entries(packages as Record<string, unknown>)) {
    if (key === '' || typeof raw !== 'object' || raw === null) continue; // the root project
    const e = raw as Record<string, unknown>;
    if (e.link === true) continue; // a workspace or file: link, not a resolved package
    const name = str(e.name) ?? nameFromKey(key);
    const version = str(e.version);
    if (!name || !NAME.test(name) || !version) continue;
    const integrity = str(e.integrity);
    const resolved = str(e.resolved);
    const p: LockedPackage = { name, version, dev: e.dev === true || e.devOptional === true, optional: e.optional === true, ...(integrity ? { integrity } : {}), ...(resolved ? { resolved } : {}) };
    const id = `${name}@${version}`;
    const seen = out.get(id);
    // The same release at two places: it is a production dependency if either place is.
    if (seen) seen.dev = seen.dev && p.dev;
    else out.set(id, p);
  }
  return [...out.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function readLockfile(file: string): LockedPackage[] {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (e) {
    throw new UserError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (size > MAX_LOCKFILE_BYTES) throw new UserError(`lockfile ${file} is larger than ${MAX_LOCKFILE_BYTES / 1024 / 1024} MB; refusing to read it`);
  return parsePackageLock(readFileSync(file, 'utf8'), file);
}
