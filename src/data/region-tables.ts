// Lookup tables for region data written in other spellings, built once per process from maintained
// data and only when first needed: CLDR supplemental data (cldr-core: ISO alpha-3 and numeric codes,
// likely subtags, Windows zone names), country names and internationalised ccTLDs (world-countries),
// IANA zones (countries-and-timezones) and the CLDR data built into Node's ICU (long zone names).
import { createRequire } from 'node:module';
import { domainToASCII } from 'node:url';
import ct from 'countries-and-timezones';

const require = createRequire(import.meta.url);

export function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

interface WorldCountry {
  cca2: string;
  tld: string[];
  altSpellings: string[];
  name: { common: string; official: string; native?: Record<string, { common: string; official: string }> };
}

const world = lazy(() => require('world-countries/countries.json') as WorldCountry[]);

function isIsoCountry(code: string): boolean {
  return ct.getCountry(code) !== null;
}

/** ISO 3166-1 alpha-3 (`RUS`) and numeric (`643`) codes → alpha-2, from CLDR's code mappings. */
export const countryCodeAliases = lazy(() => {
  const raw = (require('cldr-core/supplemental/codeMappings.json') as { supplemental: { codeMappings: Record<string, { _alpha3?: string; _numeric?: string }> } })
    .supplemental.codeMappings;
  const map = new Map<string, string>();
  for (const [alpha2, m] of Object.entries(raw)) {
    if (alpha2.length !== 2 || !isIsoCountry(alpha2)) continue;
    if (m._alpha3) map.set(m._alpha3, alpha2);
    if (m._numeric) map.set(m._numeric, alpha2);
  }
  return map;
});

/** Country names in English (common and official) and in the country's own languages → alpha-2, keyed lower-case. */
export const countryNames = lazy(() => {
  const map = new Map<string, string>();
  for (const c of world()) {
    if (!isIsoCountry(c.cca2)) continue;
    const names = [c.name.common, c.name.official, ...Object.values(c.name.native ?? {}).flatMap((n) => [n.common, n.official])];
    for (const n of names) if (!map.has(n.toLowerCase())) map.set(n.toLowerCase(), c.cca2);
  }
  return map;
});

/** True when the letters of `label` appear in this order in `name` (`рф` in `Российская Федерация`). */
function isSubsequence(label: string, name: string): boolean {
  let i = 0;
  for (const ch of name.toLowerCase()) if (ch === label[i]) i++;
  return i === label.length;
}

/**
 * Internationalised ccTLDs in their ASCII form (`xn--p1ai`) → alpha-2. A country's list of TLDs also
 * holds generic IDN TLDs sold there (a word for "company"); a ccTLD's letters are drawn from one of the
 * country's own names, which tells them apart.
 */
export const idnCcTlds = lazy(() => {
  const map = new Map<string, string>();
  for (const c of world()) {
    if (!isIsoCountry(c.cca2)) continue;
    const names = [...Object.values(c.name.native ?? {}).flatMap((n) => [n.common, n.official]), ...c.altSpellings];
    for (const raw of c.tld) {
      const label = raw.replace(/^\.|\.$/g, '').toLowerCase();
      if (/^[\x20-\x7e]*$/.test(label)) continue;
      if (!names.some((n) => isSubsequence(label, n))) continue;
      const ascii = domainToASCII(label);
      if (ascii.startsWith('xn--')) map.set(ascii, c.cca2);
    }
  }
  return map;
});

interface LikelySubtags {
  supplemental: { likelySubtags: Record<string, string> };
}

const likely = lazy(() => (require('cldr-core/supplemental/likelySubtags.json') as LikelySubtags).supplemental.likelySubtags);

