// What the walk learns about a file, as plain records tied to flow-graph nodes. Rules create them;
// the mechanisms stage reads them after taint propagation. Offsets are UTF-16 indexes into the file.

import type { Decoded } from '../model/finding.js';
import type { Val } from './graph.js';
import { SOURCE_KINDS, FINGERPRINT_KINDS, type EffectKind, type SourceKind } from '../model/traits.js';

export { SOURCE_KINDS, FINGERPRINT_KINDS, type SourceKind } from '../model/traits.js';

export function sourceBit(kind: SourceKind): number {
  return 1 << SOURCE_KINDS.indexOf(kind);
}

export const FINGERPRINT_BITS = FINGERPRINT_KINDS.reduce((m, k) => m | sourceBit(k), 0);
export const ALL_SOURCE_BITS = (1 << SOURCE_KINDS.length) - 1;
// One bit per source kind below BIT_DOMAIN; the 32 bits of a mask are all taken above it.
if (SOURCE_KINDS.length > 15) throw new Error('more source kinds than mask bits: move the fact bits');
export const BIT_REGION = 1 << 16;
export const BIT_HIDDEN = 1 << 17;
export const BIT_TARGETING = 1 << 18;
export const BIT_CHOICE = 1 << 19;
/** Region data that is a time-zone name / a locale tag (subsets of BIT_REGION). */
export const BIT_ZONE = 1 << 20;
export const BIT_LOCALE = 1 << 21;
/** A fingerprint after it went through an encoder. */
export const BIT_ENCODED = 1 << 22;
/** Region data that is a country-code domain (a subset of BIT_REGION). Bits 0–14 are left to source kinds. */
export const BIT_DOMAIN = 1 << 15;
/** Egress classes (the egress map): what reaches a network sink besides fingerprints, and where it goes. */
export const BIT_URL = 1 << 23;
export const BIT_USAGE = 1 << 24;
export const BIT_ERRORS = 1 << 25;
export const BIT_CONTENT = 1 << 26;
export const BIT_PROMPTS = 1 << 27;
export const BIT_CREDENTIALS = 1 << 28;
export const BIT_OPT_OUT = 1 << 29;
/** An LLM request body (a model-request sink) on its way into a network call. */
export const BIT_MODEL = 1 << 30;
/** Bits that travel along control edges: a decision taints what its branches produce; values do not. */
export const CONTROL_BITS = BIT_TARGETING;

export interface Span {
  start: number;
  end: number;
}

export interface SourceFact extends Span {
  kind: SourceKind;
  node: number;
  /** What was read, e.g. `Intl.DateTimeFormat().resolvedOptions().timeZone` or `process.env.API_BASE_URL`. */
  detail: string;
}

/** What kind of region data a literal is (the same words as `RegionData.kind` in src/data/region.ts). */
export type RegionDataKind = 'timezone' | 'utc-offset' | 'cctld-domain' | 'locale' | 'country-code' | 'zone-prefix' | 'zone-name' | 'language' | 'country-name' | 'geo-id' | 'script-font';

/** Region data a time-zone read can be matched with. */
export const ZONE_DATA: ReadonlySet<RegionDataKind> = new Set(['timezone', 'utc-offset', 'zone-prefix', 'zone-name']);
/** Region data a locale read can be matched with. */
export const LOCALE_DATA: ReadonlySet<RegionDataKind> = new Set(['locale', 'country-code', 'language', 'geo-id', 'script-font']);
/** Region data that names no country yet is a region: a Windows GeoId, for which no maintained table gives the country. */
export function isRegionEvidence(d: DataFact): boolean {
  return d.kind === 'hidden' || d.countries.length > 0 || d.regionKind === 'geo-id';
}
/** Region data a host name can be matched with. */
export const DOMAIN_DATA: ReadonlySet<RegionDataKind> = new Set(['cctld-domain']);

