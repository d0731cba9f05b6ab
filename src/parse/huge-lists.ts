// Cheaper path for huge homogeneous lists: a one-line array of millions of identifiers or numbers costs ~40 bytes
// of syntax tree per character (a 62 MB one took 5 GB), while what it says is little. Before such a file is
// parsed, the tail of each very long comma list of plain names and numbers is blanked to spaces: offsets, lines
// and columns stay those of the file, the first elements and the first occurrence of every name stay, and what
// was blanked is returned so that it is reported as not analysed.
//
// Safe whatever the context the scan guesses wrong: a blanked piece is `,` + one plain name or number, and it is
// blanked only when another `,` follows it, so it was a whole element of a list (array, arguments, sequence,
// declarations, parameters) or text inside a string, comment, regular expression or template. Removing it cannot
// join or split other code; it removes at most a read of a name already kept elsewhere, or list data, and both
// are reported.

/** Files shorter than this are parsed as they are: their lists cost too little memory to matter. */
export const HUGE_LIST_FROM_CHARS = 4_000_000;
/** A list shorter than this many elements is left alone. */
export const HUGE_LIST_MIN_ELEMENTS = 100_000;
/** Elements kept at the head of a reduced list, so its shape and first data are still analysed. */
export const HUGE_LIST_KEEP_ELEMENTS = 10_000;
/** Distinct names kept past the head (first occurrence of each), over all lists of a file. */
export const HUGE_LIST_KEEP_NAMES = 20_000;

export interface SkippedList {
  /** Offset of the list's first element. */
  start: number;
  /** Offset just past its last element. */
  end: number;
  elements: number;
  blanked: number;
}

export interface ReducedText {
  text: string;
  skipped: SkippedList[];
}

const COMMA = 0x2c;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function isNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x24;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isNamePart(c: number): boolean {
  return isNameStart(c) || isDigit(c);
}

/**
 * The end of a plain element starting at `i` (a name, or a number with an optional `-`: digits, letters, `_`
 * and `.`), or -1 when none starts there.
 */
function elementEnd(text: string, i: number): number {
  let c = text.charCodeAt(i);
  if (c === 0x2d) c = text.charCodeAt(++i);
  if (isDigit(c)) {
    i++;
    while (i < text.length && (isNamePart((c = text.charCodeAt(i))) || c === 0x2e)) i++;
    return i;
  }
  if (!isNameStart(c) || text.charCodeAt(i - 1) === 0x2d) return -1;
  i++;
  while (i < text.length && isNamePart(text.charCodeAt(i))) i++;
  return i;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/**
 * Starting at a comma at `i`: the pieces `,element` that are followed by another comma, as long as they go on.
 * Returns the offset of the comma that ends the run and the number of pieces.
 */
function runFrom(text: string, i: number): { end: number; pieces: number } {
  let pieces = 0;
  for (;;) {
    const el = skipSpace(text, i + 1);
    const end = elementEnd(text, el);
    if (end < 0 || isNamePart(text.charCodeAt(end)) || text.charCodeAt(end) === 0x5c) return { end: i, pieces };
    const next = skipSpace(text, end);
    if (text.charCodeAt(next) !== COMMA) return { end: i, pieces };
    pieces++;
    i = next;
  }
}

/** Where the element before the comma at `i` starts (the list's head). */
function firstElementBefore(text: string, i: number): number {
  let c: number;
  while (i > 0 && isSpace(text.charCodeAt(i - 1))) i--;
  while (i > 0 && (isNamePart((c = text.charCodeAt(i - 1))) || c === 0x2e || c === 0x2d)) i--;
  return i;
}

function blank(s: string): string {
  return s.replace(/[^\r\n]+/g, (m) => ' '.repeat(m.length));
}

/** `text` with the tails of its huge plain lists blanked; the same string when there are none. */
export function reduceHugeLists(text: string): ReducedText {
  if (text.length < HUGE_LIST_FROM_CHARS) return { text, skipped: [] };
  const out: string[] = [];
  const skipped: SkippedList[] = [];
  const names = new Set<string>();
  let copied = 0;
  let i = text.indexOf(',');
  while (i >= 0) {
    const run = runFrom(text, i);
    if (run.pieces < HUGE_LIST_MIN_ELEMENTS) {
      i = text.indexOf(',', Math.max(run.end, i) + 1);
      continue;
    }
    // Walk the run again, piece by piece: keep the head and new names, blank the rest.
    let at = i;
    let blanked = 0;
    let blankFrom = -1;
    const start = firstElementBefore(text, i);
    for (let k = 0; k < run.pieces; k++) {
      const el = skipSpace(text, at + 1);
      const end = elementEnd(text, el);
      const next = skipSpace(text, end);
      let keep = k < HUGE_LIST_KEEP_ELEMENTS;
      if (!keep && isNameStart(text.charCodeAt(el)) && names.size < HUGE_LIST_KEEP_NAMES) {
        const name = text.slice(el, end);
        keep = !names.has(name);
      }
      if (isNameStart(text.charCodeAt(el)) && names.size < HUGE_LIST_KEEP_NAMES) names.add(text.slice(el, end));
      if (keep) {
        if (blankFrom >= 0) {
          out.push(text.slice(copied, blankFrom), blank(text.slice(blankFrom, at)));
          copied = at;
          blankFrom = -1;
        }
      } else {
        blanked++;
        if (blankFrom < 0) blankFrom = at;
      }
      at = next;
    }
    if (blankFrom >= 0) {
      out.push(text.slice(copied, blankFrom), blank(text.slice(blankFrom, at)));
      copied = at;
    }
    skipped.push({ start, end: at, elements: run.pieces + 1, blanked });
    i = text.indexOf(',', at + 1);
  }
  if (skipped.length === 0) return { text, skipped };
  out.push(text.slice(copied));
  return { text: out.join(''), skipped };
}