const languageDisplay = lazy(() => new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' }));

/**
 * The country a language is most likely spoken in (`fa` → IR, `uk` → UA), from CLDR likely subtags; null when unknown.
 * A three-letter code counts only when ICU names the language: most three-letter words (`hub`, `log`, `map`) are also
 * ISO 639-3 codes of small languages, and in code they are words (subcommands, keys).
 */
export function languageCountry(language: string): string | null {
  if (!/^[a-z]{2,3}$/.test(language)) return null;
  if (language.length === 3 && languageDisplay().of(language) === undefined) return null;
  const full = likely()[language];
  if (full === undefined) return null;
  const region = full.split('-').pop()!;
  return region.length === 2 && isIsoCountry(region) ? region : null;
}

/** The locale a runtime falls back to when it knows none: CLDR's likely subtags of `und` (en-Latn-US). */
export const defaultLocale = lazy(() => {
  const parts = (likely()['und'] ?? 'en-Latn-US').split('-');
  return { language: parts[0]!, region: parts[parts.length - 1]! };
});

/** Every prefix of a zone name that ends in `/` (`Asia/`, `America/Argentina/`) → countries of the zones under it. */
export const zonePrefixes = lazy(() => {
  const map = new Map<string, Set<string>>();
  const zones = ct.getAllTimezones({ deprecated: true });
  for (const name of Object.keys(zones)) {
    // The first country of a zone is the one it is named for; others only share it (Asia/Tokyo: JP, not AU).
    const countries = zones[name as keyof typeof zones].countries.slice(0, 1);
    for (let i = name.indexOf('/'); i > 0; i = name.indexOf('/', i + 1)) {
      const prefix = name.slice(0, i + 1).toLowerCase();
      let set = map.get(prefix);
      if (!set) map.set(prefix, (set = new Set()));
      for (const c of countries) set.add(c);
    }
  }
  return map;
});

interface WindowsZones {
  supplemental: { windowsZones: { mapTimezones: { mapZone: { _other: string; _type: string; _territory: string } }[] } };
}

/**
 * Long zone names (`China Standard Time`, `Pacific Daylight Time`) → countries, lower-case keys:
 * Windows zone names from CLDR, and the English long names ICU gives each IANA zone in winter and
 * summer (what `Date#toString` and `timeZoneName: 'long'` print). Built once, when a literal that
 * may be one is first seen.
 */
export const longZoneNames = lazy(() => {
  const map = new Map<string, Set<string>>();
  const add = (name: string, countries: Iterable<string>) => {
    const key = name.toLowerCase();
    let set = map.get(key);
    if (!set) map.set(key, (set = new Set()));
    for (const c of countries) set.add(c);
  };
  const windows = (require('cldr-core/supplemental/windowsZones.json') as WindowsZones).supplemental.windowsZones.mapTimezones;
  for (const { mapZone } of windows) if (mapZone._territory.length === 2 && isIsoCountry(mapZone._territory)) add(mapZone._other, [mapZone._territory]);
  const zones = ct.getAllTimezones({ deprecated: false });
  const winter = Date.UTC(2025, 0, 15);
  const summer = Date.UTC(2025, 6, 15);
  for (const name of Object.keys(zones)) {
    const countries = zones[name as keyof typeof zones].countries.slice(0, 1);
    if (countries.length === 0) continue;
    let format: Intl.DateTimeFormat;
    try {
      format = new Intl.DateTimeFormat('en', { timeZone: name, timeZoneName: 'long' });
    } catch {
      continue; // a zone this ICU does not know
    }
    for (const at of [winter, summer]) {
      const long = format.formatToParts(at).find((p) => p.type === 'timeZoneName')?.value;
      // Zones without a metazone print an offset ("GMT+03:00"), which names no region.
      if (long && !/^(GMT|UTC)\b/.test(long)) add(long, countries);
    }
  }
  return map;
});

/**
 * Scripts CLDR knows a likely country for (`und-Cyrl` → RU, `und-Thai` → TH), each with a test for
 * its letters: a letter compared with a keyboard layout names the script the user types in.
 */
const scriptTests = lazy(() => scriptCodes().map((x) => ({ test: new RegExp(`^\\p{Script=${x.code}}+$`, 'u'), country: x.country })));

/** The likely country of a short run of letters in one non-Latin script (`й` → RU, `ก` → TH); null otherwise. */
export function scriptCountry(s: string): string | null {
  if (s.length === 0 || s.length > 4 || /^[\x00-\x7f]*$/.test(s) || !/^\p{L}+$/u.test(s)) return null;
  return scriptTests().find((x) => x.test.test(s))?.country ?? null;
}

/** The script code a letter is written in, among the scripts CLDR gives a likely country (`Hani` for 雅, `Kana` for ゴ). */
const scriptCodes = lazy(() => {
  const out: { code: string; test: RegExp; country: string }[] = [];
  for (const [key, full] of Object.entries(likely())) {
    const m = /^und-([A-Z][a-z]{3})$/.exec(key);
    if (!m || m[1] === 'Latn') continue;
    const region = full.split('-').pop()!;
    if (region.length !== 2 || !isIsoCountry(region)) continue;
    try {
      out.push({ code: m[1]!, test: new RegExp(`^\\p{Script=${m[1]}}$`, 'u'), country: region });
    } catch {
      // a script code this engine's Unicode tables do not name
    }
  }
  return out;
});

/**
 * The likely country of a text in a non-Latin script (a font's own name: `微软雅黑`, `ＭＳ ゴシック`):
 * the script of its non-Latin letters, or null. Han letters are shared by Chinese, Japanese and
 * Korean: when another script is there too (kana, hangul), that one tells the country.
 */
export function textScriptCountry(s: string): string | null {
  const found = new Map<string, string>();
  for (const ch of s) {
    if (/^[\x00-\x7f]$/.test(ch) || !/^\p{L}$/u.test(ch) || /^\p{Script=Latin}$/u.test(ch)) continue;
    const hit = scriptCodes().find((x) => x.test.test(ch));
    if (hit) found.set(hit.code, hit.country);
    if (found.size > 3) break;
  }
  if (found.size > 1) found.delete('Hani');
  return found.size === 1 ? [...found.values()][0]! : null;
}

/**
 * English names of non-Latin scripts (`Arabic`, `Cyrillic`, `Thai`, from the CLDR data in Node's ICU)
 * → the country CLDR finds the script most likely used in: a font named for a script (`Noto Sans Thai`).
 */
export const scriptNames = lazy(() => {
  const names = new Intl.DisplayNames(['en'], { type: 'script', fallback: 'none' });
  const map = new Map<string, string>();
  for (const x of scriptCodes()) {
    const name = names.of(x.code);
    // One-word names only: "Simplified Han" and the like name a variant, not the script a font is made for;
    // Han is written in China, Japan and Korea alike (`Source Han Sans` is for all three).
    if (name && /^[A-Z][a-z]{2,}$/.test(name) && x.code !== 'Hani' && !map.has(name)) map.set(name, x.country);
  }
  return map;
});

/**
 * The country of a region subtag that a font family ends with (`Noto Sans JP`, `Source Han Sans KR`):
 * only regions whose likely language is written in a non-Latin script (so `GB`, `SC`, `TC` are not).
 */
export function fontRegionCountry(code: string): string | null {
  if (!/^[A-Z]{2}$/.test(code) || !isIsoCountry(code)) return null;
  const full = likely()[`und-${code}`];
  const script = full?.split('-')[1];
  return script && script !== 'Latn' ? code : null;
}
