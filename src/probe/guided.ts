// Static-guided personas: every targeting comparison the static audit found (a zone, a UTC offset, a locale,
// an API host compared with what the tool reads) becomes a persona that satisfies it, so each branch the
// audit saw is run at least once. Only values outside the matrix are added, each varied on its own.
import fs from 'node:fs';
import type { Report } from '../model/report.js';
import { BASELINE, type Dimension, type Persona } from './persona.js';
import { zoneOffsetNow } from './render.js';

export interface GuidedPersona {
  dim: Dimension;
  value: string;
  /** The static finding and the compared value it satisfies. */
  because: string;
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

/** The personas that satisfy the comparisons in `report`, one per compared value. */
export function personasFromStatic(report: Report, now = new Date(), zoneinfo = '/usr/share/zoneinfo'): GuidedPersona[] {
  const out: GuidedPersona[] = [];
  const add = (dim: Dimension, value: string | undefined, because: string) => {
    if (value && !out.some((g) => g.dim === dim && g.value === value)) out.push({ dim, value, because });
  };
  for (const f of report.findings) {
    for (const e of f.related ?? []) {
      if (e.role !== 'condition' || !e.note) continue;
      const m = CONDITION.exec(e.note);
      if (!m) continue;
      const what = m[1]!;
      const values = [...m[3]!.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((x) => {
        try {
          return JSON.parse(x[0]!) as string;
        } catch {
          return x[1]!;
        }
      });
      for (const v of values) {
        const because = `${f.id}: ${what} compared with ${JSON.stringify(v)}`;
        if (/time zone/.test(what)) {
          if (v.includes('/') && /^[A-Za-z0-9_+/-]+$/.test(v) && !v.includes('..') && fs.existsSync(`${zoneinfo}/${v}`)) add('tz', v, because);
          else if (/^[+-]?\d+$/.test(v)) {
            const n = Number(v);
            // Hours east (|n| ≤ 14), else getTimezoneOffset() minutes (positive west).
            add('tz', zoneWithOffset(Math.abs(n) <= 14 ? n * 60 : -n, zoneinfo, now), because);
          } else if (parseOffset(v) !== undefined) add('tz', zoneWithOffset(parseOffset(v)!, zoneinfo, now), because);
        }
        if (/locale/.test(what)) add('lang', localeFor(v), because);
        if (/URL\/host/.test(what)) {
          const host = v.toLowerCase().replace(/^https?:\/\//, '').replace(/[/:].*$/, '');
          const suffixHost = host.split('.').length > 2 ? `api${host}` : `api.example${host}`;
          if (host.startsWith('.') && HOST_RE.test(suffixHost)) add('host', suffixHost, because);
          else if (HOST_RE.test(host)) add('host', host, because);
          else if (/^[a-z]{2,3}$/.test(host)) add('host', `api.example.${host}`, because);
        }
      }
    }
  }
  return out;
}

/** The guided values not already in the matrix, as personas that differ from the baseline in that one value. */
export function guidedPersonas(guided: GuidedPersona[], existing: Persona[]): Persona[] {
  const base = existing[0] ?? BASELINE;
  const out: Persona[] = [];
  for (const g of guided) {
    if (existing.some((p) => p[g.dim] === g.value) || out.some((p) => p[g.dim] === g.value)) continue;
    out.push({ ...base, [g.dim]: g.value });
  }
  return out;
}
