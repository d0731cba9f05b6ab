// Static-guided personas: every comparison the static audit found of a zone, a UTC offset, a locale or an API
// host with constants becomes a persona that satisfies it, so each branch the audit saw is run at least once.
// The comparisons come from the report's inventory (`inventory.comparisons`, targeting or not: a configured
// endpoint compared with country domains is no finding, yet a branch to run) and from the condition steps of its
// findings (reports made before the inventory listed comparisons). A comparison some persona already satisfies
// adds nothing; otherwise one persona is added, varied on its own from the baseline.
import fs from 'node:fs';
import type { ComparedValues, Report } from '../model/report.js';
import type { SourceKind } from '../model/traits.js';
import { BASELINE, MAX_PERSONAS, type Dimension, type Persona } from './persona.js';
import { zoneOffsetNow } from './render.js';

/** A persona added for a comparison. */
export interface GuidedPersona {
  dim: Dimension;
  value: string;
  /** Where the comparison is (or the static finding whose condition it is) and the value it satisfies. */
  because: string;
}

/** One comparison the static audit found, and the persona values that would satisfy it (one per compared value). */
export interface GuidedComparison {
  /** `cli.js:12:5` or a finding id, and what is compared. */
  where: string;
  what: string;
  choices: { dim: Dimension; value: string; compared: string }[];
}

const HOST_RE = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/i;
const CONDITION = /^(.*?) compared \(([^)]*)\) with (.*)$/s;

