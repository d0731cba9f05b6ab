import type { Finding, Location, Severity } from './finding.js';
import type { EgressDestination } from './egress.js';
import type { SourceKind } from './traits.js';

export interface TargetInfo {
  /** What the user typed. */
  spec: string;
  name?: string;
  version?: string;
  /** Registry integrity (SRI) of the tarball, when the target came from the registry. */
  integrity?: string;
  /** Where the package came from: registry, tarball, folder, file. */
  kind: 'registry' | 'tarball' | 'folder' | 'file';
}

export interface InventoryItem {
  value: string;
  count: number;
  /** The first few places it occurs. */
  locations: Location[];
}

export interface BinaryItem {
  file: string;
  /** e.g. `ELF executable`, `Mach-O`, `PE`, `wasm`, `node addon`, `bun standalone executable`. */
  type: string;
  bytes: number;
  note?: string;
}

export interface Inventory {
  hosts: InventoryItem[];
  urls: InventoryItem[];
  envVars: InventoryItem[];
  /** Fingerprint source kinds (timezone, locale, hostname, machine-id, ...). */
  fingerprintSources: InventoryItem[];
  installScripts: { name: string; command: string }[];
  binaries: BinaryItem[];
  /**
   * Every comparison of a fingerprint value with constants of its kind (a zone with zones, a locale with locale
   * tags, a host with country domains), whether or not a finding reports it. Absent in reports made before it existed.
   */
  comparisons?: ComparedValues[];
}

/** A fingerprint value compared with constants: what `telltale probe --static` makes personas from. */
export interface ComparedValues {
  /** The fingerprint kinds read on one side. */
  sources: SourceKind[];
  /** What was read, e.g. `process.env.OPENAI_BASE_URL` (the first few reads). */
  reads: string[];
  /** `===`, `endsWith`, `has`, `lookup`, `case`, … */
  op: string;
  /** The constants on the other side, as written: a literal, a list's or table's first items, decoded hidden text. */
  values: string[];
  /**
   * True when the static audit reads it as region targeting; false when a precision rule does not (a configured
   * endpoint compared with country domains is routing among a vendor's hosts; a locale compared with the default).
   */
  targeting: boolean;
  location: Location;
}

export interface Stats {
  files: number;
  bytes: number;
  ms: number;
  /** Limits that were hit (file skipped for size, depth exceeded, ...), one line each. */
  limits: string[];
  /** Files and containers that could not be analysed, and why; `entry` when the package runs it (main, exports, bin, install script, embedded executable code). */
  unanalysed?: Unanalysed[];
}

export interface Unanalysed {
  file: string;
  /** The finding kind that says why (parse-error, time-limit, size-limit, container-error, ...). */
  kind: string;
  reason: string;
  entry: boolean;
}

/** What the reviewer's policy file and a baseline did to a report (src/report/policy.ts). */
export interface PolicyReport {
  /** The policy file read, when one was. */
  file?: string;
  /** Findings accepted and still within their date. */
  accepted: number;
  /** Findings whose acceptance has expired: they fail the gate. */
  expired: { id: string; fingerprint: string; reason: string; expires: string }[];
  /** Severities set by the policy file per finding kind. */
  overridden: { id: string; kind: string; from: Severity; to: Severity }[];
  /** Acceptances that matched no finding (the finding is gone, or its fingerprint changed). */
  unused: string[];
  /** --baseline: findings already in it (left out of `findings`) and the new ones. */
  baseline?: { file: string; known: number; new: number };
  /** allowedDestinations: the hosts the package mentions that are not on the list. */
  destinations?: { allowed: string[]; notAllowed: string[] };
}

export interface Report {
  tool: { name: 'telltale'; version: string };
  target: TargetInfo;
  findings: Finding[];
  inventory: Inventory;
  /** The egress map: one entry per destination (absent in reports made before it existed). */
  egress?: EgressDestination[];
  stats: Stats;
  /** Present when a policy file or a baseline was applied. */
  policy?: PolicyReport;
}

export function emptyInventory(): Inventory {
  return { hosts: [], urls: [], envVars: [], fingerprintSources: [], installScripts: [], binaries: [], comparisons: [] };
}
