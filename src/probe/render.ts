// What a persona's own settings look like once a tool writes them down: its zone (name, city, ICU names,
// UTC offset), a date or time in that zone (numeric shapes, the locale's month and weekday names), its locale
// tag and language name, its API host, host name, user name and proxy. `Renderer.normalize` replaces every
// such rendering with a placeholder that keeps the format (separators, order, padding class) and drops the
// value, so two values that differ only by their personas' renderings normalize to the same text. That is
// what "explained" means in the probe: computed from the settings, never guessed from "digits changed".
import { DIMENSIONS, type Persona } from './persona.js';

/** The wall-clock span of the probe's runs (epoch ms); dates and times are valid renderings only inside it. */
export interface TimeWindow {
  from: number;
  to: number;
}

/** A normalized value and, per code-point boundary of `text`, the UTF-16 offsets in the raw value: `lo` rounds
 *  down to the start of a placeholder, `hi` up to its end (equal outside placeholders). */
export interface Normalized {
  text: string;
  lo: number[];
  hi: number[];
}

/** A piece of a replacement: `text` stands for raw [start, end) (a literal piece is the raw text itself). */
interface Piece {
  text: string;
  start: number;
  end: number;
}

interface Span {
  start: number;
  end: number;
  replacement: string;
  /** When set, how the replacement maps onto the raw span piece by piece (separators keep their place). */
  pieces?: Piece[];
}

/** Volatile shapes masked after the persona renderings, as `⟨name⟩`. */
export interface MaskShape {
  name: string;
  re: RegExp;
}

const MINUTE = 60_000;
/** Beyond this many minutes the window is sampled more coarsely (dates stay exact; times get coarser). */
const MAX_SAMPLES = 720;
const SLACK_MS = 2 * MINUTE;

const EN_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const EN_WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function bcp47(lang: string): string | undefined {
  const bare = lang.split(/[.@]/)[0]!.replace('_', '-');
  if (bare === 'C' || bare === 'POSIX') return 'en-US';
  try {
    return Intl.getCanonicalLocales(bare)[0];
  } catch {
    return undefined;
  }
}

function offsetMinutes(zone: string, at: number): number | undefined {
  try {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' }).formatToParts(at);
    const get = (t: string) => Number(parts.find((x) => x.type === t)?.value);
    const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute'));
    return Math.round((asUtc - Math.floor(at / MINUTE) * MINUTE) / MINUTE);
  } catch {
    return undefined;
  }
}

/** Minutes east of UTC of `zone` at `now`. */
export function zoneOffsetNow(zone: string, now: Date): number | undefined {
  return offsetMinutes(zone, now.getTime());
}

/** `+08:00`, `+0800`, `GMT+8`, `UTC+08:00`, ... for an offset in minutes. */
export function offsetRenderings(min: number): string[] {
  const sign = min < 0 ? '-' : '+';
  const h = Math.floor(Math.abs(min) / 60);
  const m = Math.abs(min) % 60;
  const hh = String(h).padStart(2, '0');
  const mm = String(m).padStart(2, '0');
  const short = m ? `${h}:${mm}` : String(h);
  const out = [`${sign}${hh}:${mm}`, `${sign}${hh}${mm}`];
  for (const p of ['GMT', 'UTC']) out.push(min === 0 ? p : `${p}${sign}${short}`, `${p}${sign}${hh}:${mm}`, `${p}${sign}${hh}${mm}`);
  return out;
}

interface ZoneFacts {
  dates: Set<string>;
  times: Set<string>;
  offsets: Set<number>;
  months: Set<number>;
  weekdays: Set<number>;
}

const zoneCache = new Map<string, ZoneFacts>();

/** Calendar dates (y-m-d), wall times (h:m) and offsets of `zone` at the instants of the window. */
function zoneFacts(zone: string, w: TimeWindow): ZoneFacts {
  const key = `${zone}|${w.from}|${w.to}`;
  const hit = zoneCache.get(key);
  if (hit) return hit;
  const facts: ZoneFacts = { dates: new Set(), times: new Set(), offsets: new Set(), months: new Set(), weekdays: new Set() };
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', weekday: 'short' });
  } catch {
    zoneCache.set(key, facts);
    return facts;
  }
  const from = w.from - SLACK_MS;
  const to = w.to + SLACK_MS;
  const step = Math.max(MINUTE, Math.ceil((to - from) / MAX_SAMPLES / MINUTE) * MINUTE);
  for (let t = from; t <= to + step - 1; t += step) {
    const at = Math.min(t, to);
    const parts = fmt.formatToParts(at);
    const get = (k: string) => parts.find((x) => x.type === k)?.value ?? '';
    const [y, mo, d, h, mi] = ['year', 'month', 'day', 'hour', 'minute'].map((k) => Number(get(k)));
    facts.dates.add(`${y}-${mo}-${d}`);
    facts.times.add(`${h! % 24}:${mi}`);
    facts.months.add(mo! - 1);
    facts.weekdays.add(EN_WEEKDAYS.findIndex((n) => n.startsWith(get('weekday'))));
    const off = offsetMinutes(zone, at);
    if (off !== undefined) facts.offsets.add(off);
  }
  zoneCache.set(key, facts);
  return facts;
}

