// Region vocabulary: IANA time-zone names, country-code top-level domains, BCP 47 locale tags and
// ISO 3166 country codes, all resolved to ISO country codes from maintained data
// (countries-and-timezones, and the ICU data built into Node for language names).
import ct from 'countries-and-timezones';

export type RegionKind = 'timezone' | 'cctld-domain' | 'locale' | 'country-code';

export interface RegionMatch {
  kind: RegionKind;
  /** ISO 3166-1 alpha-2 (upper case); `EU` for .eu; null when the evidence names no single country. */
  country: string | null;
}

export interface RegionStringOptions {
  /**
   * The string comes from a list of country codes (an array of two-letter strings compared with a
   * locale or region). Only then is a bare "cn" or "de" a country code: alone, "in", "it", "is",
   * "do" and "ca" are words.
   */
  codeList?: boolean;
  /** Accept locale tags with a lower-case region ("zh-cn"); off by default ("to-do", "is-it"). */
  lenientLocaleCase?: boolean;
}

/** Region strings are short; longer ones are not examined. */
const MAX_REGION_STRING = 256;

// ccTLDs that are not ISO 3166 codes, and the country they stand for.
const EXTRA_CCTLDS: Readonly<Record<string, string>> = { uk: 'GB', ac: 'SH', su: 'RU', eu: 'EU' };
const NON_COUNTRY_NAMES: Readonly<Record<string, string>> = { EU: 'European Union' };

/**
 * File extensions that are also ccTLDs (`readme.md`, `setup.py`, `run.sh`, `lib.rs`): a two-label
 * name ending in one of these is taken for a file name, not a host.
 */
export const FILE_EXTENSION_LOOKALIKES: ReadonlySet<string> = new Set([
  'ac', 'ai', 'am', 'as', 'bz', 'cc', 'cl', 'cr', 'do', 'gd', 'gl', 'in', 'ir', 'ls', 'ma', 'md', 'me', 'ml',
  'mk', 'mm', 'mo', 'ms', 'pl', 'pm', 'ps', 'py', 're', 'rs', 'sc', 'sh', 'so', 'st', 'sv', 'td', 'tf', 'tm',
  'tt',
]);

/**
 * Country-code TLDs that are sold and used as generic names (.io, .ai, .co, .me, .tv, …); a host under
 * one says nothing about a country. Google's list of "generic ccTLDs" plus the ones AI and developer
 * services commonly use.
 */
export const GENERIC_USE_CCTLDS: ReadonlySet<string> = new Set([
  'ad', 'as', 'bz', 'cc', 'cd', 'co', 'dj', 'fm', 'io', 'la', 'me', 'ms', 'nu', 'sc', 'sr', 'su', 'tv', 'tk', 'ws',
  'ai', 'gg', 'sh', 'to', 'ly', 'vc', 'so', 'st', 'gl', 'im', 'ac', 'md', 'ps', 'gd',
]);

function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

/** Lower-cased zone name (deprecated aliases included) → the package's spelling. */
const zoneNames = lazy(() => {
  const map = new Map<string, string>();
  for (const name of Object.keys(ct.getAllTimezones({ deprecated: true }))) map.set(name.toLowerCase(), name);
  return map;
});

const countryCodes = lazy(() => new Set(Object.keys(ct.getAllCountries())));

const ccTlds = lazy(() => {
  const map = new Map<string, string>();
  for (const code of countryCodes()) map.set(code.toLowerCase(), code);
  for (const [tld, country] of Object.entries(EXTRA_CCTLDS)) map.set(tld, country);
  return map;
});

