import type { DnsQuery } from './dns-stub.js';
import type { CapturedRequest } from './mock-llm.js';
import type { NetEvent } from './preload.js';

/** Fixed paths inside every sandbox, so paths that end up in prompts are the same for every persona. */
export const SANDBOX_PATHS = {
  home: '/home/probe',
  workDir: '/srv/probe-project',
  toolDir: '/srv/probe-tool',
  runtimeDir: '/srv/.telltale',
} as const;

/** The unprivileged identity the tool runs as when the probe itself is root. */
export const SANDBOX_UID = 65534;

/** Everything the in-namespace runner needs; written by the host as JSON, read once before any mount. */
export interface RunConfig {
  /** Host path of the unpacked tool, bound read-only at SANDBOX_PATHS.toolDir. */
  toolDir: string;
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
