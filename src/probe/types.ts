import type { DnsQuery } from './dns-stub.js';
import type { CapturedRequest } from './mock-llm.js';
import type { NetEvent } from './preload.js';

/** Fixed paths inside every sandbox, so paths that end up in prompts are the same for every persona. They are
 *  an ordinary developer's: a home, a project in it, and npm's user prefix where the tool is installed. */
export const SANDBOX_PATHS = {
  home: '/home/alex',
  workDir: '/home/alex/src/webapp',
  npmPrefix: '/home/alex/.npm-global',
} as const;

/** Where a package named `name` is installed inside the sandbox (npm's global layout under the user prefix). */
export function toolMountFor(name: string | undefined): string {
  const safe = (name ?? 'cli').replace(/[^@a-z0-9._/-]/gi, '').replace(/\.\.+/g, '.').replace(/^\/+/, '') || 'cli';
  return `${SANDBOX_PATHS.npmPrefix}/lib/node_modules/${safe}`;
}

/** The system trust store the local CA is added to (inside the sandbox's private /etc). */
export const SYSTEM_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/** The identity the tool runs as when the probe itself is root: the first ordinary user of a Linux machine. */
export const SANDBOX_UID = 1000;

/** Everything the in-namespace runner needs; written by the host as JSON, read once before any mount. */
export interface RunConfig {
  /** Host path of the unpacked tool, bound read-only at `toolMount`. */
  toolDir: string;
  /** Where the tool appears inside the sandbox. */
  toolMount: string;
  /** `bin name → path relative to toolMount`, linked from the npm prefix's bin directory. */
  binLink?: { name: string; target: string };
  /** Host directories hidden from the tool (telltale's own installation). */
  hideDirs: string[];
  /** /etc/machine-id, the same for every run of one probe. */
  machineId: string;
  /** argv inside the sandbox. */
  command: string[];
  /** The tool's whole environment (the runner passes nothing else through). */
  env: Record<string, string>;
  timeoutMs: number;
  /** How long to keep serving after the tool's main process exits, for requests still in flight. */
  settleMs: number;
  hostname: string;
  user: string;
  /** zoneinfo name for the private /etc/localtime. */
  zone: string;
  hostsFile: string;
  httpsPorts: number[];
  httpPorts: number[];
  proxyPorts: number[];
  caPem: string;
  certPem: string;
  keyPem: string;
  /** True when the probe runs as real root: the tool then runs as SANDBOX_UID with no capabilities. */
  dropPrivileges: boolean;
}

export interface KernelSocket {
  proto: 'tcp' | 'tcp6' | 'udp' | 'udp6';
  remote: string;
}

export interface RunOutput {
  requests: CapturedRequest[];
  /** Connections the mocks accepted on a non-loopback address (the sandbox routes every address to loopback). */
  outsideConnections?: { address: string; port: number }[];
  dnsQueries: DnsQuery[];
  netEvents: NetEvent[];
  /** Sockets seen in /proc/net/* during the run whose remote end is not loopback. */
  kernelSockets: KernelSocket[];
  /** Network interfaces in the namespace (only `lo` when sealed). */
  interfaces: string[];
  /** Routes over any interface other than lo. */
  outsideRoutes: number;
  /** Inode of the run's pid namespace (`pid:[...]`), to check afterwards that nothing in it survived. */
  pidNamespace: string;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  durationMs: number;
  /** When the tool was started (epoch ms), for request timing. */
  toolStartedAt?: number;
  /** How long the tool ran: until it exited, or until the time limit stopped it. */
  toolMs?: number;
  stdout: string;
  stderr: string;
  setupError?: string;
}

/** A run's record before anything happened: nothing captured, no exit yet. */
export function emptyRunOutput(pidNamespace: string, durationMs = 0): RunOutput {
  return {
    requests: [],
    dnsQueries: [],
    netEvents: [],
    kernelSockets: [],
    interfaces: [],
    outsideRoutes: 0,
    pidNamespace,
    exitCode: null,
    signal: null,
    timedOut: false,
    durationMs,
    stdout: '',
    stderr: '',
  };
}

export const RESULT_MARKER = 'TELLTALE-PROBE-RESULT ';
/** The runner's first line: it then waits for one line on stdin, sent once the host holds a handle on the run's
 *  pid namespace (see sandbox.ts). */
export const READY_MARKER = 'TELLTALE-PROBE-READY';
/** The runner's line when it starts the tool: the host's backstop then counts from the tool's start, so a slow
 *  setup on a busy machine does not eat the tool's time. Only the host reads it (the tool's output is piped apart). */
export const TOOL_STARTED_MARKER = 'TELLTALE-PROBE-TOOL-STARTED';
