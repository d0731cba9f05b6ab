// What every lockfile reader returns: the packages a project resolves, each once per release.
import semver from 'semver';

export interface LockedPackage {
  name: string;
  version: string;
  integrity?: string;
  /** Where it comes from when the lockfile says; anything but an http(s) URL is not a registry package. */
  resolved?: string;
  dev: boolean;
  optional: boolean;
}

export const PACKAGE_NAME = /^(?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i;

export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 && v.length < 4096 ? v : undefined;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A release that can be fetched from a registry as `name@version`: a valid name and an exact semver version. */
export function registryRelease(name: string | undefined, version: string | undefined): boolean {
  return !!name && PACKAGE_NAME.test(name) && !!version && semver.valid(version) === version;
}

/** Packages by `name@version`, sorted by name: the same release at two places is dev or optional only if both are. */
export class PackageSet {
  private readonly byId = new Map<string, LockedPackage>();

  add(p: LockedPackage): void {
    const id = `${p.name}@${p.version}`;
    const seen = this.byId.get(id);
    if (!seen) {
      this.byId.set(id, { ...p });
      return;
    }
    seen.dev = seen.dev && p.dev;
    seen.optional = seen.optional && p.optional;
    if (!seen.integrity && p.integrity) seen.integrity = p.integrity;
  }

  list(): LockedPackage[] {
    return [...this.byId.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
  }
}

/**
 * The packages reachable from `roots` through `edges` (node ids). Lockfiles that do not mark development
 * dependencies (pnpm 9, yarn, bun) are classified this way: what the production dependencies of the project reach is
 * production, the rest is development.
 */
export function reachable(roots: Iterable<string>, edges: (id: string) => Iterable<string>): Set<string> {
  const seen = new Set<string>();
  const stack = [...roots];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const next of edges(id)) if (!seen.has(next)) stack.push(next);
  }
  return seen;
}

/** The dependency names of a manifest-like object's field (`dependencies`, …), each with its range. */
export function depsOf(o: unknown, ...fields: string[]): [string, string][] {
  const out: [string, string][] = [];
  if (!isObject(o)) return out;
  for (const f of fields) {
    const d = o[f];
    if (!isObject(d)) continue;
    for (const [name, range] of Object.entries(d)) if (typeof range === 'string') out.push([name, range]);
  }
  return out;
}
