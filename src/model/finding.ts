// The closed vocabularies of a telltale report. Every finding, evidence item and severity in the
// codebase is one of these; adding a member is a deliberate change to the report contract (docs/report-format.md).

import type { FindingKind } from './catalogue.js';
import type { PolicyRowId } from './severity-policy.js';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const CATEGORIES = [
  'covert-channel',
  'region-targeting',
  'hidden-data',
  'fingerprint',
  'exfiltration',
  'install-script',
  'packed-runtime',
  'sandbox-escape',
  'internal',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const EVIDENCE_ROLES = [
  'source',
  'condition',
  'data',
  'encoding',
  'decoder',
  'choice',
  'transform',
  'flow',
  'sink',
  'context',
] as const;
export type EvidenceRole = (typeof EVIDENCE_ROLES)[number];

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** True when `s` is at least as severe as `threshold`. */
export function atLeast(s: Severity, threshold: Severity): boolean {
  return severityRank(s) <= severityRank(threshold);
}

export function isSeverity(s: string): s is Severity {
  return (SEVERITIES as readonly string[]).includes(s);
}

export interface Location {
  /** Relative to the package root; `container!embedded/path` for files inside executables. */
  file: string;
  /** 0-based index into the file text as a JS (UTF-16) string. */
  offset: number;
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
}

export interface Evidence {
  role: EvidenceRole;
  location: Location;
  note: string;
  excerpt?: string;
}

export interface Decoded {
  /** How the text was recovered, e.g. `base64`, `base64+xor(37)`, `hex`, `charcodes`. */
  encoding: string;
  text: string;
}

export interface Finding {
  /** Stable within one report: kind + location. */
  id: string;
  /** The finding's kind: one entry of the catalogue (src/model/catalogue.ts). */
  ruleId: FindingKind;
  category: Category;
  severity: Severity;
  /** The row of the severity policy that decided the severity, and that row in words. */
  policy: { row: PolicyRowId; reason: string };
  /**
   * The finding's stable identity: the same across releases, re-minification, renamed identifiers and
   * shifted lines. Built from what the finding is about (src/model/fingerprint.ts), never names or offsets.
   */
  fingerprint: string;
  title: string;
  message: string;
  location: Location;
  related: Evidence[];
  decoded: Decoded[];
  excerpt: string;
  /** The same finding in other files: identical files (chunks, copies) are reported once, with every location. */
  alsoAt?: Location[];
  /** Set by the reviewer's policy file (src/report/policy.ts): accepted with a reason until a date. */
  accepted?: { reason: string; expires: string; expired?: true };
}

export function findingId(ruleId: FindingKind, loc: Location): string {
  return `${ruleId}@${loc.file}:${loc.line}:${loc.column}`;
}

/**
 * Findings about the same thing in the same code (same fingerprint, title and excerpt) in several files
 * become one, with the other places in `alsoAt`. Call after sorting: the first in report order stays.
 */
export function mergeRepeated(findings: Finding[]): Finding[] {
  const first = new Map<string, Finding>();
  const out: Finding[] = [];
  for (const f of findings) {
    const key = `${f.fingerprint}\0${f.title}\0${f.excerpt}`;
    const kept = first.get(key);
    if (kept && kept.location.file !== f.location.file) {
      (kept.alsoAt ??= []).push(f.location, ...(f.alsoAt ?? []));
      continue;
    }
    if (!kept) first.set(key, f);
    out.push(f);
  }
  return out;
}

export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) =>
      severityRank(a.severity) - severityRank(b.severity) ||
      a.location.file.localeCompare(b.location.file) ||
      a.location.offset - b.location.offset ||
      a.ruleId.localeCompare(b.ruleId),
  );
}
