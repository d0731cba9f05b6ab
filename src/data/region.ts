// Region vocabulary: IANA time-zone names, country-code top-level domains, BCP 47 locale tags and
// ISO 3166 country codes, all resolved to ISO country codes from maintained data
// (countries-and-timezones, and the ICU data built into Node for language names). Other spellings
// (long zone names, zone prefixes, IDN ccTLDs, language subtags, alpha-3 and numeric codes, country
// names, regular expressions) are read with the tables of region-tables.ts.
import { domainToASCII } from 'node:url';
import ct from 'countries-and-timezones';
import { countryCodeAliases, countryNames, defaultLocale, fontRegionCountry, idnCcTlds, languageCountry, lazy, longZoneNames, scriptCountry, scriptNames, textScriptCountry, zonePrefixes } from './region-tables.js';

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

/** Country of a top-level domain label: two-letter ccTLDs and IDN ccTLDs (`xn--p1ai`, or `рф`); null otherwise. */
export function tldCountry(label: string): string | null {
  const l = label.toLowerCase();
  if (/^[a-z]{2}$/.test(l)) return ccTlds().get(l) ?? null;
  const ascii = l.startsWith('xn--') ? l : /[^\x00-\x7f]/.test(l) ? domainToASCII(l) : '';
  return ascii.startsWith('xn--') ? (idnCcTlds().get(ascii) ?? null) : null;
}

