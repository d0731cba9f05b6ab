import { UserError } from '../../model/errors.js';

export interface PlatformManifest {
  name: string;
  version: string;
  os?: string[];
  cpu?: string[];
  libc?: string[];
}

export interface PlatformPackage {
  name: string;
  /** Exact `name@version` of the build, as resolved by the manifest. */
  spec: string;
  /** `os-cpu`, with `-musl` for musl builds. */
  platform: string;
}

/** More optional dependencies than this are not platform builds of one tool; we do not fetch them all. */
const MAX_CANDIDATES = 48;

const OS_ALIASES: Record<string, string> = { macos: 'darwin', mac: 'darwin', windows: 'win32', win: 'win32' };
const CPU_ALIASES: Record<string, string> = { aarch64: 'arm64', amd64: 'x64', x86_64: 'x64' };

/**
 * Finds the platform builds a package ships as optional dependencies of its own name or scope
 * (`tool-linux-x64`, `@scope/tool-darwin-arm64`, `@tool/linux-x64`), judged by their manifests' `os`/`cpu`.
 * `platform` is `os-cpu[-musl]`, `all`, or undefined for the running machine; Linux prefers glibc builds unless
 * `-musl` is asked. Manifests that cannot be fetched are skipped: a package must not be able to stop an audit by
 * naming a dependency that does not exist.
 */
export async function findPlatformPackages(
  pkgJson: { name?: string; version?: string; optionalDependencies?: Record<string, string> },
  platform: string | 'all' | undefined,
  fetchManifest: (spec: string) => Promise<PlatformManifest>,
): Promise<PlatformPackage[]> {
  const wanted = platform === 'all' ? 'all' : parsePlatform(platform ?? `${process.platform}-${process.arch}`);
  const own = pkgJson.name;
  if (!own) return [];
  const candidates = Object.entries(pkgJson.optionalDependencies ?? {}).filter(([dep]) => isBuildOf(dep, own));
  if (candidates.length === 0 || candidates.length > MAX_CANDIDATES) return [];

  const builds: (PlatformPackage & { os: string[]; cpu: string[]; musl: boolean })[] = [];
  for (const [dep, range] of candidates) {
    let manifest: PlatformManifest;
    try {
      manifest = await fetchManifest(`${dep}@${range}`);
    } catch {
      continue;
    }
    const os = positive(manifest.os);
    const cpu = positive(manifest.cpu);
    if (os.length === 0 || cpu.length === 0 || manifest.name !== dep) continue;
    const musl = (manifest.libc ?? []).includes('musl') || (manifest.libc === undefined && /(^|[-_/])musl($|[-_])/.test(dep));
    builds.push({ name: dep, spec: `${dep}@${manifest.version}`, platform: `${os[0]}-${cpu[0]}${musl ? '-musl' : ''}`, os, cpu, musl });
  }

  const strip = ({ name, spec, platform: p }: PlatformPackage): PlatformPackage => ({ name, spec, platform: p });
  if (wanted === 'all') return builds.map(strip);
  const matching = builds.filter((b) => b.os.includes(wanted.os) && b.cpu.includes(wanted.cpu));
  const preferred = matching.filter((b) => b.musl === wanted.musl);
  // With no glibc build, the musl build of the same release is still the code to audit; the reverse holds too.
  const chosen = preferred[0] ?? matching[0];
  return chosen ? [strip(chosen)] : [];
}

/** Rejects a `--platform` that names no platform before anything is fetched, whatever the target kind. */
export async function checkPlatform(platform: string | undefined): Promise<void> {
  if (platform === undefined) return;
  await findPlatformPackages({ name: 'x' }, platform, () => Promise.reject(new Error('not fetched')));
}

function parsePlatform(text: string): { os: string; cpu: string; musl: boolean } {
  const m = /^([a-z0-9]+)-([a-z0-9_]+)(?:-(musl|glibc|gnu))?$/i.exec(text.trim());
  if (!m) throw new UserError(`unknown platform "${text}": use os-cpu such as linux-x64, darwin-arm64, win32-x64, linux-x64-musl, or all`);
  const os = m[1]!.toLowerCase();
  const cpu = m[2]!.toLowerCase();
  return { os: OS_ALIASES[os] ?? os, cpu: CPU_ALIASES[cpu] ?? cpu, musl: m[3]?.toLowerCase() === 'musl' };
}

function positive(list: string[] | undefined): string[] {
  return (Array.isArray(list) ? list : []).filter((v) => typeof v === 'string' && !v.startsWith('!'));
}

/** `tool` → `tool-linux-x64`, `@tool/linux-x64`, `@other/tool-linux-x64`; `@scope/tool` → `@scope/tool-linux-x64`, `@scope/anything`. */
function isBuildOf(dep: string, own: string): boolean {
  if (dep === own) return false;
  const [ownScope, ownBase] = splitName(own);
  const [depScope, depBase] = splitName(dep);
  if (dep.startsWith(`${own}-`) || dep.startsWith(`${own}/`)) return true;
  if (ownScope && depScope === ownScope) return true;
  if (!ownScope && depScope === `@${ownBase}`) return true;
  return depBase.startsWith(`${ownBase}-`);
}

function splitName(name: string): [string | undefined, string] {
  if (name.startsWith('@')) {
    const slash = name.indexOf('/');
    if (slash > 0) return [name.slice(0, slash), name.slice(slash + 1)];
  }
  return [undefined, name];
}