const languageNames = lazy(() => new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' }));

/** ISO country codes using the zone (aliases and deprecated names resolved), [] for Etc/UTC and the like; null when not a zone. */
export function zoneCountries(zone: string): string[] | null {
  if (zone.length === 0 || zone.length > 64) return null;
  const name = zoneNames().get(zone.toLowerCase());
  if (name === undefined) return null;
  return ct.getTimezone(name)?.countries.slice() ?? null;
}

export function isTimeZoneName(s: string): boolean {
  return zoneCountries(s) !== null;
}

export function isCountryCode(code: string): boolean {
  return code.length === 2 && countryCodes().has(code.toUpperCase());
}

/** English name of an ISO country code (any case), or of `EU`; null when unknown. */
export function countryName(code: string): string | null {
  const upper = code.toUpperCase();
  return ct.getCountry(upper)?.name ?? NON_COUNTRY_NAMES[upper] ?? null;
}

/** Every IANA time-zone name (canonical spelling, deprecated names included). */
export function timeZoneNames(): string[] {
  return [...zoneNames().values()];
}

/** All two-letter ccTLD labels (lower case). */
export function ccTldLabels(): ReadonlySet<string> {
  return new Set(ccTlds().keys());
}

const HOST_LABEL = /^(?:xn--)?[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** The host of a URL or host[:port] string, lower-cased and validated; null when it is not one. */
export function hostOf(s: string): string | null {
  let host = s.trim().toLowerCase();
  const scheme = host.indexOf('://');
  if (scheme >= 0) host = host.slice(scheme + 3);
  host = host.replace(/[/?#].*$/, '').replace(/^[^@]*@/, '').replace(/:\d+$/, '').replace(/\.$/, '');
  if (host.startsWith('*.')) host = host.slice(2);
  if (host.length === 0 || host.length > 253) return null;
  const labels = host.split('.');
  if (labels.length < 2 || !labels.every((l) => HOST_LABEL.test(l))) return null;
  if (!/[a-z]/.test(labels[labels.length - 1]!)) return null; // IPv4 addresses
  return host;
}

/** Country of the ccTLD a host (or URL) ends in: `foo.com.cn` → CN, `x.co.uk` → GB; null otherwise. */
export function domainCountry(host: string): string | null {
  const h = hostOf(host);
  if (h === null) return null;
  return ccTlds().get(h.slice(h.lastIndexOf('.') + 1)) ?? null;
}

const LOCALE = /^([A-Za-z]{2,3})(?:[-_]([A-Za-z]{4}))?[-_]([A-Za-z]{2}|\d{3})(?:[-_.@][A-Za-z0-9_.@-]*)?$/;

/**
 * The region of a locale tag with a region subtag: `zh-CN`, `zh_TW`, `zh-Hant-TW`, `ru_RU.UTF-8`.
 * The language must be one ICU knows and the region an ISO country; numeric (UN M.49) regions yield null.
 */
export function localeRegion(s: string, options?: { lenientCase?: boolean }): string | null {
  if (s.length > 64) return null;
  const m = LOCALE.exec(s);
  if (!m) return null;
  const [, lang, , region] = m as unknown as [string, string, string | undefined, string];
  if (lang !== lang.toLowerCase()) return null;
  if (!options?.lenientCase && region !== region.toUpperCase()) return null;
  const country = region.toUpperCase();
  if (!countryCodes().has(country)) return null;
  try {
    if (languageNames().of(lang) === undefined) return null;
  } catch {
    return null;
  }
  return country;
}

// Legacy zone names written as upper-case designators: PRC, ROC, ROK, W-SU. Abbreviations of
// times (EST, MST, CET, GMT) end in T and are left alone.
const LEGACY_ZONE = /^[A-Z][A-Z0-9-]{2,6}$/;

function zoneMatch(s: string): RegionMatch | null {
  const legacy = LEGACY_ZONE.test(s) && !s.endsWith('T');
  if (!s.includes('/') && !legacy) return null; // "Japan", "Poland", "Singapore" are words first
  const countries = zoneCountries(s);
  if (!countries || countries.length === 0) return null;
  // Designators count only as spelled in the database: "TURKEY" is a word, "Turkey" a legacy name.
  if (legacy && (countries.length !== 1 || zoneNames().get(s.toLowerCase()) !== s)) return null;
  return { kind: 'timezone', country: countries[0]! };
}

/**
 * What kind of region evidence a string is, if any: an IANA zone with a country (`Asia/Kolkata` →
 * IN, `Asia/Chongqing` → CN), a host under a ccTLD (`foo.com.cn` → CN), a locale tag with a region
 * (`zh-TW` → TW), or, only with `codeList`, a bare country code.
 */
export function classifyRegionString(s: string, options?: RegionStringOptions): RegionMatch | null {
  const t = s.trim();
  if (t.length < 2 || t.length > MAX_REGION_STRING || /\s/.test(t)) return null;

  const zone = zoneMatch(t);
  if (zone) return zone;

  const locale = localeRegion(t, { lenientCase: options?.lenientLocaleCase ?? false });
  if (locale) return { kind: 'locale', country: locale };

  if (t.includes('.')) {
    const isUrl = t.includes('://');
    // Dotted identifiers (`Cert.TBSCertificate.id`) and reverse-DNS names (`com.vendor.app`) are not hosts.
    const host = !isUrl && (t !== t.toLowerCase() || /^(com|org|net|io)\./.test(t)) ? null : hostOf(t);
    if (host && !GENERIC_USE_CCTLDS.has(host.slice(host.lastIndexOf('.') + 1))) {
      const labels = host.split('.');
      const tld = labels[labels.length - 1]!;
      const looksLikeFile = labels.length === 2 && !t.includes('://') && FILE_EXTENSION_LOOKALIKES.has(tld);
      const country = looksLikeFile ? null : (ccTlds().get(tld) ?? null);
      if (country) return { kind: 'cctld-domain', country };
    }
  }

  if (options?.codeList && /^[A-Za-z]{2}$/.test(t) && isCountryCode(t)) {
    return { kind: 'country-code', country: t.toUpperCase() };
  }
  return null;
}

export interface RegionItemMatch extends RegionMatch {
  index: number;
  item: string;
}

export interface RegionListSummary {
  /** Non-empty items examined. */
  total: number;
  matched: RegionItemMatch[];
  /** Matched items per country, most first. */
  byCountry: { country: string; count: number }[];
  /** The country with most matched items and its share of all items (0..1). */
  dominant: { country: string; count: number; share: number } | null;
  /** The ccTLD most items are hosts under and the share of all items it covers (0..1). */
  topCcTld: { tld: string; count: number; share: number } | null;
}

/** Items looked at in one list; a region list is short, and a longer list is judged by its start. */
const MAX_LIST_ITEMS = 10_000;

/** Splits decoded text on commas, semicolons, pipes and line breaks. */
export function splitList(text: string): string[] {
  return text
    .split(/[,;|\r\n]+/)
    .map((x) => x.trim())
    .filter((x) => x.length > 0);
}

/**
 * Region evidence in a decoded list (of domains, zones, locales or, with `codeList`, country codes):
 * which items matched, counts per country, and the share of items under the single most common ccTLD.
 */
export function classifyRegionList(items: string[], options?: RegionStringOptions): RegionListSummary {
  const considered = items.slice(0, MAX_LIST_ITEMS).map((x) => x.trim());
  const matched: RegionItemMatch[] = [];
  const perCountry = new Map<string, number>();
  const perTld = new Map<string, number>();
  let total = 0;
  considered.forEach((item, index) => {
    if (item.length === 0) return;
    total++;
    const m = classifyRegionString(item, options);
    if (m) {
      matched.push({ index, item, ...m });
      if (m.country) perCountry.set(m.country, (perCountry.get(m.country) ?? 0) + 1);
      if (m.kind === 'cctld-domain') {
        const host = hostOf(item)!;
        const tld = host.slice(host.lastIndexOf('.') + 1);
        perTld.set(tld, (perTld.get(tld) ?? 0) + 1);
      }
    }
  });
  const byCountry = [...perCountry]
    .map(([country, count]) => ({ country, count }))
    .sort((a, b) => b.count - a.count || a.country.localeCompare(b.country));
  const top = byCountry[0];
  const tlds = [...perTld].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const topTld = tlds[0];
  return {
    total,
    matched,
    byCountry,
    dominant: top && total > 0 ? { ...top, share: top.count / total } : null,
    topCcTld: topTld && total > 0 ? { tld: topTld[0], count: topTld[1], share: topTld[1] / total } : null,
  };
}

/**
 * Countries with a zone at this UTC offset (minutes east of UTC, as `utcOffset` in the data), for a
 * number compared with `getTimezoneOffset()` (which counts minutes *west*: -480 means UTC+8).
 */
export function countriesAtOffset(minutesEast: number): string[] {
  return offsetTable().get(minutesEast) ?? [];
}

const offsetTable = lazy(() => {
  const table = new Map<number, string[]>();
  const zones = ct.getAllTimezones({ deprecated: false });
  for (const name of Object.keys(zones)) {
    const z = zones[name as keyof typeof zones] as { utcOffset: number; countries?: string[] };
    const list = table.get(z.utcOffset) ?? [];
    for (const c of z.countries ?? []) if (!list.includes(c)) list.push(c);
    table.set(z.utcOffset, list);
  }
  for (const list of table.values()) list.sort();
  return table;
});

/** `UTC+8`, `UTC-3:30` for an offset in minutes east of UTC. */
export function formatOffset(minutesEast: number): string {
  const sign = minutesEast < 0 ? '-' : '+';
  const abs = Math.abs(minutesEast);
  return `UTC${sign}${Math.floor(abs / 60)}${abs % 60 ? ':' + String(abs % 60).padStart(2, '0') : ''}`;
}
