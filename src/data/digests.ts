// Names for constant digests: a list of hashes compared with a hashed environment value hides its
// targets, but when a target is a time zone, a country code or a country's top-level domain (data
// the tool already has), hashing the candidates finds it.
import { createHash } from 'node:crypto';
import { ccTldLabels, timeZoneNames } from './region.js';

export type DigestAlgorithm = 'md5' | 'sha1' | 'sha256';

const BY_LENGTH: Readonly<Record<number, DigestAlgorithm>> = { 32: 'md5', 40: 'sha1', 64: 'sha256' };

/** The algorithm a hex digest of this length comes from, or null (only md5, sha1 and sha256 are named). */
export function digestAlgorithm(hex: string): DigestAlgorithm | null {
  return /^[0-9a-f]+$/i.test(hex) ? (BY_LENGTH[hex.length] ?? null) : null;
}

function hex(algorithm: DigestAlgorithm, text: string): string {
  return createHash(algorithm).update(text).digest('hex');
}

/** Candidate plaintexts from the region data, in the spellings code compares: as written and lower case. */
function candidates(): string[] {
  const out = new Set<string>();
  for (const z of timeZoneNames()) {
    out.add(z);
    out.add(z.toLowerCase());
  }
  for (const tld of ccTldLabels()) {
    out.add(tld);
    out.add(tld.toUpperCase());
    out.add('.' + tld);
  }
  return [...out];
}

let table: Map<string, string> | null = null;

/** Built on first use (a few thousand hashes, only for files that compare digests). */
function dictionary(): Map<string, string> {
  if (table) return table;
  table = new Map();
  for (const c of candidates()) for (const a of ['md5', 'sha1', 'sha256'] as const) table.set(hex(a, c), c);
  return table;
}

/**
 * The plaintext of a hex digest when it is the md5/sha1/sha256 of a time zone, country code or ccTLD,
 * or of one of `extra` (host names the file itself mentions); null otherwise.
 */
export function nameDigest(digest: string, extra: readonly string[] = []): string | null {
  const algorithm = digestAlgorithm(digest);
  if (!algorithm) return null;
  const d = digest.toLowerCase();
  const known = dictionary().get(d);
  if (known !== undefined) return known;
  for (const e of extra) if (hex(algorithm, e) === d || hex(algorithm, e.toLowerCase()) === d) return e;
  return null;
}
