// The probe link of the egress map (issue 10 item 4): the hosts and paths a tool actually contacted in its
// sealed runs, set against the destinations the static audit predicted. Confirmed, predicted but not seen, and
// seen but not predicted (the static analysis missed it: a finding).
import type { EgressDestination } from '../model/egress.js';
import type { CapturedRequest } from './mock-llm.js';
import type { DnsQuery } from './dns-stub.js';
import { BASE_URL_VARIABLES, type Persona } from './persona.js';
import { isIpLiteral, isLoopback } from './preload.js';

/** What one run contacted, as the mocks, the DNS stub and the socket table saw it. */
export interface RunContacts {
  label: string;
  persona: Persona;
  requests: CapturedRequest[];
  dnsQueries: DnsQuery[];
  /** Outside addresses the tool connected to (they landed on the mocks). */
  outside: { address: string; port: number }[];
}

/** A host the tool contacted, with the paths requested there (none when only its name was looked up). */
export interface Contact {
  /** The host name or address; `(configured API host)` for the base URL the persona set. */
  host: string;
  paths: string[];
  /** Persona labels of the runs that contacted it. */
  personas: string[];
  /** `request`: a request reached the mocks; `dns`: only the name was looked up; `connect`: a connection to an address. */
  via: 'request' | 'dns' | 'connect';
}

export interface LinkedDestination {
  /** The static map's destination (`host` or `$VARIABLE`). */
  destination: string;
  /** The hosts of the contacts that matched it, and the paths requested. */
  contacted: string[];
  paths: string[];
}

export interface EgressLink {
  confirmed: LinkedDestination[];
  predictedNotSeen: { destination: string; urls: string[] }[];
  unpredicted: Contact[];
  /** Calls of the static map whose host it could not tell (`(unresolved)`): an unpredicted host may be one of them. */
  unresolved: number;
}

/** What a request to the persona's own API host is shown as: it came through a base-URL variable. */
export const CONFIGURED_HOST = '(configured API host)';
const MAX_PATHS = 20;
const BASE_VARS = new Set(BASE_URL_VARIABLES.map((v) => v.name));

function hostOnly(h: string): string {
  return h.toLowerCase().replace(/^\[([^\]]*)\](:\d+)?$/, '$1').replace(/:\d+$/, '').replace(/\.$/, '');
}

function pathOf(url: string): string {
  try {
    return new URL(url, 'http://x').pathname;
  } catch {
    return url.split('?')[0] ?? url;
  }
}

/** Names a machine always resolves for itself: not destinations. */
function ownName(name: string, p: Persona): boolean {
  return isLoopback(name) || name === p.hostname.toLowerCase() || name === 'ip6-localhost' || name === 'ip6-loopback';
}

/** Every host contacted in the runs, once, with its paths and the personas that contacted it. */
export function contactsOf(runs: RunContacts[]): Contact[] {
  const byHost = new Map<string, Contact>();
  const note = (host: string, via: Contact['via'], label: string, path?: string) => {
    let c = byHost.get(host);
    if (!c) byHost.set(host, (c = { host, paths: [], personas: [], via }));
    // A request says more than a lookup, a lookup more than a bare connection.
    if (via === 'request' || (via === 'dns' && c.via === 'connect')) c.via = via;
    if (path !== undefined && !c.paths.includes(path) && c.paths.length < MAX_PATHS) c.paths.push(path);
    if (!c.personas.includes(label)) c.personas.push(label);
  };
  for (const r of runs) {
    const configured = hostOnly(r.persona.host);
    for (const q of r.requests) {
      if (q.method === 'TLS-HANDSHAKE-FAILED') {
        if (q.sni) note(hostOnly(q.sni), 'request', r.label);
        continue;
      }
      if (q.method === 'CONNECT') continue; // the tunnelled request that follows names the host
      const hostHeader = q.headers.find(([n]) => n === 'host')?.[1];
      const raw = q.sni ?? (q.viaProxy && /^https?:\/\//.test(q.url) ? new URL(q.url).host : hostHeader);
      if (!raw) continue;
      const h = hostOnly(raw);
      const host = h === configured || (isLoopback(h) && isLoopback(configured)) ? CONFIGURED_HOST : h;
      if (host !== CONFIGURED_HOST && ownName(host, r.persona)) continue;
      note(host, 'request', r.label, pathOf(q.url));
    }
    for (const q of r.dnsQueries) {
      const name = hostOnly(q.name);
      if (!name || ownName(name, r.persona) || name === configured) continue;
      note(name, 'dns', r.label);
    }
    for (const o of r.outside) note(hostOnly(o.address), 'connect', r.label);
  }
  return [...byHost.values()].sort((a, b) => a.host.localeCompare(b.host));
}

/** The hosts a destination of the static map stands for: its constant host and the defaults of the variables that set it. */
function hostsOf(d: EgressDestination): string[] {
  const out = new Set<string>();
  if (d.host) out.add(hostOnly(d.host));
  for (const c of d.configurable) {
    if (!c.default) continue;
    try {
      out.add(hostOnly(new URL(c.default).hostname));
    } catch {
      // Not a URL: no host to match.
    }
  }
  return [...out];
}

/** The path a destination's requests start with (its default base URL's), '' when none is known. */
function basePaths(d: EgressDestination): string[] {
  const out: string[] = [];
  for (const u of [...d.configurable.map((c) => c.default ?? ''), ...d.urls]) {
    try {
      out.push(new URL(u).pathname.replace(/\/$/, ''));
    } catch {
      // Not a URL.
    }
  }
  return out.length ? out : [''];
}

/** Set by one of the base-URL variables the probe points at its mocks. */
function setByBaseUrl(d: EgressDestination): boolean {
  // `process.env.OPENAI_BASE_URL` or the bare name.
  return d.configurable.some((c) => BASE_VARS.has(c.variable.replace(/^.*\./, '')));
}

/** A destination's hosts as the hosts file may map them (constant names, no addresses, no wildcards). */
export function predictedHostNames(map: EgressDestination[]): string[] {
  const out = new Set<string>();
  for (const d of map) for (const h of hostsOf(d)) if (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/.test(h) && !isIpLiteral(h)) out.add(h);
  return [...out];
}

export function linkEgress(map: EgressDestination[], contacts: Contact[]): EgressLink {
  const matched = new Map<EgressDestination, Contact[]>();
  const unpredicted: Contact[] = [];
  for (const c of contacts) {
    const hits =
      c.host === CONFIGURED_HOST
        ? map.filter((d) => setByBaseUrl(d) && c.paths.some((p) => basePaths(d).some((b) => p === b || p.startsWith(b + '/') || b === '')))
        : map.filter((d) => hostsOf(d).includes(c.host));
    if (!hits.length) {
      unpredicted.push(c);
      continue;
    }
    for (const d of hits) matched.set(d, [...(matched.get(d) ?? []), c]);
  }
  const confirmed: LinkedDestination[] = [];
  const predictedNotSeen: EgressLink['predictedNotSeen'] = [];
  let unresolved = 0;
  for (const d of map) {
    const cs = matched.get(d);
    if (!cs && hostsOf(d).length === 0 && !setByBaseUrl(d)) {
      unresolved++;
      continue;
    }
    if (cs) confirmed.push({ destination: d.destination, contacted: cs.map((c) => c.host), paths: [...new Set(cs.flatMap((c) => c.paths))].slice(0, MAX_PATHS) });
    else predictedNotSeen.push({ destination: d.destination, urls: d.urls.slice(0, 3) });
  }
  return { confirmed, predictedNotSeen, unpredicted, unresolved };
}