/** A zone whose offset is `eastMinutes` now (the first in a stable order), or undefined. */
function zoneWithOffset(eastMinutes: number, zoneinfo: string, now: Date): string | undefined {
  const zones = (Intl as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  return zones.filter((z) => z.includes('/') && !z.startsWith('Etc/') && fs.existsSync(`${zoneinfo}/${z}`)).find((z) => zoneOffsetNow(z, now) === eastMinutes);
}

/** `+08:00`, `GMT+8`, `UTC-05:30` → minutes east. */
function parseOffset(s: string): number | undefined {
  const m = /^(?:GMT|UTC)?([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(s.trim());
  if (!m) return undefined;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

function localeFor(v: string): string | undefined {
  if (!/^[a-z]{2,3}([-_][A-Za-z]{2,4})?$/.test(v)) return undefined;
  try {
    const loc = new Intl.Locale(v.replace('_', '-')).maximize();
    if (!loc.region) return undefined;
    return `${loc.language}_${loc.region}.UTF-8`;
  } catch {
    return undefined;
  }
}

function zoneFor(v: string, zoneinfo: string, now: Date): string | undefined {
  if (v.includes('/') && /^[A-Za-z0-9_+/-]+$/.test(v) && !v.includes('..') && fs.existsSync(`${zoneinfo}/${v}`)) return v;
  // An offset as the static audit shows it: `-480 (UTC+8)` (getTimezoneOffset() minutes), `8 h (…)`, or bare.
  const n = /^([+-]?\d+)(?: h)?(?: \(.*\))?$/.exec(v.trim());
  if (n) {
    const x = Number(n[1]);
    // Hours east (|x| ≤ 14), else getTimezoneOffset() minutes (positive west).
    return zoneWithOffset(Math.abs(x) <= 14 ? x * 60 : -x, zoneinfo, now);
  }
  const off = parseOffset(v);
  return off === undefined ? undefined : zoneWithOffset(off, zoneinfo, now);
}

/** A base-URL host that a comparison with `v` (a host, a suffix `.example.kr`, a ccTLD, a URL) accepts. */
function hostFor(v: string): string | undefined {
  const host = v.toLowerCase().replace(/^https?:\/\//, '').replace(/[/:].*$/, '');
  if (host.startsWith('.')) {
    const suffixHost = host.split('.').length > 2 ? `api${host}` : `api.example${host}`;
    return HOST_RE.test(suffixHost) ? suffixHost : undefined;
  }
  if (HOST_RE.test(host)) return host;
  return /^[a-z]{2,3}$/.test(host) ? `api.example.${host}` : undefined;
}

type Mapper = (v: string) => { dim: Dimension; value: string | undefined };

function mappers(zoneinfo: string, now: Date): Partial<Record<SourceKind, Mapper>> {
  return {
    timezone: (v) => ({ dim: 'tz', value: zoneFor(v, zoneinfo, now) }),
    locale: (v) => ({ dim: 'lang', value: localeFor(v) }),
    // The configured endpoint: the persona's base-URL host (the name resolves to the loopback mocks).
    'host-url': (v) => ({ dim: 'host', value: hostFor(v) }),
  };
}

function choicesFor(kinds: SourceKind[], values: string[], map: Partial<Record<SourceKind, Mapper>>): GuidedComparison['choices'] {
  const out: GuidedComparison['choices'] = [];
  for (const kind of kinds) {
    const m = map[kind];
    if (!m) continue;
    for (const v of values) {
      const { dim, value } = m(v);
      if (value && !out.some((c) => c.dim === dim && c.value === value)) out.push({ dim, value, compared: v });
    }
  }
  return out;
}

/** The label the static findings' condition steps use for a source kind (`time zone`, `locale`, `… URL/host`). */
const CONDITION_KINDS: [RegExp, SourceKind][] = [
  [/time zone/, 'timezone'],
  [/locale/, 'locale'],
  [/URL\/host/, 'host-url'],
];

function quotedValues(s: string): string[] {
  return [...s.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((x) => {
    try {
      return JSON.parse(x[0]!) as string;
    } catch {
      return x[1]!;
    }
  });
}

/** The comparisons of `report` that a persona can satisfy: the inventory's, then the findings' condition steps. */
export function comparisonsFromStatic(report: Report, now = new Date(), zoneinfo = '/usr/share/zoneinfo'): GuidedComparison[] {
  const map = mappers(zoneinfo, now);
  const out: GuidedComparison[] = [];
  const add = (where: string, what: string, choices: GuidedComparison['choices']) => {
    if (choices.length) out.push({ where, what, choices });
  };
  for (const c of report.inventory?.comparisons ?? ([] as ComparedValues[])) {
    if (!Array.isArray(c.sources) || !Array.isArray(c.values)) continue;
    const where = `${c.location?.file}:${c.location?.line}:${c.location?.column}`;
    add(where, `${c.sources.join(' and ')} ${c.op} ${c.values.map((v) => JSON.stringify(v)).join(', ')}`, choicesFor(c.sources, c.values.map(String), map));
  }
  for (const f of report.findings) {
    for (const e of f.related ?? []) {
      if (e.role !== 'condition' || !e.note) continue;
      const m = CONDITION.exec(e.note);
      if (!m) continue;
      const kinds = CONDITION_KINDS.filter(([re]) => re.test(m[1]!)).map(([, k]) => k);
      add(f.id, `${m[1]} ${m[2]} ${m[3]}`, choicesFor(kinds, quotedValues(m[3]!), map));
    }
  }
  return out;
}

/**
 * The personas to add: for each comparison no persona satisfies yet (the matrix's or one added before), one that
 * differs from the baseline in the first value it accepts. At most `room` are added; the comparisons left without
 * one are returned, so the report can say which branches were not run.
 */
export function guidedPersonas(comparisons: GuidedComparison[], existing: Persona[], room = MAX_PERSONAS - existing.length): { personas: Persona[]; guided: GuidedPersona[]; notRun: GuidedComparison[] } {
  const base = existing[0] ?? BASELINE;
  const personas: Persona[] = [];
  const guided: GuidedPersona[] = [];
  const notRun: GuidedComparison[] = [];
  const satisfied = (c: GuidedComparison) => c.choices.some((ch) => [...existing, ...personas].some((p) => p[ch.dim] === ch.value));
  for (const c of comparisons) {
    if (satisfied(c)) continue;
    if (personas.length >= room) {
      notRun.push(c);
      continue;
    }
    const ch = c.choices[0]!;
    personas.push({ ...base, [ch.dim]: ch.value });
    guided.push({ dim: ch.dim, value: ch.value, because: `${c.where}: ${c.what} (satisfied by ${JSON.stringify(ch.compared)})` });
  }
  return { personas, guided, notRun };
}
