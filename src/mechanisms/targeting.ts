// Stage 2: targeting comparisons — a fingerprint on one side, region data or hidden data of a kind it
// can match on the other, both read a short way off. Their results taint what they decide.

import {
  BIT_DOMAIN,
  BIT_HIDDEN,
  BIT_LOCALE,
  BIT_REGION,
  BIT_TARGETING,
  BIT_ZONE,
  DOMAIN_DATA,
  FINGERPRINT_BITS,
  LOCALE_DATA,
  ZONE_DATA,
  sourceBit,
  type CompareFact,
  type DataFact,
  type SourceFact,
} from '../flow/facts.js';
import { geoIdRead, isCountryCode, isDefaultLocale } from '../data/region.js';
import type { Val } from '../flow/graph.js';
import { nearest, type Context } from './context.js';
import { MAX_COMPARISONS, MAX_DATA_DIST, MAX_GEO_SOURCE_DIST, MAX_HASH_DIST, MAX_OFFSET_DIST, MAX_SOURCE_DIST, MIN_HIDDEN_MATCH } from './limits.js';

const GEO = sourceBit('ip-geolocation');

export interface Targeting {
  compare: CompareFact;
  sources: SourceFact[];
  data: DataFact[];
  /**
   * `partition` when the value is only looked up in tables that map regions to values (every region
   * goes somewhere); `singles-out` for a comparison or membership test against some regions.
   */
  decision: 'singles-out' | 'partition';
}

/**
 * A fingerprint value compared with constants of its kind, whether or not it is targeting: a configured
 * endpoint compared with country domains is routing to the static audit (no finding), yet a probe that
 * wants to run every branch needs a persona with that host. Reported below finding level.
 */
export interface Comparison {
  compare: CompareFact;
  sources: SourceFact[];
  data: DataFact[];
  /** Whether it is in `list` (a targeting comparison the findings report). */
  targeting: boolean;
}

export interface TargetingResult {
  list: Targeting[];
  /** Every comparison of a fingerprint with region data of its kind, targeting or not (at most MAX_COMPARISONS). */
  comparisons: Comparison[];
  /** By the representative node of the comparison's result. */
  at: Map<number, Targeting>;
  /** Distance of every node from a targeting comparison, along values and decisions (first use). */
  dist(): Int32Array;
}

export function findTargeting(ctx: Context): TargetingResult {
  const { graph: g, facts: f } = ctx;
  let offsetDistCache: Int32Array | null = null;
  const offsetDist = () =>
    (offsetDistCache ??= g.distances(f.sources.filter((s) => s.node >= 0 && s.detail.includes('getTimezoneOffset')).map((s) => s.node), MAX_OFFSET_DIST));
  let hashDistCache: Int32Array | null = null;
  const hashDist = () => (hashDistCache ??= g.distances(f.hashOutputs, MAX_HASH_DIST));
  // A geolocation response is nested JSON (`data.location.country.iso_code`): each property read is a weak step.
  let geoDistCache: Int32Array | null = null;
  const geoDist = () => (geoDistCache ??= g.distances(f.sources.filter((s) => s.node >= 0 && s.kind === 'ip-geolocation').map((s) => s.node), MAX_GEO_SOURCE_DIST));
  const list: Targeting[] = [];
  const comparisons: Comparison[] = [];
  const at = new Map<number, Targeting>();
  for (const c of f.compares) {
    const sides = fingerprintAndData(g.maskOf(c.left), g.maskOf(c.right), c);
    if (!sides) continue;
    const [fpSide, dataSide] = sides;
    if (!kindsCanMatch(g.maskOf(fpSide), g.maskOf(dataSide))) continue;
    // Both ends must be close: the value read and the data it is matched against flow a short way.
    if (g.distOf(ctx.dataDist, dataSide) > MAX_DATA_DIST) continue;
    if (g.distOf(ctx.fpDist, fpSide) > MAX_SOURCE_DIST && !((g.maskOf(fpSide) & GEO) !== 0 && g.distOf(geoDist(), fpSide) <= MAX_GEO_SOURCE_DIST)) continue;
    const sources = nearest(ctx.sourcesReaching(fpSide, FINGERPRINT_BITS & g.maskOf(fpSide)), c.start);
    const candidates = ctx.dataReaching(dataSide, BIT_REGION | BIT_HIDDEN);
    // A value is matched against data of its own kind: a zone against zones, a locale against locale
    // tags, an IP location against any region; a host, name or machine id against data that was hidden.
    // A value compared with its own fallback (`(LANG || 'en-US') !== 'en-US'`) is checked for being unset, not matched against a region.
    const fallbacks = () => new Set(ctx.dataReaching(fpSide, BIT_REGION).map((d) => d.text));
    // A constant digest can only be matched by a value that was hashed first (a build's commit hash is not a list).
    const hashed = () => g.distOf(hashDist(), fpSide) <= MAX_HASH_DIST;
    const usable = candidates.filter((d) => (d.kind === 'hidden' ? !d.digest || hashed() : !fallbacks().has(d.text)));
    const compared = sources.filter((s) => usable.some((d) => sameKind(s, d)));
    if (compared.length === 0) continue;
    // A number is a UTC offset only right next to getTimezoneOffset() (else it is a char code, a size…).
    const isOffsets = (data: DataFact[]) => data.every((d) => d.regionKind === 'utc-offset') && g.distOf(offsetDist(), fpSide) > MAX_OFFSET_DIST;
    const comparedData = usable.filter((d) => compared.some((s) => sameKind(s, d)));
    if (isOffsets(comparedData)) continue;
    const matched = compared.filter((s) => usable.some((d) => matches(s, d)));
    let data = usable.filter((d) => matched.some((s) => matches(s, d)));
    if (matched.every((s) => s.kind === 'ip-geolocation')) data = data.map(asLocationCode);
    const isTargeting = matched.length > 0 && !isOffsets(data);
    if (comparisons.length < MAX_COMPARISONS) comparisons.push({ compare: c, sources: compared, data: comparedData, targeting: isTargeting });
    if (!isTargeting) continue;
    const decision = data.every((d) => d.table && !d.table.membership) ? 'partition' : 'singles-out';
    const t: Targeting = { compare: c, sources: matched, data, decision };
    list.push(t);
    at.set(g.find(c.node), t);
  }
  g.propagate(
    list.map((t) => t.compare.node),
    BIT_TARGETING,
  );
  let distCache: Int32Array | null = null;
  return { list, comparisons, at, dist: () => (distCache ??= g.distances(list.map((t) => t.compare.node), undefined, true)) };
}

