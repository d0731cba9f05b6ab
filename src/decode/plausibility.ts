// How much a decoded string looks like something a person or program wrote on purpose: prose,
// a list of domains, zones or locales, identifiers, paths. Random bytes, and the near-miss output
// of a wrong XOR key, must score low.

/** Only the start of long texts is scored; the verdict does not improve with more of the same. */
const SAMPLE_CHARS = 64 * 1024;
const MAX_TOKENS = 4096;

/** Decoded text scoring at least this is accepted as the plaintext. */
export const PLAUSIBLE = 0.65;

const SEPARATORS = /[\s,;|]+/;
const EDGE_PUNCTUATION = /^[("'[{<]+|[)"'\]}>.!?:]+$/g;
const PATH_SEGMENT = String.raw`(?:[a-z0-9]+(?:[._-][a-z0-9]+)*|(?:[A-Z][a-z]+)+(?:\.[a-z0-9]+)?|\.{1,2}|@[a-z0-9-]+)`;
const PATH = new RegExp(String.raw`^\/?${PATH_SEGMENT}(?:\/${PATH_SEGMENT})+\/?$`);
const TOKEN_SHAPES: readonly RegExp[] = [
  /^[+-]?\d+(?:[.:]\d+)*%?$/, // numbers, versions, times
  /^(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}\.?$/i, // host names
  /^[a-z][a-z0-9+.-]*:\/\/\S+$/i, // URLs
  /^[A-Z][A-Za-z_+-]+(?:\/[A-Za-z0-9][A-Za-z0-9_+-]*)+$/, // tz names: Area/Location
  /^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})+$/, // locale tags
  PATH,
  /^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$/, // e-mail addresses
];
// English letter frequencies (per cent), mixed with a uniform share so other languages and
// transliterations (pinyin host names) are not punished much; a wrong XOR key that maps letters to
// letters still shifts the distribution towards rare letters.
const LETTER_FREQ = [
  8.2, 1.5, 2.8, 4.3, 12.7, 2.2, 2.0, 6.1, 7.0, 0.15, 0.77, 4.0, 2.4, 6.7, 7.5, 1.9, 0.095, 6.0, 6.3, 9.1, 2.8, 0.98,
  2.4, 0.15, 2.0, 0.074,
];
export const LETTER_LOG2P: readonly number[] = (() => {
  const sum = LETTER_FREQ.reduce((a, b) => a + b, 0);
  return LETTER_FREQ.map((f) => Math.log2((0.75 * f) / sum + 0.25 / 26));
})();
const MIN_LETTERS_FOR_NATURALNESS = 12;

const WORD = /^[A-Za-z]+(?:['-][A-Za-z]+)*$/;
// camelCase, PascalCase, snake_case, CONSTANT_CASE, each with an optional number at the end.
const IDENTIFIER = /^(?:[a-z]+(?:[A-Z][a-z]+)*|(?:[A-Z][a-z]+)+|[a-z]+(?:_[a-z]+)+|[A-Z]+(?:_[A-Z]+)+)\d*$/;
const VOWEL = /[aeiouyAEIOUY]/;
const LATIN_WORD = /^[\p{Script=Latin}\p{M}'’-]+$/u;
const OTHER_SCRIPT_WORDS: readonly RegExp[] = [
  /^[\p{Script=Cyrillic}\p{M}'’-]+$/u,
  /^[\p{Script=Greek}\p{M}'’-]+$/u,
  /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー\p{P}]+$/u,
  /^[\p{Script=Hangul}\p{P}]+$/u,
  /^[\p{Script=Arabic}\p{M}]+$/u,
  /^[\p{Script=Hebrew}\p{M}]+$/u,
  /^[\p{Script=Devanagari}\p{M}]+$/u,
  /^[\p{Script=Thai}\p{M}]+$/u,
];
const PRINTABLE_NON_ASCII = /[\p{L}\p{M}\p{N}\p{P}\p{S}\p{Zs}]/u;

function wordlike(token: string): boolean {
  const t = token.replace(EDGE_PUNCTUATION, '');
  if (t.length === 0) return token.length <= 3; // lone punctuation such as "-" or "..."
  if (WORD.test(t) && (t.length <= 3 || VOWEL.test(t))) return true;
  for (const shape of TOKEN_SHAPES) if (shape.test(t)) return true;
  if (IDENTIFIER.test(t)) return VOWEL.test(t);
  if (!/[^\x00-\x7f]/.test(t)) return false;
  // Accented Latin words are mostly ASCII letters ("München"); noise from a wrong key lands in
  // Latin Extended or mixes scripts, while real words keep to one script.
  if (LATIN_WORD.test(t)) {
    const ascii = t.replace(/[^A-Za-z]/g, '').length;
    return ascii * 5 >= t.length * 3 && VOWEL.test(t);
  }
  return OTHER_SCRIPT_WORDS.some((re) => re.test(t));
}

function isTextAscii(c: number): boolean {
  return (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    (c >= 48 && c <= 57) ||
    c === 32 ||
    c === 10 ||
    c === 13 ||
    c === 9 ||
    ".,'\"-_/:;()!?@".includes(String.fromCharCode(c))
  );
}

/** 0..1: printable share, then the share of characters in word-, domain-, zone-, locale-like tokens. */
export function plausibility(text: string): number {
  const t = text.length > SAMPLE_CHARS ? text.slice(0, SAMPLE_CHARS) : text;
  if (t.length === 0) return 0;

  let total = 0;
  let printable = 0;
  let textChars = 0;
  let letters = 0;
  let letterLog2p = 0;
  // By code point, without an iterator (this runs on every candidate string of a bundle).
  for (let i = 0; i < t.length; ) {
    const c = t.codePointAt(i)!;
    const width = c > 0xffff ? 2 : 1;
    const at = i;
    i += width;
    total++;
    if (c < 0x80) {
      if (c === 9 || c === 10 || c === 13 || (c >= 0x20 && c < 0x7f)) printable++;
      if (isTextAscii(c)) textChars++;
      const letter = (c | 0x20) - 97;
      if (letter >= 0 && letter < 26) {
        letters++;
        letterLog2p += LETTER_LOG2P[letter]!;
      }
    } else if (c !== 0xfffd) {
      const ch = t.slice(at, i);
      if (!PRINTABLE_NON_ASCII.test(ch)) continue;
      printable++;
      if (/\p{L}/u.test(ch)) textChars++;
    }
  }
  const printableShare = printable / total;
  if (printableShare < 0.9) return printableShare * 0.3;

  let tokenChars = 0;
  let wordChars = 0;
  let tokens = 0;
  for (const token of t.split(SEPARATORS)) {
    if (token.length === 0) continue;
    if (++tokens > MAX_TOKENS) break;
    tokenChars += token.length;
    if (wordlike(token)) wordChars += token.length;
  }
  const tokenShare = tokenChars === 0 ? 0 : wordChars / tokenChars;
  // -4.4 bits/letter is typical of English and host-name lists, -5.0 of letters drawn at random.
  const naturalness =
    letters < MIN_LETTERS_FOR_NATURALNESS ? 0.5 : Math.min(1, Math.max(0, (letterLog2p / letters + 5.2) / 0.8));
  return printableShare * (0.25 * (textChars / total) + 0.5 * tokenShare + 0.25 * naturalness);
}
