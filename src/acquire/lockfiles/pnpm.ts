// pnpm-lock.yaml, lockfile versions 5.x, 6.x and 9.x, read as data (YAML without custom tags; aliases capped).
// 5 and 6 mark development-only packages (`dev: true`); 9 does not, so there the packages the importers' production
// dependencies reach through `snapshots` are production and the rest development.
import { parse } from 'yaml';
import { UserError } from '../../model/errors.js';
import { isObject, PackageSet, reachable, registryRelease, str, type LockedPackage } from './types.js';

/** `/@s/b@1.0.0(peer@2.0.0)`, `a@1.0.0`, `/a/1.0.0_peer@2` → name and version (peer suffixes dropped). */
export function pnpmKey(key: string): { name: string; version: string } | undefined {
  let k = key.startsWith('/') ? key.slice(1) : key;
  const paren = k.indexOf('(');
  if (paren > 0) k = k.slice(0, paren);
  const at = k.lastIndexOf('@');
  if (at > 0) {
    const name = k.slice(0, at);
    const version = k.slice(at + 1);
    if (registryRelease(name, version)) return { name, version };
  }
  // lockfile 5: /name/version, with peers after an underscore
  const slash = k.lastIndexOf('/');
  if (slash > 0) {
    const name = k.slice(0, slash);
    const version = k.slice(slash + 1).split('_')[0]!;
    if (registryRelease(name, version)) return { name, version };
  }
  return undefined;
}

/** The snapshot id a dependency entry points at: `c: 3.0.0(peer@1)` → `c@3.0.0(peer@1)`; an alias names its package. */
function snapshotId(name: string, version: string): string | undefined {
  if (/^(link|file|workspace):/.test(version)) return undefined;
  const at = version.indexOf('@', 1);
  const paren = version.indexOf('(');
  return at > 0 && (paren < 0 || at < paren) ? version : `${name}@${version}`;
}

function depIds(entry: unknown, fields: string[]): string[] {
  const out: string[] = [];
  if (!isObject(entry)) return out;
  for (const f of fields) {
    const deps = entry[f];
    if (!isObject(deps)) continue;
    for (const [name, v] of Object.entries(deps)) {
      const version = typeof v === 'string' ? v : isObject(v) ? str(v.version) : undefined;
      const id = version ? snapshotId(name, version) : undefined;
      if (id) out.push(id);
    }
  }
  return out;
}

const PROD = ['dependencies', 'optionalDependencies'];

export function parsePnpmLock(text: string, file: string): LockedPackage[] {
  let data: unknown;
  try {
    data = parse(text, { maxAliasCount: 1000, prettyErrors: false, customTags: [], uniqueKeys: false });
  } catch (e) {
    throw new UserError(`malformed lockfile ${file}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!isObject(data)) throw new UserError(`malformed lockfile ${file}: not a YAML mapping`);
  const major = Number.parseInt(String(data.lockfileVersion ?? ''), 10);
  if (!(major >= 5 && major <= 9)) throw new UserError(`unsupported lockfile ${file}: lockfileVersion ${String(data.lockfileVersion ?? 'missing')} (5.x, 6.x and 9.x are read)`);
  const packages = isObject(data.packages) ? data.packages : {};

  // Lockfile 9: development-only is what the production roots do not reach.
  let prod: Set<string> | undefined;
  if (major >= 9) {
    const snapshots = isObject(data.snapshots) ? data.snapshots : {};
    const importers = isObject(data.importers) ? Object.values(data.importers) : [];
    const roots = importers.flatMap((imp) => depIds(imp, PROD));
    const base = (id: string) => {
      const p = pnpmKey(id);
      return p ? `${p.name}@${p.version}` : id;
    };
    prod = new Set([...reachable(roots, (id) => depIds(snapshots[id], PROD))].map(base));
  }

  const out = new PackageSet();
  for (const [key, raw] of Object.entries(packages)) {
    if (!isObject(raw)) continue;
    const res = isObject(raw.resolution) ? raw.resolution : {};
    const fromKey = pnpmKey(key);
    const name = str(raw.name) ?? fromKey?.name;
    const version = str(raw.version) ?? fromKey?.version;
    if (!name || !version || !registryRelease(name, version)) continue;
    const integrity = str(res.integrity);
    // A tarball or git resolution is not the registry's release of that name and version.
    const tarball = str(res.tarball);
    const repo = str(res.repo);
    const resolved = tarball ? `tarball ${tarball}` : repo ? `git ${repo}` : str(res.directory) ? `directory ${String(res.directory)}` : undefined;
    const dev = prod ? !prod.has(`${name}@${version}`) : raw.dev === true || raw.dev === 'true';
    out.add({ name, version, dev, optional: raw.optional === true || raw.optional === 'true', ...(integrity ? { integrity } : {}), ...(resolved ? { resolved } : {}) });
  }
  return out.list();
}
