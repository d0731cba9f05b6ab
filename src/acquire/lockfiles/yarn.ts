// yarn.lock: Yarn 1's format and Yarn 2+ ("berry", YAML with __metadata), read with Yarn's own parser. Neither marks
// development dependencies: the project's package.json says which dependencies are for production, and what they
// reach through the lockfile is production, the rest development. Without a package.json everything is production.
import { parseSyml } from '@yarnpkg/parsers';
import { UserError } from '../../model/errors.js';
import { depsOf, isObject, PackageSet, reachable, registryRelease, str, type LockedPackage } from './types.js';

/** `name@range` → name and range; `@s/a@npm:^1` → `@s/a`, `npm:^1`. */
export function splitDescriptor(d: string): { name: string; range: string } | undefined {
  const at = d.indexOf('@', 1);
  return at > 0 ? { name: d.slice(0, at), range: d.slice(at + 1) } : undefined;
}

/** The descriptors of one lockfile key: `"a@^1, a@^1.1"` → both. */
function descriptors(key: string): string[] {
  return key
    .split(/,\s*/)
    .map((d) => d.trim().replace(/^"|"$/g, ''))
    .filter(Boolean);
}

interface Entry {
  name: string;
  version: string;
  integrity?: string;
  resolved?: string;
  registry: boolean;
  deps: [string, string][];
}

/** Yarn 1: the name from an alias (`alias@npm:real@^1`) or the descriptor; the source from `resolved`. */
function classicEntry(desc: string, raw: Record<string, unknown>): Entry | undefined {
  const d = splitDescriptor(desc);
  if (!d) return undefined;
  if (/^(file|link|portal|workspace):/.test(d.range)) return undefined; // the project's own code
  const aliased = d.range.startsWith('npm:') ? splitDescriptor(d.range.slice(4)) : undefined;
  const name = aliased?.name ?? d.name;
  const version = str(raw.version) ?? '';
  const resolved = str(raw.resolved);
  const integrity = str(raw.integrity);
  const fromRange = !aliased && /^(git|github|https?|ssh):|\//.test(d.range);
  const registry = !fromRange && (!resolved || /^https?:\/\/[^#]*\.tgz(#|$)/.test(resolved));
  return { name, version, registry, ...(integrity ? { integrity } : {}), ...(registry ? (resolved ? { resolved: resolved.replace(/#.*$/, '') } : {}) : { resolved: `resolved ${resolved ?? d.range}` }), deps: depsOf(raw, 'dependencies', 'optionalDependencies') };
}

/** Yarn 2+: name and version from `resolution` (`name@npm:1.2.3`); other protocols are not registry releases. */
function berryEntry(raw: Record<string, unknown>): Entry | undefined {
  const resolution = str(raw.resolution);
  const r = resolution ? splitDescriptor(resolution) : undefined;
  if (!r) return undefined;
  // A workspace, link or portal is the project's own code; a patch's original is an entry of its own.
  if (/^(workspace|link|portal|patch):/.test(r.range)) return undefined;
  const npm = r.range.startsWith('npm:');
  const version = npm ? r.range.slice(4) : (str(raw.version) ?? '');
  return { name: r.name, version, registry: npm, ...(npm ? {} : { resolved: `resolved ${resolution}` }), deps: depsOf(raw, 'dependencies', 'optionalDependencies') };
}

export function parseYarnLock(text: string, file: string, manifest?: unknown): LockedPackage[] {
  let data: Record<string, unknown>;
  try {
    data = parseSyml(text);
  } catch (e) {
    throw new UserError(`malformed lockfile ${file}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!isObject(data)) throw new UserError(`malformed lockfile ${file}: not a yarn lockfile`);
  const berry = isObject(data.__metadata);
  const byDescriptor = new Map<string, Entry>();
  const entries: Entry[] = [];
  for (const [key, raw] of Object.entries(data)) {
    if (key === '__metadata' || !isObject(raw)) continue;
    const descs = descriptors(key);
    const e = berry ? berryEntry(raw) : descs[0] ? classicEntry(descs[0], raw) : undefined;
    if (!e) continue;
    entries.push(e);
    for (const d of descs) byDescriptor.set(d, e);
  }
  const byName = new Map<string, Entry[]>();
  for (const e of entries) byName.set(e.name, [...(byName.get(e.name) ?? []), e]);
  // A dependency `a: ^1` is the entry `a@^1` (Yarn 1) or `a@npm:^1` (Yarn 2+); failing that, every entry named a.
  const resolve = (name: string, range: string): Entry[] => {
    const hit = byDescriptor.get(`${name}@${range}`) ?? byDescriptor.get(`${name}@npm:${range}`);
    return hit ? [hit] : (byName.get(name) ?? []);
  };

  let prod: Set<Entry> | undefined;
  if (isObject(manifest)) {
    const ids = new Map(entries.map((e, i) => [String(i), e]));
    const index = new Map(entries.map((e, i) => [e, String(i)]));
    const roots = depsOf(manifest, 'dependencies', 'optionalDependencies', 'peerDependencies').flatMap(([n, r]) => resolve(n, r)).map((e) => index.get(e)!);
    const seen = reachable(roots, (id) => ids.get(id)!.deps.flatMap(([n, r]) => resolve(n, r)).map((e) => index.get(e)!));
    prod = new Set([...seen].map((id) => ids.get(id)!));
  }

  const out = new PackageSet();
  for (const e of entries) {
    if (!registryRelease(e.name, e.version)) continue;
    out.add({ name: e.name, version: e.version, dev: prod ? !prod.has(e) : false, optional: false, ...(e.integrity ? { integrity: e.integrity } : {}), ...(e.resolved ? { resolved: e.resolved } : {}) });
  }
  return out.list();
}
