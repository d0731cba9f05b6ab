// A finding's fingerprint: its identity across releases. It is a hash of the kind and of what the
// finding is about — source and effect kinds, characters chosen, constants compared, decoded data,
// variable names read — as the producer lists them. Minified identifiers, offsets, lines and file
// names inside a bundle change from one release to the next and are never part of it.

import { createHash } from 'node:crypto';
import type { FindingKind } from './catalogue.js';
import type { Finding } from './finding.js';

const VERSION = 'telltale-fingerprint/1';

/** `identity` holds `key=value` parts; their order does not matter. */
export function fingerprintOf(kind: FindingKind, identity: readonly string[]): string {
  const h = createHash('sha256');
  h.update(VERSION);
  h.update('\0');
  h.update(kind);
  for (const part of [...new Set(identity)].sort()) {
    h.update('\0');
    h.update(part);
  }
  return h.digest('hex').slice(0, 32);
}

/**
 * Findings of one report that are about the same thing (the same fingerprint) are told apart by their
 * order in the report: the second gets `:2`, the third `:3`. Call after sorting.
 */
export function distinguishFingerprints(findings: Finding[]): Finding[] {
  const seen = new Map<string, number>();
  for (const f of findings) {
    const n = (seen.get(f.fingerprint) ?? 0) + 1;
    seen.set(f.fingerprint, n);
    if (n > 1) f.fingerprint = `${f.fingerprint}:${n}`;
  }
  return findings;
}

/** A list as one identity value, order-free. */
export function setPart(key: string, values: Iterable<string>): string {
  return `${key}=${[...new Set(values)].sort().join(',')}`;
}