function fingerprintAndData(lm: number, rm: number, c: CompareFact): [Val, Val] | null {
  if (lm & FINGERPRINT_BITS && rm & (BIT_REGION | BIT_HIDDEN)) return [c.left, c.right];
  if (rm & FINGERPRINT_BITS && lm & (BIT_REGION | BIT_HIDDEN)) return [c.right, c.left];
  return null;
}

/** The mask-level version of `matches`: can any source on one side meet data of its kind on the other? */
function kindsCanMatch(fp: number, data: number): boolean {
  return (
    (data & BIT_HIDDEN) !== 0 ||
    ((fp & sourceBit('timezone')) !== 0 && (data & BIT_ZONE) !== 0) ||
    ((fp & sourceBit('locale')) !== 0 && (data & BIT_LOCALE) !== 0) ||
    ((fp & (sourceBit('host-url') | sourceBit('hostname'))) !== 0 && (data & BIT_DOMAIN) !== 0) ||
    ((fp & sourceBit('ip-geolocation')) !== 0 && (data & BIT_REGION) !== 0)
  );
}

/** The value read and the data are of kinds that can match: a zone and zones, a locale and locale tags, a host and domains. */
function sameKind(source: SourceFact, d: DataFact): boolean {
  // Short decoded words (parser keyword tables) are not data worth matching a user against.
  // A digest is matched whatever its plaintext's length (a hashed ccTLD is two letters).
  if (d.kind === 'hidden') return d.digest !== undefined || d.text.length >= MIN_HIDDEN_MATCH;
  const kind = d.regionKind;
  if (kind === undefined) return false;
  switch (source.kind) {
    case 'timezone':
      return ZONE_DATA.has(kind) && (kind !== 'utc-offset' || source.detail.includes('getTimezoneOffset'));
    case 'locale': {
      // A Windows GeoId is a number of Windows's own: matched with GeoIds, never read as an ISO numeric code.
      const geo = geoIdRead(source.detail);
      if (kind === 'geo-id') return geo !== null;
      if (geo === 'only' || (geo === 'with-name' && /^\d+$/.test(d.text))) return false;
      return LOCALE_DATA.has(kind);
    }
    case 'host-url':
    case 'hostname':
      return DOMAIN_DATA.has(kind);
    case 'ip-geolocation':
      return d.countries.length > 0 && kind !== 'script-font';
    default:
      return false;
  }
}

/** `sameKind`, less what the precision rules read as something other than targeting. */
function matches(source: SourceFact, d: DataFact): boolean {
  if (!sameKind(source, d)) return false;
  if (d.kind === 'hidden') return true;
  // The default locale (CLDR's likely locale of `und`, en-US) is what a runtime falls back to: a
  // value compared with it is checked for being the default.
  if (source.kind === 'locale') return !(d.regionKind !== 'country-code' && isDefaultLocale(d.text));
  // The page's own address (location.hostname, document.domain) names the site the user is on; a
  // configured endpoint compared with domains is routing among the package's own hosts.
  if (source.kind === 'host-url') return isPageLocation(source.detail);
  return true;
}

/**
 * Two lower-case letters compared with a location are its country code (`country_code === "ve"`, as
 * reverse-geocoding services write it), not the language subtag they would be next to a locale.
 */
function asLocationCode(d: DataFact): DataFact {
  if (d.regionKind !== 'language' || !/^[a-z]{2}$/.test(d.text) || !isCountryCode(d.text)) return d;
  const code = d.text.toUpperCase();
  return { ...d, regionKind: 'country-code', countries: [code], reading: `country codes ${d.text}` };
}

/** A read of the page's own address (browser): `location.hostname`, `window.location.host`, `document.domain`. */
export function isPageLocation(detail: string): boolean {
  return /^(?:(?:window|self|globalThis|document)\.)?location\.|^document\.(?:domain|URL)\b/.test(detail);
}