export interface DataFact extends Span {
  kind: 'region' | 'hidden';
  node: number;
  /** The literal text, or the decoded plaintext for hidden data. */
  text: string;
  /** Countries the data points at (ISO codes), when it is region data. */
  countries: string[];
  /** What kind of region evidence a clear-text literal is. */
  regionKind?: RegionDataKind;
  /** How the literal was read as region data (`country-code domains .ru, .by`), for the evidence. */
  reading?: string;
  /** The items of a list, an alternation or a table's keys (the first few), when there are several. */
  items?: string[];
  decoded?: Decoded;
  /** Where the decoding routine is, when one was recognised. */
  decoder?: Span;
  /** True when the decoded text names a fingerprint source (obfuscated fingerprinting). */
  namesSource?: string;
  /** A constant digest (md5/sha1/sha256 in hex) rather than decoded text; `named` when a known value hashes to it. */
  digest?: { algorithm: string; named: boolean };
  /**
   * An object literal keyed by regions (`text` lists the keys): `membership` when every value is the same
   * constant (a set: looking a user up singles out the regions listed), else a map of regions to values.
   */
  table?: { keys: number; membership: boolean };
}

/** A string literal that is a hex digest, in a file that hashes something. */
export interface DigestCandidate extends Span {
  node: number;
  value: string;
}

export interface CompareFact extends Span {
  op: string;
  left: Val;
  right: Val;
  /** Node carrying the comparison's boolean result. */
  node: number;
}

export type ChoiceKind = 'lookalike' | 'invisible' | 'format';

export interface ChoiceFact extends Span {
  kind: ChoiceKind;
  /** The strings chosen between (for format choices: the two formats, e.g. '-' and '/'). */
  alternatives: string[];
  /** Values the choice depends on (tests of the branches). */
  cond: Val;
  /** Node carrying the chosen value. */
  node: number;
  describe: string;
}

/** Where a value goes or what it changes (the effects of the severity policy). */
export type SinkKind = EffectKind;

export interface SinkFact extends Span {
  kind: SinkKind;
  node: number;
  detail: string;
}

/** A string literal that looks encoded, decoded after the walk once decoder keys are known. */
export interface EncodedCandidate extends Span {
  node: number;
  /** The literal's text, or null for an array of character codes. */
  value: string | null;
  codes?: number[];
}

/** A template literal that reads as prose (words around interpolations): text for a person or a model. */
export interface TextFact extends Span {
  node: number;
  text: string;
}

/** `f(literal)` where `f` is a function of the file: a decoder that may be run in the sandbox. */
export interface DecoderCall extends Span {
  fn: string;
  /** The encoded candidate's node (the literal, or the literal a binding was initialised with). */
  candidate: number;
  value: string;
}

/** Extracted code the sandbox may run: small named functions and simple constants of the file. */
export interface DecoderCode {
  functions: Map<string, Span | null>;
  constants: Map<string, string | number | null>;
  calls: DecoderCall[];
  /**
   * Calls of a plain function with a string that does not look encoded (no spaces, see MAX_TEXT_CALLS):
   * run only when the function rearranges characters (reversal, interleaving); the candidate is the call.
   */
  textCalls: DecoderCall[];
}

/** A call or expression that encodes its input (base64, hex, XOR): data made unreadable on its way out. */
export interface EncoderFact extends Span {
  node: number;
  detail: string;
}

/**
 * Signs of deliberate obfuscation counted during the walk. They are cheap to collect; the costlier
 * deobfuscation steps (string-array recovery) run only on files that show them.
 */
export interface ObfuscationSigns {
  /** Array literals made only of string literals (three or more). */
  stringArrays: number;
  /** `a.push(a.shift())`: an array rotated in place, as string-array setup code does. */
  rotations: number;
  /** Calls of a plain function with a hex-spelled number argument (`f(0x1f1, 'k')`). */
  hexCalls: number;
  /** Calls of a plain function, to put hexCalls in proportion. */
  calls: number;
  /** Number literals, and those spelled in hex (obfuscators rewrite every number as hex). */
  numbers: number;
  hexNumbers: number;
  /** Identifier references, and those whose names are hex numbers (`_0x3c55`): renaming beyond minification. */
  names: number;
  hexNames: number;
  /** `'3|0|2|1'`-style dispatch orders: control-flow flattening (a switch in a loop walks the order). */
  dispatchOrders: number;
  /** Comparisons of two string literals: branches decided when written (dead-code injection). */
  literalCompares: number;
  /** `x.constructor("…")`: code made from a string through a function's constructor (debug protection). */
  constructorCode: number;
  /** `f.toString().search(…)` / `.test(f.toString())`: code inspecting its own source (self-defending). */
  selfInspection: number;
}

/** Data classes the egress rules recognise beyond fingerprint sources. */
export type EgressDataKind = 'usage' | 'errors' | 'content' | 'prompts' | 'credentials';

