// bun.lock, Bun's text lockfile (JSON with trailing commas and comments). `packages` maps a path of names
// (`a`, `a/c` for the c that a resolves to itself) to `[name@version, registry, info, integrity]`. It marks no
// development dependencies: what the workspaces' production dependencies reach is production, the rest development.
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { UserError } from '../../model/errors.js';
import { depsOf, isObject, PACKAGE_NAME, PackageSet, reachable, registryRelease, str, type LockedPackage } from './types.js';
import { splitDescriptor } from './yarn.js';

/** `@s/a/b/@t/c` → [`@s/a`, `b`, `@t/c`]. */
export function keyNames(key: string): string[] {
  const parts = key.split('/');
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) out.push(parts[i]!.startsWith('@') && i + 1 < parts.length ? `${parts[i]}/${parts[++i]}` : parts[i]!);
  return out;
}

/** The key a dependency `dep` of the package at `from` resolves to: nested under it first, then under each parent. */
function resolveKey(packages: Record<string, unknown>, from: string[], dep: string): string | undefined {
  for (let n = from.length; n >= 0; n--) {
    const key = [...from.slice(0, n), dep].join('/');
    if (key in packages) return key;
  }
  return undefined;
}

export function parseBunLock(text: string, file: string): LockedPackage[] {
  const errors: ParseError[] = [];
  const data: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length) throw new UserError(`malformed lockfile ${file}: ${printParseErrorCode(errors[0]!.error)} at offset ${errors[0]!.offset}`);
  if (!isObject(data) || !isObject(data.packages)) throw new UserError(`malformed lockfile ${file}: no "packages" map (a text bun.lock; the binary bun.lockb is not read: run bun install --save-text-lockfile)`);
  const packages = data.packages;
  const workspaces = isObject(data.workspaces) ? Object.values(data.workspaces) : [];
  const PROD = ['dependencies', 'optionalDependencies', 'peerDependencies'];
  const roots = workspaces.flatMap((w) => depsOf(w, ...PROD).map(([n]) => resolveKey(packages, [], n))).filter((k): k is string => !!k);
  const prod = reachable(roots, (key) => {
    const entry = packages[key];
    const info = Array.isArray(entry) ? entry.find((x, i) => i > 0 && isObject(x)) : undefined;
    return depsOf(info, 'dependencies', 'optionalDependencies').map(([n]) => resolveKey(packages, keyNames(key), n)).filter((k): k is string => !!k);
  });

  const out = new PackageSet();
  for (const [key, entry] of Object.entries(packages)) {
    if (!Array.isArray(entry)) continue;
    const ident = str(entry[0]);
    const d = ident ? splitDescriptor(ident) : undefined;
    if (!d) continue;
    if (/^(workspace|link|file):/.test(d.range)) continue; // the project's own code
    // A registry release is [ident, registry, info, integrity]; git, GitHub and tarball entries are shorter.
    const dev = !prod.has(key);
    if (typeof entry[1] === 'string' && isObject(entry[2]) && registryRelease(d.name, d.range)) {
      const integrity = str(entry[3]);
      const own = str(entry[1]);
      out.add({ name: d.name, version: d.range, dev, optional: false, ...(integrity ? { integrity } : {}), ...(own ? { resolved: /^https?:\/\//.test(own) ? own : `registry ${own}` } : {}) });
    } else if (PACKAGE_NAME.test(d.name)) {
      out.add({ name: d.name, version: d.range.slice(0, 200), dev, optional: false, resolved: `resolved ${d.range.slice(0, 200)}` });
    }
  }
  return out.list();
}
