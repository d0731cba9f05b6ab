// The egress map: one entry per destination a package can send data to — what reaches it, who it is,
// when it runs and which switch turns it off. Per-file observations (one per network call) are made by
// src/mechanisms/egress.ts and merged per package by src/audit/egress.ts.

import type { Evidence, Location } from './finding.js';
import type { DataClass, DestinationKind, SourceKind } from './traits.js';

/**
 * When a call runs: from an install script, when the module loads (top-level code), when its function
 * is used (per command / on demand), on the process's exit, or from a detached background process.
 */
export const EGRESS_TIMINGS = ['install', 'start', 'on-use', 'exit', 'background'] as const;
export type EgressTiming = (typeof EGRESS_TIMINGS)[number];

/** One data class reaching a call, with where it was read. */
export interface EgressData {
  class: DataClass;
  /** What was read (`os.hostname()`, `err.stack`, `process.env.API_TOKEN`). */
  detail: string;
  location: Location;
}

/** A switch whose check guards the path to a call. */
export interface EgressOptOut {
  /** `DO_NOT_TRACK`, `FOO_TELEMETRY_DISABLED`, `settings.telemetry`, `--no-telemetry`. */
  name: string;
  location: Location;
}

/** An environment variable or option that sets the destination, and the default used without it. */
export interface EgressConfig {
  variable: string;
  default: string | null;
}

/** One network call of one file, as the flow analysis sees it. */
export interface EgressObservation {
  sink: Evidence;
  /** `fetch`, `https.request`, `new WebSocket`, `execSync curl`. */
  call: string;
  /** Constant URLs that reach the call (nearest first). */
  urls: string[];
  configurable: EgressConfig[];
  /** The call carries an LLM request body. */
  modelRequest: boolean;
  data: EgressData[];
  /** Fingerprint source kinds among the data (for the policy's traits). */
  sources: SourceKind[];
  /** Usage event names that reach the call, when constant. */
  events: string[];
  timing: EgressTiming[];
  optOuts: EgressOptOut[];
}

/** A detached child process: the destinations reached from the script it runs are background ones. */
export interface EgressSpawn {
  location: Location;
  detail: string;
  script: string | null;
  self: boolean;
}

/** Who a destination is, and how that was decided. */
export interface EgressOwner {
  kind: DestinationKind;
  /** The organisation or service, when a database names it. */
  name: string | null;
  /** How the owner was found: the tracker database, the package's own domains, the request shape, the host. */
  basis: 'tracker-db' | 'package-domain' | 'api-shape' | 'registry-host' | 'host-name' | 'none';
}

/** One entry of the egress map. */
export interface EgressDestination {
  /** The host, or `$VARIABLE` for a destination set only by configuration, or `(unresolved)`. */
  destination: string;
  host: string | null;
  registrableDomain: string | null;
  urls: string[];
  configurable: EgressConfig[];
  owner: EgressOwner;
  /** Data classes that reach it, in the order of DATA_CLASSES; empty: nothing found beyond the request itself. */
  data: DataClass[];
  dataEvidence: EgressData[];
  events: string[];
  timing: EgressTiming[];
  /** Empty: no opt-out found. */
  optOut: EgressOptOut[];
  calls: Evidence[];
}