export interface EgressDataFact extends Span {
  kind: EgressDataKind;
  node: number;
  /** What was read (`err.stack`, `fs.readFileSync(...)`, `process.env.X_TOKEN`), or the event name for usage. */
  detail: string;
}

/** A URL literal (or a template whose text starts with one): a candidate destination. */
export interface UrlFact extends Span {
  node: number;
  url: string;
}

/** A read of an opt-out switch: an environment variable, a config key or a `--no-…` flag. */
export interface OptOutFact extends Span {
  node: number;
  /** `DO_NOT_TRACK`, `config.telemetry`, `--no-telemetry`. */
  name: string;
}

/** A function that contains a network call: its branch tests (the guards of that call) and whether it is an exit handler. */
export interface GuardFact extends Span {
  tests: Val;
  /** The function's name when the text declares one (`function f`, `f() {`, `f = () =>`, `f: function`). */
  name: string | null;
}

/** A handler of the process's exit (`process.on('exit' | 'beforeExit' | 'SIGINT' | 'SIGTERM', fn)`). */
export interface ExitHandlerFact extends Span {
  /** Names of the functions it calls (one level: `() => this.flush()`). */
  calls: string[];
}

/** A child process started detached (`detached: true` or `.unref()`): a background process. */
export interface SpawnFact extends Span {
  detail: string;
  /** The script it runs, when a literal names one (`./reporter.js`). */
  script: string | null;
  /** It re-executes its own file (`__filename`, `import.meta.url`). */
  self: boolean;
}

export interface EgressFacts {
  data: EgressDataFact[];
  urls: UrlFact[];
  optOuts: OptOutFact[];
  guards: GuardFact[];
  /** Static methods of a class that read an opt-out (a singleton factory that hands out no instance when off). */
  gates: GuardFact[];
  exitHandlers: ExitHandlerFact[];
  spawns: SpawnFact[];
  /** Branch tests at the top level of the file (guards of top-level calls). */
  programTests: Val;
}

export interface Facts {
  egress: EgressFacts;
  encoders: EncoderFact[];
  obfuscation: ObfuscationSigns;
  decoderCode: DecoderCode;
  texts: TextFact[];
  sources: SourceFact[];
  data: DataFact[];
  compares: CompareFact[];
  choices: ChoiceFact[];
  sinks: SinkFact[];
  encoded: EncodedCandidate[];
  /** Numeric keys seen as XOR operands (directly or through a constant binding). */
  xorKeys: Set<number>;
  /** Multi-byte XOR keys: string constants indexed with charCodeAt, arrays of numbers indexed by position. */
  xorKeyBytes: number[][];
  /** Constants subtracted from char codes before `String.fromCharCode` (`c - 3` → 3, `c + 5` → -5). */
  shifts: Set<number>;
  /** Where XOR-with-constant decoding happens (for evidence). */
  xorSites: Span[];
  /** Where base64/hex decoding calls happen (Buffer.from(x,'base64'), atob). */
  decodeSites: Span[];
  /** Hex digest literals, and where the file hashes (createHash, subtle.digest). */
  digests: DigestCandidate[];
  hashSites: Span[];
  /** Graph nodes of hashing results (`….digest('hex')`, `subtle.digest(…)`): what a digest list can be matched with. */
  hashOutputs: number[];
}

export function emptyFacts(): Facts {
  return {
    egress: { data: [], urls: [], optOuts: [], guards: [], gates: [], exitHandlers: [], spawns: [], programTests: [] },
    encoders: [],
    obfuscation: {
      stringArrays: 0,
      rotations: 0,
      hexCalls: 0,
      calls: 0,
      numbers: 0,
      hexNumbers: 0,
      names: 0,
      hexNames: 0,
      dispatchOrders: 0,
      literalCompares: 0,
      constructorCode: 0,
      selfInspection: 0,
    },
    decoderCode: { functions: new Map(), constants: new Map(), calls: [], textCalls: [] },
    texts: [],
    sources: [],
    data: [],
    compares: [],
    choices: [],
    sinks: [],
    encoded: [],
    xorKeys: new Set(),
    xorKeyBytes: [],
    shifts: new Set(),
    xorSites: [],
    decodeSites: [],
    digests: [],
    hashSites: [],
    hashOutputs: [],
  };
}
