// The one way a finding is made. The producer says what kind it is, describes it with traits, and lists
// what it is about; the severity comes from the policy and the fingerprint from the identity.

import { CATALOGUE, type FindingKind } from './catalogue.js';
import { findingId, type Decoded, type Evidence, type Finding, type Location } from './finding.js';
import { fingerprintOf } from './fingerprint.js';
import { decide } from './severity-policy.js';
import { traits as withTraits, type Traits } from './traits.js';

const INTERNAL_TRAITS = withTraits({ internal: true });

export interface FindingSpec {
  kind: FindingKind;
  traits: Traits;
  /** What the finding is about beyond its kind (`key=value` parts): never names, offsets or paths inside a bundle. */
  identity: readonly string[];
  title: string;
  message: string;
  location: Location;
  related?: Evidence[];
  decoded?: Decoded[];
  excerpt?: string;
}

/** The finding, or null when the severity policy says the traits are worth no finding. */
export function createFinding(spec: FindingSpec): Finding | null {
  const d = decide(spec.traits);
  if (d.severity === null || d.row === null) return null;
  return {
    id: findingId(spec.kind, spec.location),
    ruleId: spec.kind,
    category: CATALOGUE[spec.kind].category,
    severity: d.severity,
    policy: { row: d.row, reason: d.reason },
    fingerprint: fingerprintOf(spec.kind, spec.identity),
    title: spec.title,
    message: spec.message,
    location: spec.location,
    related: spec.related ?? [],
    decoded: spec.decoded ?? [],
    excerpt: spec.excerpt ?? '',
  };
}

/** A note about the analysis itself (a file skipped, a limit hit): always info. */
export function noteFinding(kind: FindingKind, location: Location, title: string, message: string): Finding {
  return createFinding({ kind, traits: { ...INTERNAL_TRAITS }, identity: [`file=${location.file}`, `title=${title}`], title, message, location })!;
}

/**
 * A finding judged again with what only the whole package shows (its traits, completed): the policy decides anew,
 * the note says why. Null when the policy says the completed traits are worth no finding.
 */
export function rejudgeFinding(f: Finding, completed: Traits, note: string): Finding | null {
  const d = decide(completed);
  if (d.severity === null || d.row === null) return null;
  return { ...f, severity: d.severity, policy: { row: d.row, reason: d.reason }, message: `${f.message} ${note}` };
}