interface Literal {
  text: string;
  tag: string;
}

function names(locale: string, zone: string, at: number): string[] {
  const out: string[] = [];
  for (const style of ['short', 'long', 'shortGeneric', 'longGeneric'] as const) {
    try {
      const part = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: style }).formatToParts(at).find((x) => x.type === 'timeZoneName');
      if (part) out.push(part.value);
    } catch {
      // Unknown to ICU: the zone name itself still renders it.
    }
  }
  return out;
}

function localeLiterals(lang: string): string[] {
  const out = [lang];
  const bare = lang.split(/[.@]/)[0]!;
  out.push(bare, bare.replace('_', '-'));
  const tag = bcp47(lang);
  if (tag) {
    const language = tag.split('-')[0]!;
    out.push(tag, language);
    for (const display of ['en', tag]) {
      try {
        const dn = new Intl.DisplayNames([display], { type: 'language' });
        for (const t of [tag, language]) {
          const n = dn.of(t);
          if (n && n !== t) out.push(n);
        }
      } catch {
        // No display names for that locale.
      }
    }
  }
  return out;
}

/** Month and weekday names (long and short, format and stand-alone) of a locale, by month/weekday index. */
function calendarNames(locale: string): { months: Map<string, number>; weekdays: Map<string, number> } {
  const months = new Map<string, number>();
  const weekdays = new Map<string, number>();
  for (let m = 0; m < 12; m++) {
    const at = Date.UTC(2021, m, 15, 12);
    for (const style of ['long', 'short'] as const) {
      try {
        for (const opts of [{ month: style }, { month: style, day: 'numeric' }] as Intl.DateTimeFormatOptions[]) {
          const p = new Intl.DateTimeFormat(locale, { ...opts, timeZone: 'UTC' }).formatToParts(at).find((x) => x.type === 'month');
          if (p && /\p{L}/u.test(p.value)) months.set(p.value.replace(/\.$/, ''), m);
        }
      } catch {
        // Locale without names.
      }
    }
    months.set(EN_MONTHS[m]!, m);
    months.set(EN_MONTHS[m]!.slice(0, 3), m);
  }
  for (let d = 0; d < 7; d++) {
    const at = Date.UTC(2021, 7, 1 + d, 12); // 2021-08-01 was a Sunday
    for (const style of ['long', 'short'] as const) {
      try {
        const p = new Intl.DateTimeFormat(locale, { weekday: style, timeZone: 'UTC' }).formatToParts(at).find((x) => x.type === 'weekday');
        if (p) weekdays.set(p.value.replace(/\.$/, ''), d);
      } catch {
        // Locale without names.
      }
    }
    weekdays.set(EN_WEEKDAYS[d]!, d);
    weekdays.set(EN_WEEKDAYS[d]!.slice(0, 3), d);
  }
  return { months, weekdays };
}

const ALNUM = /[\p{L}\p{N}]/u;

/** `2026-12-02T08:38:00+08:00` → `YYYY-NN-NNTNN:NN:NN⟨tz⟩`: separators, order and AM/PM kept, values dropped;
 *  month and weekday names (keys of `names`) become `MMM` / `WWW`. Pieces are at raw offsets from `at`. */
export function dateShape(text: string, at = 0, offset?: string, names?: (word: string) => string | undefined): { shape: string; pieces: Piece[] } {
  const pieces: Piece[] = [];
  const body = offset ? text.slice(0, text.length - offset.length) : text;
  const meridiem = /\s?([AaPp][Mm]|[AaPp]\.[Mm]\.)$/u.exec(body);
  const main = meridiem ? body.slice(0, body.length - meridiem[1]!.length) : body;
  for (const m of main.matchAll(/\d+|\p{L}+|[^\d\p{L}]/gu)) {
    const t = m[0]!;
    const start = at + m.index!;
    const end = start + t.length;
    if (/^\d/.test(t)) pieces.push({ text: t.length === 4 ? 'YYYY' : 'NN', start, end });
    else if (/^\p{L}/u.test(t)) pieces.push({ text: names?.(t) ?? t, start, end });
    else pieces.push({ text: t, start, end });
  }
  if (meridiem) pieces.push({ text: 'a', start: at + main.length, end: at + body.length });
  if (offset) {
    const lead = offset.startsWith(' ') ? 1 : 0;
    if (lead) pieces.push({ text: ' ', start: at + body.length, end: at + body.length + 1 });
    pieces.push({ text: '⟨tz⟩', start: at + body.length + lead, end: at + text.length });
  }
  return { shape: pieces.map((p) => p.text).join(''), pieces };
}

