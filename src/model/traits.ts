// What a finding is about, as closed vocabularies and one record of traits. Every producer of findings
// (static mechanisms, package rules, the audit pipeline, the probe) describes what it saw in these
// words; src/model/severity-policy.ts turns the description into a severity, in one place.

/** What the code reads about the person, the place or the machine (and capabilities: CI, platform). */
export const SOURCE_KINDS = [
  'timezone',
  'locale',
  'host-url',
  'hostname',
  'username',
  'machine-id',
  'network-interfaces',
  'ip-geolocation',
  'ci-container',
  'platform',
] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** Source kinds that identify a person, a place or a machine (as opposed to capabilities: CI, platform). */
export const FINGERPRINT_KINDS: readonly SourceKind[] = SOURCE_KINDS.filter((k) => k !== 'ci-container' && k !== 'platform');

/**
 * What a behaviour changes, or where its result goes. `model-request` and `network` leave the machine;
 * the others stay on it (terminal, page, sound, files, processes, the process's exit, time).
 */
export const EFFECT_KINDS = ['model-request', 'network', 'process', 'file', 'dom', 'media', 'exit', 'delay', 'console'] as const;
export type EffectKind = (typeof EFFECT_KINDS)[number];

/** Effects whose result leaves the machine. */
export function leavesMachine(e: EffectKind | null): boolean {
  return e === 'model-request' || e === 'network';
}

/** Ranks effects: one further away from the user matters more (lower rank = more significant). */
export function effectRank(e: EffectKind): number {
  return EFFECT_KINDS.indexOf(e);
}

/**
 * Classes of data that can reach a destination (the egress map): identity (user, host, machine id, MAC,
 * account ids), environment (time zone, locale, CI/container markers), platform (OS, architecture,
 * runtime versions), usage events, errors and stack traces, file contents or source code, prompts and
 * model context, credentials and tokens.
 */
export const DATA_CLASSES = ['identity', 'environment', 'platform', 'usage', 'errors', 'content', 'prompts', 'credentials'] as const;
export type DataClass = (typeof DATA_CLASSES)[number];

/** Who a destination is. */
export const DESTINATION_KINDS = ['model-api', 'vendor', 'third-party-telemetry', 'registry', 'third-party', 'unknown'] as const;
export type DestinationKind = (typeof DESTINATION_KINDS)[number];

/**
 * How a decision uses region data:
 * - `singles-out`: membership in a list of some zones/countries/TLDs/offsets/languages;
 * - `partition`: every region mapped somewhere (routing among the package's own endpoints);
 * - `observed`: behaviour seen to differ between simulated users (the probe), shape unknown;
 * - `format-only`: region data only computes or formats values (date/time and i18n libraries).
 */
export type RegionDecision = 'singles-out' | 'partition' | 'observed' | 'format-only';

/** What hidden data decodes to, when it is reported on its own (no decision uses it). */
export type HiddenContent = 'region' | 'source-names' | 'text';

/** What an install-time lifecycle script does. */
export type InstallScript = 'fetches-code' | 'runs' | 'git-only';

/** What went wrong in a probe run, or what the tool attempted there. */
export type RunIssue = 'egress-attempt' | 'surviving-process' | 'unknown-host' | 'unpredicted-destination' | 'timeout' | 'no-request';

export interface Traits {
  /** Fingerprint source kinds the behaviour depends on or sends. */
  sources: SourceKind[];
  /** A choice between invisible, look-alike or format-only variants of what is produced. */
  covertChoice: boolean;
  /** How region data is used in the decision, when it is. */
  regionDecision: RegionDecision | null;
  /** The decision uses hidden data (encoded, hashed, obfuscated). */
  hiddenData: boolean;
  /** What the behaviour changes, or where its result goes; null when no effect was proven. */
  effect: EffectKind | null;
  /** The result reaches prose kept as data, not printed: context assembled for a request (inferred). */
  inferredRequestText: boolean;
  /** Runs from install-time code (preinstall/install/postinstall). */
  installTime: boolean;
  /** Runs from a detached background process. */
  background: boolean;
  /** A fingerprint is encoded (base64, hex, XOR) on its way out. */
  encodedOnTheWay: boolean;
  /** Data classes that reach a destination, and who it is. */
  sent: DataClass[];
  destination: DestinationKind | null;
  /** A check of an opt-out (DO_NOT_TRACK, *_TELEMETRY, --no-…) guards the path. */
  optOut: boolean;
  /** Hidden data reported on its own: what it decodes to. */
  hiddenContent: HiddenContent | null;
  /** Code hidden from the container that carries it (an executable whose headers hide its embedded code). */
  codeHiddenFromContainer: boolean;
  /** An entry point, bin, install script file or embedded executable's code could not be analysed. */
  entryUnanalysed: boolean;
  /** Heavy deliberate obfuscation (a file scoring at or above the threshold). */
  heavyObfuscation: boolean;
  /** The package's JavaScript is obfuscated throughout (every analysed file, or all of its entry code): nothing readable to compare with. */
  obfuscatedThroughout: boolean;
  /** A packed runtime (pkg, nexe, deno) whose code telltale cannot open. */
  packedRuntime: boolean;
  installScript: InstallScript | null;
  runIssue: RunIssue | null;
  /** A difference the probe saw that is a rendering of the simulated user's own setting (its zone, locale, host). */
  explainedByPersona: boolean;
  /** A note about the analysis itself (a file skipped, a limit hit). */
  internal: boolean;
}

export const NO_TRAITS: Readonly<Traits> = Object.freeze({
  sources: [],
  covertChoice: false,
  regionDecision: null,
  hiddenData: false,
  effect: null,
  inferredRequestText: false,
  installTime: false,
  background: false,
  encodedOnTheWay: false,
  sent: [],
  destination: null,
  optOut: false,
  hiddenContent: null,
  codeHiddenFromContainer: false,
  entryUnanalysed: false,
  heavyObfuscation: false,
  obfuscatedThroughout: false,
  packedRuntime: false,
  installScript: null,
  runIssue: null,
  explainedByPersona: false,
  internal: false,
});

/** Traits with everything not given left at "nothing seen". */
export function traits(t: Partial<Traits>): Traits {
  return { ...NO_TRAITS, ...t };
}
