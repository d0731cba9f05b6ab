// The releases of a package as the registry records them: version order and publish order (old version numbers
// are published late, e.g. fixes to an older line), deprecations, and versions that were published and then
// removed (the registry keeps their publish time, not their contents).
import semver from 'semver';
import { fetchFailure, loadPacote, pacoteOptions } from '../acquire/index.js';
import { parseRegistrySpec } from '../acquire/spec.js';
import { UserError } from '../model/errors.js';

export interface Release {
  version: string;
  /** ISO time of publication, when the registry records it. */
  published?: string;
  deprecated?: string;
  /** SRI of the tarball (sha1 from the legacy `shasum` when that is all the registry has). */
  integrity?: string;
  /** 1-based position in publish order among the selected releases. */
  publishRank: number;
  /** The highest version that was published before this lower one. */
  publishedAfter?: string;
}

export interface ReleaseList {
  name: string;
  /** Ascending version order. */
  releases: Release[];
  /** Versions in the selection that were published and later removed. */
  unpublished: { version: string; published?: string }[];
}

export interface Packument {
  name: string;
  versions: Record<string, { version: string; deprecated?: string | boolean; dist?: { integrity?: string; shasum?: string } }>;
  time?: Record<string, unknown>;
}

export interface Selection {
  /** npm semver range; undefined for every version, prereleases included. */
  range?: string;
  /** Only releases published at or after this time. */
  since?: Date;
}

export async function fetchPackument(name: string, opts: { cacheDir?: string; offline?: boolean }): Promise<Packument> {
  try {
    return (await (await loadPacote()).packument(name, { ...pacoteOptions(opts), fullMetadata: true })) as unknown as Packument;
  } catch (e) {
    throw fetchFailure(name, e);
  }
}

/** A package name with no version part, as `history` takes it. */
export function checkPackageName(name: string): string {
  parseRegistrySpec(name);
  const at = name.lastIndexOf('@');
  if (at > 0) throw new UserError(`history takes a package name without a version (got "${name}"); use --range for versions`);
  return name;
}

export function checkRange(range: string): string {
  if (semver.validRange(range) === null) throw new UserError(`not a semver range: "${range}"`);
  return range;
}

function integrityOf(dist: { integrity?: string; shasum?: string } | undefined): string | undefined {
  if (dist?.integrity) return dist.integrity;
  if (dist?.shasum && /^[0-9a-f]{40}$/i.test(dist.shasum)) return `sha1-${Buffer.from(dist.shasum, 'hex').toString('base64')}`;
  return undefined;
}

function timeOf(p: Packument, version: string): string | undefined {
  const t = p.time?.[version];
  return typeof t === 'string' && !Number.isNaN(Date.parse(t)) ? t : undefined;
}

export function selectReleases(p: Packument, sel: Selection): ReleaseList {
  const wanted = (v: string, published: string | undefined) =>
    semver.valid(v) !== null &&
    (sel.range === undefined || semver.satisfies(v, sel.range)) &&
    (sel.since === undefined || (published !== undefined && Date.parse(published) >= sel.since.getTime()));

  const releases: Release[] = Object.values(p.versions ?? {})
    .filter((m) => wanted(m.version, timeOf(p, m.version)))
    .sort((a, b) => semver.compare(a.version, b.version))
    .map((m) => {
      const published = timeOf(p, m.version);
      const deprecated = typeof m.deprecated === 'string' && m.deprecated !== '' ? m.deprecated : undefined;
      const integrity = integrityOf(m.dist);
      return { version: m.version, publishRank: 0, ...(published ? { published } : {}), ...(deprecated ? { deprecated } : {}), ...(integrity ? { integrity } : {}) };
    });

  const byPublish = releases
    .map((r, i) => ({ r, i, t: r.published ? Date.parse(r.published) : Infinity }))
    .sort((a, b) => a.t - b.t || a.i - b.i);
  byPublish.forEach(({ r }, rank) => (r.publishRank = rank + 1));
  // Walking in publish order, a release lower than the highest seen so far was published late.
  let highest: Release | undefined;
  for (const { r } of byPublish) {
    if (highest && semver.lt(r.version, highest.version)) r.publishedAfter = highest.version;
    else highest = r;
  }

  const published = new Set(Object.keys(p.versions ?? {}));
  const unpublished = Object.keys(p.time ?? {})
    .filter((v) => !published.has(v) && wanted(v, timeOf(p, v)))
    .sort(semver.compare)
    .map((version) => ({ version, ...(timeOf(p, version) ? { published: timeOf(p, version) } : {}) }));
  return { name: p.name, releases, unpublished };
}