/** Replaces renderings of one or more personas' settings in a value; built once per persona pair. */
export class Renderer {
  private readonly zones: string[];
  private readonly literalRe: RegExp | undefined;
  private readonly literalTag = new Map<string, string>();
  private readonly months = new Map<string, number>();
  private readonly weekdays = new Map<string, number>();
  private readonly textDateRe: RegExp | undefined;
  private readonly facts: ZoneFacts[];
  /** Shapes of the locales' own Intl renderings (`NN.NN.YYYY` for de-DE's date) → the style's placeholder. */
  private readonly templates = new Map<string, string>();

  constructor(personas: Persona[], window: TimeWindow) {
    this.zones = [...new Set(['UTC', ...personas.map((p) => p.tz)])];
    this.facts = this.zones.map((z) => zoneFacts(z, window));
    const at = Math.round((window.from + window.to) / 2);
    const literals: Literal[] = [];
    const locales = [...new Set(['en-US', ...personas.map((p) => bcp47(p.lang) ?? 'en-US')])];
    for (const p of personas) {
      for (const dim of DIMENSIONS) {
        const v = p[dim];
        if (dim === 'tz') {
          const city = v.split('/').pop()!;
          for (const t of [v, city, city.replace(/_/g, ' ')]) literals.push({ text: t, tag: 'tz' });
          for (const loc of locales) for (const n of names(loc, v, at)) literals.push({ text: n, tag: 'tz' });
          for (const off of zoneFacts(v, window).offsets) for (const r of offsetRenderings(off)) literals.push({ text: r, tag: 'tz' });
        } else if (dim === 'lang') {
          for (const t of localeLiterals(v)) literals.push({ text: t, tag: 'lang' });
        } else if (dim === 'proxy') {
          if (v !== 'none') {
            const u = new URL(v);
            literals.push({ text: v.replace(/\/$/, ''), tag: 'proxy' }, { text: u.host, tag: 'proxy' }, { text: u.hostname, tag: 'proxy' });
          }
        } else if (dim === 'scheme') {
          literals.push({ text: `${v}://`, tag: 'scheme' });
        } else {
          literals.push({ text: v, tag: dim });
        }
      }
    }
    const seen = new Set<string>();
    const uniq = literals.filter((l) => l.text.length >= 2 && !seen.has(l.text.toLowerCase()) && seen.add(l.text.toLowerCase()));
    uniq.sort((a, b) => b.text.length - a.text.length);
    for (const l of uniq) this.literalTag.set(l.text.toLowerCase(), l.tag);
    if (uniq.length) this.literalRe = new RegExp(uniq.map((l) => escapeRe(l.text)).join('|'), 'giu');
    for (const loc of locales) {
      const n = calendarNames(loc);
      for (const [k, v] of n.months) this.months.set(k.toLowerCase(), v);
      for (const [k, v] of n.weekdays) this.weekdays.set(k.toLowerCase(), v);
    }
    const alt = (m: Map<string, number>) => [...m.keys()].sort((a, b) => b.length - a.length).map(escapeRe).join('|');
    const MON = `(${alt(this.months)})\\.?`;
    const WD = `(?:(${alt(this.weekdays)})\\.?,?\\s)?`;
    // "Wed Dec 02 2026", "December 2, 2026", "2. Dezember 2026", "2 de dezembro de 2026", "2 декабря 2026 г."
    this.textDateRe = new RegExp(`${WD}(?:${MON}\\s(\\d{1,2}),?\\s(\\d{4})|(\\d{1,2})\\.?\\s(?:\\p{L}{1,3}\\s)?${MON}(?:\\s\\p{L}{1,3})?,?\\s(\\d{4}))`, 'giu');

    // A date written the locale's own way renders the locale and the zone: both sides get the style's name.
    const styles: [string, Intl.DateTimeFormatOptions][] = [
      ['date', {}],
      ['datetime', { year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }],
      ['time', { hour: 'numeric', minute: 'numeric', second: 'numeric' }],
      ['date-short', { dateStyle: 'short' }],
      ['date-medium', { dateStyle: 'medium' }],
      ['date-long', { dateStyle: 'long' }],
      ['date-full', { dateStyle: 'full' }],
      ['time-short', { timeStyle: 'short' }],
      ['datetime-short', { dateStyle: 'short', timeStyle: 'short' }],
      ['datetime-medium', { dateStyle: 'medium', timeStyle: 'medium' }],
    ];
    for (const loc of locales) {
      for (const [style, opts] of styles) {
        let text: string;
        try {
          text = new Intl.DateTimeFormat(loc, { ...opts, timeZone: 'UTC' }).format(at);
        } catch {
          continue;
        }
        const found: Span[] = [];
        this.dateSpans(text, found, false);
        for (const sp of found) if (!this.templates.has(sp.replacement)) this.templates.set(sp.replacement, `⟨${style}⟩`);
      }
    }
  }

