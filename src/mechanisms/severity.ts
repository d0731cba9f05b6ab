// Where a finding's severity comes from: one function over the traits of a mechanism.
// Nothing else in telltale assigns severities to flow findings.

import type { Severity } from '../model/finding.js';
import type { SinkKind, SourceKind } from '../flow/facts.js';

export interface Traits {
  /** A choice between look-alike / invisible variants, or a format change tied to targeting. */
  covert: boolean;
  /** Fingerprint source kinds the behaviour depends on. */
  fingerprint: SourceKind[];
  /** A fingerprint value is compared with region data or with hidden (decoded) data. */
  targeting: boolean;
  /** Data the decision depends on was stored encoded. */
  hidden: boolean;
  /** Where the result goes (the most significant sink reached), or null when no sink was proven. */
  sink: SinkKind | null;
  /** The result reaches prose that is stored as data rather than printed (inferred model context). */
  inferredText: boolean;
  /** Decoded data names a fingerprint source (obfuscated fingerprinting). */
  obfuscatedSource: boolean;
  /** Hidden data decodes to region data. */
  hiddenRegion: boolean;
  /** A fingerprint is encoded (base64, hex, XOR) before it is sent. */
  hiddenExfiltration: boolean;
}

export const NO_TRAITS: Traits = {
  covert: false,
  fingerprint: [],
  targeting: false,
  hidden: false,
  sink: null,
  inferredText: false,
  obfuscatedSource: false,
  hiddenRegion: false,
  hiddenExfiltration: false,
};

const AWAY: readonly (SinkKind | null)[] = ['network', 'model-request'];

/** Returns null when the traits describe nothing worth a finding (e.g. a look-alike only printed). */
export function severityOf(t: Traits): Severity | null {
  const fingerprinted = t.fingerprint.length > 0;
  const leaves = AWAY.includes(t.sink) || t.inferredText;
  if (t.covert && fingerprinted) {
    if ((t.targeting || t.hidden) && leaves) return 'critical';
    if (leaves || t.targeting || t.hidden) return 'high';
    // A look-alike chosen from the environment but only printed locally: a display fallback.
    return t.sink === null ? 'medium' : null;
  }
  if (t.hiddenExfiltration && fingerprinted && leaves) return t.targeting ? 'critical' : 'high';
  if (t.obfuscatedSource) return 'high';
  if (t.targeting && (t.hidden || AWAY.includes(t.sink))) return 'high';
  if (t.targeting) return 'medium';
  if (fingerprinted && AWAY.includes(t.sink)) return 'medium';
  if (t.hiddenRegion) return 'medium';
  if (t.hidden) return 'low';
  return null;
}

/** Ranks sinks: a sink further away from the user matters more. */
export function sinkRank(k: SinkKind): number {
  return ['model-request', 'network', 'process', 'file', 'console'].indexOf(k);
}
