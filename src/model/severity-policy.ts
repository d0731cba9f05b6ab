// Where every severity in telltale comes from: one table of rows over the traits of what was found.
// Every producer (static mechanisms, package rules, the audit pipeline, the probe) describes a finding
// with Traits and asks `decide`; nothing else assigns a severity. The highest matching row wins, and
// the finding carries that row's id and reason. A static audit cannot read documentation, so no row
// depends on whether a behaviour is documented.

import { severityRank, type Severity } from './finding.js';
import { leavesMachine, type DataClass, type EffectKind, type Traits } from './traits.js';

export interface PolicyRow {
  id: string;
  /** null: the traits describe nothing worth a finding. */
  severity: Severity | null;
  /** The row in words, as docs/report-format.md shows it. */
  reads: string;
  applies(t: Traits): boolean;
}

const IDENTITY_OR_ENVIRONMENT: readonly DataClass[] = ['identity', 'environment'];
const LOCAL_EFFECTS: readonly (EffectKind | null)[] = ['console', 'file', 'process', 'dom', 'media', 'exit', 'delay'];

/** Something leaves the machine: a request, or text kept as context for one. */
function leaves(t: Traits): boolean {
  return leavesMachine(t.effect) || t.inferredRequestText;
}

function fingerprinted(t: Traits): boolean {
  return t.sources.length > 0;
}

function singlesOut(t: Traits): boolean {
  return t.regionDecision === 'singles-out';
}

function sendsIdentityOrEnvironment(t: Traits): boolean {
  return t.sent.some((c) => IDENTITY_OR_ENVIRONMENT.includes(c));
}

const PLATFORM_ONLY: readonly DataClass[] = ['platform', 'usage', 'errors'];

/** Telemetry that carries nothing about the person or the place: OS, versions, events, errors. */
function platformOnly(t: Traits): boolean {
  return t.sent.length > 0 && t.sent.every((c) => PLATFORM_ONLY.includes(c));
}

/** Any trait that is high or critical on its own (used to raise install-time findings). */
function seriousTrait(t: Traits): boolean {
  return singlesOut(t) || (t.covertChoice && fingerprinted(t)) || t.encodedOnTheWay || t.heavyObfuscation || t.hiddenContent === 'source-names' || t.sent.includes('identity');
}