  private validDate(y: number, m: number, d: number): boolean {
    if (y < 100) y += 2000;
    return this.facts.some((f) => f.dates.has(`${y}-${m}-${d}`));
  }

  private validTime(h: number, m: number, meridiem?: string): boolean {
    let hh = h;
    if (meridiem) {
      if (h < 1 || h > 12) return false;
      const pm = /^p/i.test(meridiem.trim());
      hh = (h % 12) + (pm ? 12 : 0);
    }
    return this.facts.some((f) => f.times.has(`${hh % 24}:${m}`));
  }

  private validOffset(text: string): boolean {
    if (text === 'Z') return true;
    const m = /^(?:GMT|UTC)?([+-])(\d{1,2}):?(\d{2})?$/.exec(text.trim());
    if (!m) return /^(GMT|UTC)$/.test(text.trim());
    const min = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
    return min === 0 || this.facts.some((f) => f.offsets.has(min));
  }

  /** Spans of dates and times in one of the zones; the shape keeps separators and drops the digits. */
  private dateSpans(s: string, out: Span[], useTemplates = true): void {
    const shaped = (start: number, text: string, d: { shape: string; pieces: Piece[] }): Span => {
      const template = useTemplates ? this.templates.get(d.shape) : undefined;
      return template ? { start, end: start + text.length, replacement: template } : { start, end: start + text.length, replacement: d.shape, pieces: d.pieces };
    };
    const SEP = '([-/.]|\\.\\s)';
    const TIME = '(\\d{1,2}):(\\d{2})(?::(\\d{2})(?:[.,](\\d{1,9}))?)?(\\s?(?:[AaPp][Mm]|[AaPp]\\.[Mm]\\.))?';
    const OFF = '(Z|\\s?(?:GMT|UTC)?[+-]\\d{1,2}(?::?\\d{2})?(?![\\d]))?';
    const re = new RegExp(
      `(?<![\\d.])(?:(\\d{4})${SEP}(\\d{1,2})${SEP}(\\d{1,2})\\.?|(\\d{1,2})${SEP}(\\d{1,2})${SEP}(\\d{4}|\\d{2})|(\\d{4})年(\\d{1,2})月(\\d{1,2})日)(?:(T|,?\\s)${TIME})?${OFF}(?![\\d])|(?<![\\d:.])${TIME}${OFF}(?![\\d:])`,
      'gu',
    );
    for (const m of s.matchAll(re)) {
      const g = (i: number) => m[i];
      let ok: boolean;
      let off: string | undefined;
      if (g(1) || g(6) || g(11)) {
        if (g(1)) ok = this.validDate(+g(1)!, +g(3)!, +g(5)!);
        else if (g(6)) ok = this.validDate(+g(10)!, +g(8)!, +g(6)!) || this.validDate(+g(10)!, +g(6)!, +g(8)!);
        else ok = this.validDate(+g(11)!, +g(12)!, +g(13)!);
        if (g(15) !== undefined) ok = ok && this.validTime(+g(15)!, +g(16)!, g(19));
        off = g(20);
      } else {
        ok = this.validTime(+g(21)!, +g(22)!, g(25));
        off = g(26);
      }
      if (off !== undefined) ok = ok && this.validOffset(off);
      if (ok) out.push(shaped(m.index!, m[0]!, dateShape(m[0]!, m.index!, off)));
    }
    if (this.textDateRe) {
      for (const m of s.matchAll(this.textDateRe)) {
        const [, wd, mon1, d1, y1, d2, mon2, y2] = m;
        const month = this.months.get((mon1 ?? mon2)!.toLowerCase());
        const day = +(d1 ?? d2)!;
        const year = +(y1 ?? y2)!;
        if (month === undefined || !this.validDate(year, month + 1, day)) continue;
        if (wd !== undefined && !this.facts.some((f) => f.weekdays.has(this.weekdays.get(wd.toLowerCase()) ?? -1))) continue;
        const names = (w: string) => (this.months.has(w.toLowerCase()) ? 'MMM' : this.weekdays.has(w.toLowerCase()) ? 'WWW' : undefined);
        out.push(shaped(m.index!, m[0]!, dateShape(m[0]!, m.index!, undefined, names)));
      }
    }
  }

