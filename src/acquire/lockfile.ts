// A project's lockfile read as text (never any code of the project): every resolved package with its version and
// integrity, so each can be audited on its own. package-lock.json / npm-shrinkwrap.json (v2/v3 `packages` map) here;
// pnpm-lock.yaml, yarn.lock (Yarn 1 and 2+) and bun.lock in lockfiles/. Hostile input: a size cap, data-only
// parsers, names and versions checked before they become a registry spec, and one-line errors on anything malformed.
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../model/errors.js';
import { parseBunLock } from './lockfiles/bun.js';
import { parsePnpmLock } from './lockfiles/pnpm.js';
import { PACKAGE_NAME as NAME, PackageSet, type LockedPackage } from './lockfiles/types.js';
import { parseYarnLock } from './lockfiles/yarn.js';

export type { LockedPackage } from './lockfiles/types.js';

/** In the order they are looked for: npm's (shrinkwrap first, as npm reads it), then pnpm's, Yarn's and Bun's. */
export const LOCKFILE_NAMES = ['npm-shrinkwrap.json', 'package-lock.json', 'pnpm-lock.yaml', 'yarn.lock', 'bun.lock'] as const;
/** A lockfile larger than this is refused (the largest real ones are a few tens of MB). */
export const MAX_LOCKFILE_BYTES = 64 * 1024 * 1024;
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** The lockfile a folder has, if any (the first of LOCKFILE_NAMES). */
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
  const out = new PackageSet();
  for (const [key, raw] of Object.entries(packages as Record<string, unknown>)) {
    if (key === '' || typeof raw !== 'object' || raw === null) continue; // the root project
    const e = raw as Record<string, unknown>;
    if (e.link === true) continue; // a workspace or file: link, not a resolved package
    const name = str(e.name) ?? nameFromKey(key);
    const version = str(e.version);
    if (!name || !NAME.test(name) || !version) continue;
    const integrity = str(e.integrity);
    const resolved = str(e.resolved);
    // The same release at two places: it is a production dependency if either place is.
    out.add({ name, version, dev: e.dev === true || e.devOptional === true, optional: e.optional === true, ...(integrity ? { integrity } : {}), ...(resolved ? { resolved } : {}) });
  }
  return out.list();
}

/** The project's package.json next to a yarn.lock, which says what is a production dependency (undefined if none). */
function siblingManifest(file: string): unknown {
  const path = join(dirname(file), 'package.json');
  try {
    if (statSync(path).size > MAX_MANIFEST_BYTES) return undefined;
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** Parses a lockfile's text by its file name. */
export function parseLockfile(text: string, file: string, manifest?: unknown): LockedPackage[] {
  switch (basename(file)) {
    case 'pnpm-lock.yaml':
      return parsePnpmLock(text, file);
    case 'yarn.lock':
      return parseYarnLock(text, file, manifest);
    case 'bun.lock':
      return parseBunLock(text, file);
    default:
      return parsePackageLock(text, file);
  }
}

export function readLockfile(file: string): LockedPackage[] {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (e) {
    throw new UserError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (size > MAX_LOCKFILE_BYTES) throw new UserError(`lockfile ${file} is larger than ${MAX_LOCKFILE_BYTES / 1024 / 1024} MB; refusing to read it`);
  return parseLockfile(readFileSync(file, 'utf8'), file, basename(file) === 'yarn.lock' ? siblingManifest(file) : undefined);
}