/** The policy, most severe first. Ids are kebab-case and stable: reports and policy files name them. */
export const POLICY_ROWS = [
  {
    id: 'covert-choice-leaves',
    severity: 'critical',
    reads: 'a choice between invisible / look-alike / format-only variants, conditioned on a fingerprint, changing what leaves the machine',
    applies: (t) => t.covertChoice && fingerprinted(t) && leaves(t),
  },
  {
    id: 'hidden-region-decision-leaves',
    severity: 'critical',
    reads: 'a decision that singles out some regions using hidden data (encoded, hashed, obfuscated) and changing what leaves the machine',
    applies: (t) => singlesOut(t) && t.hiddenData && leaves(t),
  },
  {
    id: 'region-decision-effect',
    severity: 'high',
    reads: 'a decision that singles out some regions, with any side effect: network, model request, console output, UI/DOM, media, files, processes, exit, delays',
    applies: (t) => singlesOut(t) && (t.effect !== null || t.inferredRequestText),
  },
  {
    id: 'install-time',
    severity: 'high',
    reads: 'any high or critical trait in install-time code (preinstall/install/postinstall)',
    applies: (t) => t.installTime && (seriousTrait(t) || t.regionDecision === 'partition' || sendsIdentityOrEnvironment(t)),
  },
  {
    id: 'identity-from-install-or-background',
    severity: 'high',
    reads: 'identity data (user, host, machine id, MAC, git identity) sent from install-time code or a detached background process',
    applies: (t) => t.sent.includes('identity') && (t.installTime || t.background),
  },
  {
    id: 'content-to-third-party',
    severity: 'high',
    reads: 'file contents or prompts sent to a third party other than the model API the user configured',
    applies: (t) => (t.sent.includes('content') || t.sent.includes('prompts')) && (t.destination === 'third-party' || t.destination === 'third-party-telemetry'),
  },
  {
    id: 'code-hidden-from-container',
    severity: 'high',
    reads: 'code hidden from the container that carries it',
    applies: (t) => t.codeHiddenFromContainer,
  },
  {
    id: 'entry-unanalysed',
    severity: 'high',
    reads: 'an entry point, bin, install-time file or embedded executable code that could not be analysed',
    applies: (t) => t.entryUnanalysed,
  },
  {
    id: 'heavy-obfuscation',
    severity: 'high',
    reads: 'heavy deliberate obfuscation in a package that is otherwise readable',
    applies: (t) => t.heavyObfuscation && !t.obfuscatedThroughout,
  },
  {
    id: 'covert-choice-conditioned',
    severity: 'high',
    reads: 'a choice between invisible / look-alike / format-only variants conditioned on a fingerprint matched against region or hidden data, whose output was not traced off the machine',
    applies: (t) => t.covertChoice && fingerprinted(t) && (t.regionDecision !== null || t.hiddenData),
  },
  {
    id: 'hidden-region-decision',
    severity: 'high',
    reads: 'a decision that singles out some regions using hidden data, with no effect traced',
    applies: (t) => singlesOut(t) && t.hiddenData,
  },
  {
    id: 'encoded-fingerprint-sent',
    severity: 'high',
    reads: 'a fingerprint encoded (base64, hex, XOR) on its way into a request',
    applies: (t) => t.encodedOnTheWay && fingerprinted(t) && leaves(t),
  },
  {
    id: 'hidden-source-names',
    severity: 'high',
    reads: 'names of fingerprint sources (APIs, files, variables) stored encoded',
    applies: (t) => t.hiddenContent === 'source-names',
  },
  {
    id: 'probe-egress-attempt',
    severity: 'high',
    reads: 'the tool tried to reach an address off the machine during a sealed probe run',
    applies: (t) => t.runIssue === 'egress-attempt',
  },
  {
    id: 'probe-surviving-process',
    severity: 'high',
    reads: 'processes of a probe run survived it',
    applies: (t) => t.runIssue === 'surviving-process',
  },
  {
    id: 'region-dependent-observed',
    severity: 'high',
    reads: 'what leaves the machine observed to change with the simulated user (probe), not explained by the persona',
    applies: (t) => t.regionDecision === 'observed' && leaves(t),
  },
  {
    id: 'region-partition',
    severity: 'medium',
    reads: "region used to route among the package's own endpoints covering all regions (a partition of the world, not a list singling out some)",
    applies: (t) => t.regionDecision === 'partition' && (t.effect !== null || t.inferredRequestText),
  },
  {
    id: 'identity-to-telemetry',
    severity: 'medium',
    reads: 'identity or environment data sent to a third-party analytics/telemetry/error service, or in the clear to any endpoint',
    applies: (t) => (sendsIdentityOrEnvironment(t) && t.destination !== null && t.destination !== 'model-api') || (fingerprinted(t) && leaves(t)),
  },
  {
    id: 'hidden-region-data',
    severity: 'medium',
    reads: 'hidden data that decodes to region data, with no decision found',
    applies: (t) => t.hiddenContent === 'region',
  },
  {
    id: 'region-decision-no-effect',
    severity: 'medium',
    reads: 'a decision that singles out some regions, with no effect traced',
    applies: (t) => singlesOut(t),
  },
  {
    id: 'covert-choice-no-effect',
    severity: 'medium',
    reads: 'a choice between look-alike / invisible variants conditioned on a fingerprint, with no effect traced',
    applies: (t) => t.covertChoice && fingerprinted(t) && t.effect === null,
  },
  {
    id: 'obfuscated-throughout',
    severity: 'medium',
    reads: 'heavy obfuscation in a package whose JavaScript is obfuscated throughout (nothing readable to compare with)',
    applies: (t) => t.heavyObfuscation && t.obfuscatedThroughout,
  },
  {
    id: 'install-script-fetches-code',
    severity: 'medium',
    reads: 'an install-time script that downloads or decodes code',
    applies: (t) => t.installScript === 'fetches-code',
  },
  {
    id: 'packed-runtime',
    severity: 'medium',
    reads: 'a packed runtime (pkg, nexe, deno) whose code could not be opened',
    applies: (t) => t.packedRuntime,
  },
  {
    id: 'probe-unpredicted-destination',
    severity: 'medium',
    reads: 'the tool contacted a destination the static egress map did not predict during a probe run (the static analysis missed it)',
    applies: (t) => t.runIssue === 'unpredicted-destination',
  },
  {
    id: 'probe-unknown-host',
    severity: 'medium',
    reads: 'the tool looked up a host outside the mocked APIs during a probe run',
    applies: (t) => t.runIssue === 'unknown-host',
  },
  {
    id: 'hidden-text',
    severity: 'low',
    reads: 'an encoded string that decodes to readable text',
    applies: (t) => t.hiddenContent === 'text',
  },
  {
    id: 'install-script',
    severity: 'low',
    reads: 'an install-time lifecycle script',
    applies: (t) => t.installScript === 'runs',
  },
  {
    id: 'probe-timeout',
    severity: 'low',
    reads: 'a probe run did not finish within its time limit',
    applies: (t) => t.runIssue === 'timeout',
  },
  {
    id: 'platform-telemetry',
    severity: 'low',
    reads: 'platform-only telemetry (OS, architecture, versions, usage events, errors) with no opt-out found',
    applies: (t) => !t.optOut && platformOnly(t),
  },
  {
    id: 'platform-telemetry-opt-out',
    severity: 'info',
    reads: 'platform-only telemetry behind an opt-out',
    applies: (t) => t.optOut && platformOnly(t),
  },
  {
    id: 'git-only-script',
    severity: 'info',
    reads: 'a `prepare` script (runs for git and local installs only)',
    applies: (t) => t.installScript === 'git-only',
  },
  {
    id: 'probe-no-request',
    severity: 'info',
    reads: 'a probe run in which the tool sent no request to the mock APIs',
    applies: (t) => t.runIssue === 'no-request',
  },
  {
    id: 'explained-by-persona',
    severity: 'info',
    reads: "a request difference that renders the simulated user's own setting (its zone, locale, host, names)",
    applies: (t) => t.explainedByPersona,
  },
  {
    id: 'internal',
    severity: 'info',
    reads: 'a note about the analysis itself (a file skipped, a limit hit)',
    applies: (t) => t.internal,
  },
  {
    id: 'covert-choice-displayed',
    severity: null,
    reads: 'a look-alike chosen from the environment but only shown locally (a display fallback)',
    applies: (t) => t.covertChoice && LOCAL_EFFECTS.includes(t.effect),
  },
  {
    id: 'region-format-only',
    severity: null,
    reads: 'region data used only to compute or format values (date/time and i18n libraries)',
    applies: (t) => t.regionDecision === 'format-only',
  },
] as const satisfies readonly PolicyRow[];

export type PolicyRowId = (typeof POLICY_ROWS)[number]['id'];

export interface Decision {
  severity: Severity | null;
  row: PolicyRowId | null;
  /** The row in words, for the report: "which row and why". */
  reason: string;
}

/**
 * The severity for a set of traits: the most severe matching row (the first, on ties, in table order).
 * A row without a severity only wins when nothing with one matches.
 */
export function decide(t: Traits): Decision {
  let best: PolicyRow | null = null;
  for (const row of POLICY_ROWS as readonly PolicyRow[]) {
    if (!row.applies(t)) continue;
    if (best === null || rank(row) < rank(best)) best = row;
  }
  if (best === null) return { severity: null, row: null, reason: 'no row of the severity policy applies' };
  return { severity: best.severity, row: best.id as PolicyRowId, reason: best.reads };
}

function rank(r: PolicyRow): number {
  return r.severity === null ? 99 : severityRank(r.severity);
}

export function policyRow(id: PolicyRowId): PolicyRow {
  return (POLICY_ROWS as readonly PolicyRow[]).find((r) => r.id === id)!;
}