  private literalSpans(s: string, out: Span[]): void {
    if (!this.literalRe) return;
    for (const m of s.matchAll(this.literalRe)) {
      const start = m.index!;
      const end = start + m[0]!.length;
      // A rendering stands on its own: `en` is not the end of `token`.
      if (ALNUM.test(m[0]![0]!) && start > 0 && ALNUM.test(s[start - 1]!)) continue;
      if (ALNUM.test(m[0]![m[0]!.length - 1]!) && end < s.length && ALNUM.test(s[end]!)) continue;
      out.push({ start, end, replacement: `⟨${this.literalTag.get(m[0]!.toLowerCase()) ?? 'persona'}⟩` });
    }
  }

  /** Spans to replace, earliest first, without overlaps: dates before literals before volatile masks. */
  spans(s: string, masks: MaskShape[] = [], personaRenderings = true): Span[] {
    const cand: Span[][] = [];
    if (personaRenderings) {
      const dates: Span[] = [];
      this.dateSpans(s, dates);
      const lits: Span[] = [];
      this.literalSpans(s, lits);
      cand.push(dates, lits);
    }
    for (const mask of masks) {
      const list: Span[] = [];
      for (const m of s.matchAll(new RegExp(mask.re.source, mask.re.flags.includes('g') ? mask.re.flags : mask.re.flags + 'g'))) {
        if (m[0]!.length) list.push({ start: m.index!, end: m.index! + m[0]!.length, replacement: `⟨${mask.name}⟩` });
      }
      cand.push(list);
    }
    const taken: Span[] = [];
    for (const list of cand) {
      for (const sp of list.sort((a, b) => a.start - b.start || b.end - a.end)) {
        if (taken.some((t) => sp.start < t.end && t.start < sp.end)) continue;
        taken.push(sp);
      }
    }
    return taken.sort((a, b) => a.start - b.start);
  }

  normalize(s: string, masks: MaskShape[] = [], personaRenderings = true): Normalized {
    return applySpans(s, this.spans(s, masks, personaRenderings));
  }
}

/** Builds the normalized text and its offset maps (by code point of the normalized text). */
export function applySpans(s: string, spans: Span[]): Normalized {
  let text = '';
  const lo: number[] = [];
  const hi: number[] = [];
  let pos = 0;
  const copy = (to: number) => {
    while (pos < to) {
      const cp = s.codePointAt(pos)!;
      const ch = String.fromCodePoint(cp);
      lo.push(pos);
      hi.push(pos);
      text += ch;
      pos += ch.length;
    }
  };
  const place = (t: string, start: number, end: number) => {
    const n = [...t].length;
    for (let i = 0; i < n; i++) {
      lo.push(start);
      hi.push(i === 0 ? start : end);
    }
    text += t;
  };
  for (const sp of spans) {
    copy(sp.start);
    if (sp.pieces) {
      for (const p of sp.pieces) {
        if (p.text === s.slice(p.start, p.end)) {
          pos = p.start;
          copy(p.end);
        } else place(p.text, p.start, p.end);
      }
    } else place(sp.replacement, sp.start, sp.end);
    pos = sp.end;
  }
  copy(s.length);
  lo.push(s.length);
  hi.push(s.length);
  return { text, lo, hi };
}

/** A normalizer that only masks volatile shapes (no persona renderings). */
export function maskOnly(s: string, masks: MaskShape[]): Normalized {
  const spans: Span[] = [];
  for (const mask of masks) {
    for (const m of s.matchAll(new RegExp(mask.re.source, mask.re.flags.includes('g') ? mask.re.flags : mask.re.flags + 'g'))) {
      if (!m[0]!.length) continue;
      const sp = { start: m.index!, end: m.index! + m[0]!.length, replacement: `⟨${mask.name}⟩` };
      if (!spans.some((t) => sp.start < t.end && t.start < sp.end)) spans.push(sp);
    }
  }
  return applySpans(s, spans.sort((a, b) => a.start - b.start));
}