/** Country of the ccTLD a host (or URL) ends in: `foo.com.cn` → CN, `x.co.uk` → GB; null otherwise. */
export function domainCountry(host: string): string | null {
  const h = hostOf(/[^\x00-\x7f]/.test(host) ? domainToASCII(host) || host : host);
  if (h === null) return null;
  return tldCountry(h.slice(h.lastIndexOf('.') + 1));
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
    const host = !isUrl && (t !== t.toLowerCase() || /^(com|org|net|io)\./.test(t)) ? null : hostOf(/[^\x00-\x7f]/.test(t) ? domainToASCII(t) || t : t);
    if (host && !GENERIC_USE_CCTLDS.has(host.slice(host.lastIndexOf('.') + 1))) {
      const labels = host.split('.');
      const tld = labels[labels.length - 1]!;
      const looksLikeFile = labels.length === 2 && !t.includes('://') && FILE_EXTENSION_LOOKALIKES.has(tld);
      const country = looksLikeFile ? null : tldCountry(tld);
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

// ---------------------------------------------------------------- other spellings

/** What kind of region data a literal, a list or a regular expression is (the `regionKind` of a data fact). */
export type RegionDataKind = 'timezone' | 'utc-offset' | 'cctld-domain' | 'locale' | 'country-code' | 'zone-prefix' | 'zone-name' | 'language' | 'country-name' | 'geo-id' | 'script-font';

export interface RegionData {
  kind: RegionDataKind;
  /** ISO alpha-2 codes the data points at, sorted. */
  countries: string[];
  /** How the data was read, for the evidence: `ccTLDs .ru, .by`, `language subtags fa, ps`. */
  reading: string;
  /** The one item read, as shown (`-480 (UTC+8)`), when the data is a single value. */
  label?: string;
  /** The items of a list or an alternation, as written (the first MAX_ITEMS_KEPT), when there are several. */
  items?: string[];
}

/** Items of a list kept with its reading (what a probe persona can be made to satisfy; more adds nothing). */
export const MAX_ITEMS_KEPT = 16;

const KIND_WORDS: Record<RegionDataKind, string> = {
  timezone: 'time zones',
  'utc-offset': 'UTC offsets',
  'cctld-domain': 'country-code domains',
  locale: 'locales',
  'country-code': 'country codes',
  'zone-prefix': 'zone areas',
  'zone-name': 'long zone names',
  language: 'language subtags',
  'country-name': 'country names',
  'geo-id': 'Windows GeoIds',
  'script-font': 'fonts for a script',
};

function data(kind: RegionDataKind, countries: Iterable<string>, items: string[]): RegionData | null {
  const list = [...new Set(countries)].sort();
  if (list.length === 0) return null;
  const shown = items.slice(0, 8).join(', ') + (items.length > 8 ? `, … (${items.length})` : '');
  return { kind, countries: list, reading: `${KIND_WORDS[kind]} ${shown}`, ...(items.length === 1 ? { label: items[0] } : { items: items.slice(0, MAX_ITEMS_KEPT) }) };
}

/** A top-level domain written alone: `.ru`, `.рф`, `.xn--p1ai` (generic-use ccTLDs such as .io left out). */
function tldLabelCountry(s: string): string | null {
  if (!s.startsWith('.') || s.length < 3 || s.length > 64 || s.indexOf('.', 1) >= 0) return null;
  const label = s.slice(1).toLowerCase();
  if (GENERIC_USE_CCTLDS.has(label)) return null;
  return tldCountry(label);
}

/** A long zone name: `China Standard Time`, `Moscow Standard Time`, `Pacific Daylight Time` (English, as Date#toString prints it). */
function longZoneCountries(s: string): Set<string> | null {
  if (s.length < 8 || s.length > 64 || !/ Time$/i.test(s)) return null;
  return longZoneNames().get(s.toLowerCase()) ?? null;
}

/** A zone-name prefix: `Asia/`, `America/Argentina/`; null for `Etc/` (no country). */
function zonePrefixCountries(s: string): Set<string> | null {
  if (!s.endsWith('/') || s.length < 4 || s.length > 40) return null;
  const set = zonePrefixes().get(s.toLowerCase());
  return set && set.size > 0 ? set : null;
}

/**
 * Region data in a string literal wherever it appears: what `classifyRegionString` knows, plus a ccTLD
 * written alone (`.ru`), a zone prefix (`Asia/`) and a long zone name (`China Standard Time`).
 */
export function regionLiteral(s: string, options?: { longZoneNames?: boolean }): RegionData | null {
  if (s.length < 2 || s.length > MAX_REGION_STRING) return null;
  // `(China Standard Time)`: Date#toString writes the long zone name in parentheses.
  if (s.startsWith('(') && s.endsWith(')')) s = s.slice(1, -1);
  const tld = tldLabelCountry(s);
  if (tld) return data('cctld-domain', [tld], [s]);
  const prefix = zonePrefixCountries(s);
  if (prefix) return data('zone-prefix', prefix, [s]);
  if (s.includes(' ')) {
    // Long names are looked up only where one is compared or listed: any "… Time" label would
    // otherwise build the table.
    const long = options?.longZoneNames === false ? null : longZoneCountries(s.trim());
    return long ? data('zone-name', long, [s]) : null;
  }
  const r = classifyRegionString(s);
  return r?.country ? data(r.kind, [r.country], [s]) : null;
}

const REGION_SUBTAG = /^[-_]([A-Z]{2})(?:\.[A-Za-z0-9-]+)?$/;

/** ISO code in any spelling: alpha-2 or alpha-3 in capitals, numeric as a three-digit string. */
function isoCodeCountry(s: string): string | null {
  if (/^[A-Z]{2}$/.test(s)) return isCountryCode(s) ? s : null;
  if (/^[A-Z]{3}$/.test(s) || /^\d{3}$/.test(s)) return countryCodeAliases().get(s) ?? null;
  return null;
}

/**
 * Region data in a constant that is compared with a value: besides `regionLiteral`, ISO codes
 * (alpha-2, alpha-3, numeric), a language subtag (`fa`, `uk`: the country CLDR finds it most likely
 * spoken in) and a country name in English or its own script. Alone such strings are words; compared
 * with a locale or a location they are region data.
 */
export function comparedRegionConstant(s: string): RegionData | null {
  const t = s.trim();
  if (t.length === 0 || t.length > 64) return null;
  const code = isoCodeCountry(t);
  if (code) return data('country-code', [code], [t]);
  // The region part of a locale written alone (`_KP`, `-IR`, `_BY.UTF-8`), as tested with endsWith / includes.
  const sub = REGION_SUBTAG.exec(t);
  if (sub && isCountryCode(sub[1]!)) return data('country-code', [sub[1]!], [t]);
  const lang = /^[a-z]{2,3}$/.test(t) ? languageCountry(t) : null;
  if (lang) return data('language', [lang], [t]);
  const literal = regionLiteral(t);
  if (literal) return literal;
  // Names are capitalised or in another script; Latin ones shorter than four letters are words, names
  // in other scripts can be two characters (中国).
  const nonLatin = /[^\x00-\x7f]/.test(t);
  const name = (t.length >= 4 && /^[A-Z][A-Za-z .'-]+$/.test(t)) || (nonLatin && !/[\d\s]/.test(t)) ? countryNames().get(t.toLowerCase()) : undefined;
  if (name) return data('country-name', [name], [t]);
  // A letter of a non-Latin script (a key of a keyboard layout): the country CLDR finds the script most likely used in.
  const script = nonLatin ? scriptCountry(t) : null;
  if (script) return { kind: 'language', countries: [script], reading: 'a letter of a script mostly written there' };
  return scriptFontData(t);
}

/** A CSS font shorthand (`12px "Noto Sans Thai"`, `bold 1em X`): the family; else the text itself. */
function fontFamilyOf(s: string): string {
  const m = /^(?:(?:italic|oblique|bold|bolder|lighter|normal|small-caps|\d{3})\s+)*[\d.]+(?:px|pt|em|rem|%)?(?:\/[\d.]+\w*)?\s+(.+)$/i.exec(s);
  const family = (m ? m[1]!.split(',')[0]! : s).trim();
  return family.replace(/^(["'])(.*)\1$/, '$2');
}

/**
 * A font made for one script, as code checks whether it is installed: a family named for a script
 * (`Noto Sans Thai`), ending in the region of a non-Latin script (`Noto Sans KR`), or written in a
 * non-Latin script (`微软雅黑`). Fonts for Latin text (`Fira Code`, `Hiragino Sans GB`) are none.
 */
export function scriptFontData(s: string): RegionData | null {
  if (s.length < 4 || s.length > 80) return null;
  const family = fontFamilyOf(s);
  const words = family.split(/\s+/);
  let country: string | null = null;
  if (/[^\x00-\x7f]/.test(family)) country = textScriptCountry(family);
  else if (words.length >= 2 && words.every((w) => /^[A-Za-z0-9-]+$/.test(w))) {
    const named = words.slice(1).find((w) => scriptNames().has(w));
    country = fontRegionCountry(words[words.length - 1]!) ?? (named ? scriptNames().get(named)! : null);
  }
  if (!country) return null;
  return { kind: 'script-font', countries: [country], reading: `a font for a script mostly written there (${family})`, label: family };
}

/** How a read of the Windows GeoId is described (a source's detail): what the mechanisms stage matches only with GeoIds. */
export const GEO_ID_DETAIL = '(the Windows GeoId)';
/** `Get-WinHomeLocation` prints the GeoId and the location's name: a name can be matched too, a number only as a GeoId. */
export const GEO_ID_AND_NAME_DETAIL = '(the Windows GeoId and home location name)';

/** `only`: a read whose value is a GeoId; `with-name`: a GeoId next to the location's name; null: no GeoId. */
export function geoIdRead(detail: string): 'only' | 'with-name' | null {
  return detail.endsWith(GEO_ID_DETAIL) ? 'only' : detail.endsWith(GEO_ID_AND_NAME_DETAIL) ? 'with-name' : null;
}

export function isGeoIdRead(detail: string): boolean {
  return geoIdRead(detail) !== null;
}

/** The registry value and API that give the user's Windows GeoId; the PowerShell cmdlet that prints it with the name. */
const GEO_ID_READ = /International\\+Geo\b|\bGetUserGeoID\b/i;
const GEO_ID_AND_NAME_READ = /\bGet-WinHomeLocation\b/i;

/** The detail suffix for a command that reads the GeoId, or null. */
export function geoIdCommand(command: string): string | null {
  return GEO_ID_READ.test(command) ? GEO_ID_DETAIL : GEO_ID_AND_NAME_READ.test(command) ? GEO_ID_AND_NAME_DETAIL : null;
}

/**
 * A Windows GeoId (the `Nation` value of the registry's `International\Geo` key, `GetUserGeoID`): a
 * location number of Windows's own, not an ISO 3166 numeric code. No maintained package maps GeoIds to
 * countries, so the number is shown as it is and no country is named.
 */
export function geoIdData(n: number): RegionData | null {
  if (!Number.isInteger(n) || n <= 0 || n > 0xfffff) return null;
  return { kind: 'geo-id', countries: [], reading: `Windows GeoId ${n} (a Windows location number, not an ISO code; no maintained table names its country)`, label: `Windows GeoId ${n}` };
}

/**
 * `read` with its answers kept per key. A bundle repeats the same literals thousands of times (`'function'`,
 * header names, small numbers), and these readings are pure; made in a rule's `create`, the cache lasts one file.
 */
export function perValue<K extends string | number, T extends object | null>(read: (key: K) => T): (key: K) => T {
  const seen = new Map<K, T>();
  return (key) => {
    const hit = seen.get(key);
    if (hit !== undefined) return hit;
    const r = read(key);
    seen.set(key, r);
    return r;
  };
}

/** Countries of a UTC offset compared with `getTimezoneOffset()`: minutes west (-480 = UTC+8), or hours of either sign. */
export function offsetData(n: number): RegionData | null {
  if (!Number.isInteger(n) || n === 0) return null;
  if (Math.abs(n) <= 14) {
    // Hours: `getTimezoneOffset() / 60` (west) or `/ -60` (east); the sign convention is not known here.
    const both = [...countriesAtOffset(n * 60), ...countriesAtOffset(-n * 60)];
    return data('utc-offset', both, [`${n} h (${formatOffset(n * 60)} or ${formatOffset(-n * 60)})`]);
  }
  if (n % 15 !== 0 || n < -840 || n > 720) return null;
  return data('utc-offset', countriesAtOffset(-n), [`${n} (${formatOffset(-n)})`]);
}

/** Items of an array literal of strings or numbers that are, all or nearly, region data of one kind. */
export function regionList(items: (string | number)[]): RegionData | null {
  if (items.length < 2 || items.length > MAX_LIST_ITEMS) return null;
  if (items.every((x) => typeof x === 'number')) {
    const nums = items as number[];
    // A list of offsets has a zone east of UTC (negative minutes west); sizes and durations do not.
    if (!nums.some((n) => n < 0) || !nums.every((n) => Number.isInteger(n) && n !== 0 && n % 15 === 0 && n >= -840 && n <= 720)) return null;
    return data('utc-offset', nums.flatMap((n) => countriesAtOffset(-n)), nums.map((n) => `${n} (${formatOffset(-n)})`));
  }
  if (!items.every((x) => typeof x === 'string')) return null;
  const perKind = new Map<RegionDataKind, { countries: string[]; items: string[] }>();
  let matched = 0;
  let missed = 0;
  for (const item of items as string[]) {
    // Bare two-letter words in lower case are ambiguous (a language, a country, a word): capitals only.
    const r = /^[a-z]{2,3}$/.test(item) ? null : comparedRegionConstant(item);
    if (!r) {
      // More than a fifth of the items are not region data: not a list of regions (stop early in big tables).
      if (++missed > items.length * 0.2) return null;
      continue;
    }
    matched++;
    const entry = perKind.get(r.kind) ?? { countries: [], items: [] };
    entry.countries.push(...r.countries);
    entry.items.push(item);
    perKind.set(r.kind, entry);
  }
  // Nearly every item must be region data: a table of mixed words that holds "ID" or "Chad" is not a list of regions.
  if (matched < 2 || matched < items.length * 0.8) return null;
  const [kind, entry] = [...perKind].sort((a, b) => b[1].items.length - a[1].items.length)[0]!;
  const all = [...perKind.values()].flatMap((e) => e.countries);
  return data(kind, all, entry.items.length === matched ? entry.items : [...perKind.values()].flatMap((e) => e.items));
}

/**
 * The locale a runtime falls back to (CLDR's likely subtags of `und`: `en-US`, `en_US.UTF-8`, `en`).
 * A value compared with it is checked for being the default, not matched against a region.
 */
export function isDefaultLocale(s: string): boolean {
  const { language, region } = defaultLocale();
  const parts = s.split(/[.@]/)[0]!.split(/[-_]/);
  if (parts[0]!.toLowerCase() !== language) return false;
  const rest = parts.slice(1).map((p) => p.toLowerCase());
  return rest.length === 0 || rest[rest.length - 1] === region.toLowerCase();
}

// ---------------------------------------------------------------- regular expressions

/** Regex metacharacters that make the pattern more than a list of fixed strings. */
const REGEX_META = /[[\]*+?{}|()\\^$]/;

/** Fixed text of a regex piece: `\.` → `.`, `\/` → `/`; null when it holds a character class or a quantifier. */
function unescapeRegex(piece: string): string | null {
  const out = piece.replace(/\\([./\-() _:])/g, '$1').replace(/\\s/g, ' ');
  const bare = piece.replace(/\\[./\-() _:s]/g, '');
  return REGEX_META.test(bare) ? null : out;
}

/** Index of `ch` not preceded by a backslash, from `from`; -1 when none. */
function unescapedIndex(p: string, ch: string, from: number): number {
  for (let i = from; i < p.length; i++) {
    if (p[i] === '\\') i++;
    else if (p[i] === ch) return i;
  }
  return -1;
}

/** A boundary after a language subtag or at the end: `\b`, `$`, `[-_]`, `(?:-|_|$)`, `(?=[-_]|$)`. */
const END_BOUNDARY = /(?:\\b|\$|\[(?:\\?[-_.])+\]|\((?:\?[:=])?(?:[-_$|]|\\[b.\-W]|\[(?:\\?[-_.])+\])+\))+$/;
/** "A dot or the start" before a host's last labels: `(\.|^)`, `(?:^|\.)`. */
const DOT_OR_START = /^\((?:\?:)?(?:\\\.\|\^|\^\|\\\.)\)/;

export interface RegexExpansion {
  items: string[];
  anchoredStart: boolean;
  /** Ends at `$`, a word boundary or a subtag separator. */
  anchoredEnd: boolean;
}

/**
 * The fixed strings a simple regular expression matches: `^(ru|be)\b` → ru, be (anchored at the
 * start); `\.(cn|ir)$` → .cn, .ir (anchored at the end); `\((China|Taipei) Standard Time\)` → both
 * names. Patterns with character classes, quantifiers or more than one group are not lists: null.
 */
export function expandRegex(pattern: string): RegexExpansion | null {
  if (pattern.length > 2000) return null;
  let p = pattern;
  const anchoredStart = p.startsWith('^');
  if (anchoredStart) p = p.slice(1);
  if (p.startsWith('\\b')) p = p.slice(2);
  p = p.replace(DOT_OR_START, '\\.').replace(/^\[(?:-_|_-)\]/, '_');
  const end = END_BOUNDARY.exec(p);
  const anchoredEnd = end !== null;
  if (end) p = p.slice(0, end.index);
  const open = unescapedIndex(p, '(', 0);
  let prefix = '';
  let suffix = '';
  let body = p;
  if (open >= 0) {
    const inner = unescapedIndex(p, ')', open);
    if (inner < 0) return null;
    prefix = p.slice(0, open);
    body = p.slice(open + (p.startsWith('(?:', open) ? 3 : 1), inner);
    suffix = p.slice(inner + 1);
  }
  const pre = unescapeRegex(prefix);
  const post = unescapeRegex(suffix);
  if (pre === null || post === null) return null;
  const items: string[] = [];
  for (const alt of body.split('|')) {
    const a = unescapeRegex(alt);
    if (a === null || a.length === 0) return null;
    items.push(pre + a + post);
  }
  return { items, anchoredStart, anchoredEnd };
}

/**
 * Region data in a regular expression: ccTLD alternations (`/\.(xx|yy)$/`, IDN ccTLDs included),
 * language subtags at the start of a locale (`/^(xx|yy)\b/`), zones and zone prefixes, long zone
 * names, locales and hosts. Alternations of file extensions (`\.(md|sh)$`) are not ccTLDs.
 */
export function regionRegex(pattern: string, flags: string): RegionData | null {
  const x = expandRegex(pattern);
  if (!x || x.items.length > 300) return null;
  const fold = flags.includes('i');
  const items = fold ? x.items.map((i) => i.toLowerCase()) : x.items;
  if (x.anchoredEnd && items.every((i) => i.startsWith('.') || /^[a-z0-9-]+$/.test(i)) && (pattern.includes('\\.') || items.every((i) => i.startsWith('.')))) {
    const labels = items.map((i) => (i.startsWith('.') ? i.slice(i.lastIndexOf('.') + 1) : i));
    const countries = labels.map((l) => (GENERIC_USE_CCTLDS.has(l) ? null : tldCountry(l)));
    const real = labels.filter((l, k) => countries[k] !== null && !FILE_EXTENSION_LOOKALIKES.has(l));
    if (real.length > 0) return data('cctld-domain', countries.filter((c): c is string => c !== null), labels.filter((_, k) => countries[k] !== null).map((l) => '.' + l));
  }
  if (x.anchoredStart && x.anchoredEnd && items.every((i) => /^[a-z]{2,3}$/.test(i))) {
    const countries = items.map(languageCountry);
    if (countries.every((c) => c !== null)) return data('language', countries as string[], items);
  }
  // Country codes, alone (`^(XX|YY)$`) or as the region subtag ending a locale (`[-_](XX|YY)$`).
  const region = (i: string) => (x.anchoredEnd && /^[-_][A-Za-z]{2}$/.test(i) ? i.slice(1) : i);
  if (x.items.every((i) => /^[A-Z]{2}$/.test(region(i))) && (x.anchoredEnd || x.anchoredStart)) {
    const countries = x.items.map((i) => (isCountryCode(region(i)) ? region(i) : null));
    if (countries.every((c) => c !== null)) return data('country-code', countries as string[], x.items.map(region));
  }
  const found = items.map((i) => regionLiteral(i));
  const hits = found.filter((r): r is RegionData => r !== null);
  if (hits.length === 0 || hits.length < items.length * 0.8) return null;
  return data(hits[0]!.kind, hits.flatMap((h) => h.countries), items);
}
