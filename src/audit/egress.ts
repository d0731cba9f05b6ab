// The package's egress map: the network calls of every file merged into one entry per destination,
// with its owner (tracker database, public suffix list, the package's own name, the request shape),
// install-time and background timing (install scripts and detached processes name the files they
// run), and the findings the severity policy makes of each entry.

import { posix } from 'node:path';
import type { Evidence, Finding } from '../model/finding.js';
import { createFinding } from '../model/create-finding.js';
import { setPart } from '../model/fingerprint.js';
import type { FindingKind } from '../model/catalogue.js';
import { DATA_CLASSES, FINGERPRINT_KINDS, traits, type DataClass, type SourceKind } from '../model/traits.js';
import { EGRESS_TIMINGS, type EgressDestination, type EgressObservation, type EgressOwner, type EgressSpawn, type EgressTiming } from '../model/egress.js';
import { registrableDomain, trackerFor } from '../data/trackers.js';
import { egressFindingMessage, egressFindingTitle } from '../mechanisms/wording.js';

export interface EgressInput {
  observations: EgressObservation[];
  spawns: EgressSpawn[];
  /** Files run by install scripts (paths as the report shows them). */
  installFiles: string[];
  /** The package name: its scope and words tell the vendor's own domains. */
  packageName: string | undefined;
}

/** Events listed per destination. */
const MAX_EVENTS = 40;
const MAX_CALLS = 5;
// Request paths of the common LLM APIs (messages, chat/completions, responses, generateContent).
const MODEL_PATH = /\/v\d\w*\/(messages|chat\/completions|completions|responses|embeddings)\b|:(stream)?generateContent\b|\/models\/[^/]+:/;
// Host labels that say what a service collects.
const TELEMETRY_LABEL = /^(telemetry|analytics|metrics|events?|track(ing)?|stats|collect(or)?|rum|logs?|ingest|beacon)$|telemetry|analytics/;
// Words of package names that say nothing about who publishes it.
const GENERIC_WORDS = new Set(['code', 'cli', 'tool', 'tools', 'core', 'labs', 'team', 'sdk', 'app', 'dev', 'node', 'js', 'npm', 'agent', 'ai']);

function vendorWords(name: string | undefined): string[] {
  if (!name) return [];
  return [...new Set(name.replace(/^@/, '').split(/[^a-z0-9]+/i).map((w) => w.toLowerCase()))].filter((w) => w.length >= 4 && !GENERIC_WORDS.has(w));
}

function hostOf(url: string): string | null {
  try {
    return new URL(url).hostname.toLowerCase() || null;
  } catch {
    return null;
  }
}

export function ownerOf(host: string | null, urls: string[], modelRequest: boolean, words: string[]): EgressOwner {
  if (modelRequest || urls.some((u) => MODEL_PATH.test(u))) return { kind: 'model-api', name: null, basis: 'api-shape' };
  if (host === null) return { kind: 'unknown', name: null, basis: 'none' };
  const domain = registrableDomain(host);
  const label = domain?.split('.')[0] ?? '';
  const tracker = trackerFor(host);
  if (words.some((w) => label.startsWith(w) || (tracker?.organization ?? '').toLowerCase().includes(w))) return { kind: 'vendor', name: tracker?.organization ?? domain, basis: 'package-domain' };
  if (/^registry\.|\bregistry\b/.test(host)) return { kind: 'registry', name: domain, basis: 'registry-host' };
  if (tracker) return { kind: tracker.telemetry ? 'third-party-telemetry' : 'third-party', name: `${tracker.service}${tracker.organization && tracker.organization !== tracker.service ? ` (${tracker.organization})` : ''}`, basis: 'tracker-db' };
  if (host.split('.').slice(0, -2).some((l) => TELEMETRY_LABEL.test(l))) return { kind: 'third-party-telemetry', name: domain, basis: 'host-name' };
  return { kind: 'unknown', name: domain, basis: 'none' };
}

/** Files a command runs with node (`node scripts/x.js`, `node ./x.mjs`). */
export function filesRunBy(command: string): string[] {
  return [...command.matchAll(/\bnode\s+(?:--?[\w-]+(?:=\S+)?\s+)*("?)([\w./@-]+\.(?:c|m)?js)\1/g)].map((m) => posix.normalize(m[2]!));
}

interface Entry extends EgressDestination {
  observations: EgressObservation[];
  unguarded: number;
}

export function buildEgressMap(input: EgressInput): { destinations: EgressDestination[]; findings: Finding[]; replacedSinks: Set<string> } {
  const words = vendorWords(input.packageName);
  const background = backgroundFiles(input.spawns);
  const install = new Set(input.installFiles);
  const entries = new Map<string, Entry>();
  for (const o of input.observations) {
    const file = o.sink.location.file;
    const timing = new Set<EgressTiming>(o.timing);
    if (install.has(file)) timing.add('install');
    if (background.has(file)) timing.add('background');
    const hosts = [...new Set(o.urls.map(hostOf).filter((h): h is string => h !== null))];
    const keys: { key: string; host: string | null }[] = hosts.length
      ? hosts.map((h) => ({ key: h, host: h }))
      : o.configurable.length
        ? [{ key: `$${o.configurable[0]!.variable.replace(/^process\.env\./, '')}`, host: null }]
        : [{ key: '(unresolved)', host: null }];
    // A call whose destination was not resolved matters only for what it carries.
    if (keys[0]!.key === '(unresolved)' && o.data.length === 0) continue;
    for (const { key, host } of keys) {
      let e = entries.get(key);
      if (!e) {
        e = {
          destination: key,
          host,
          registrableDomain: host ? registrableDomain(host) : null,
          urls: [],
          configurable: [],
          owner: { kind: 'unknown', name: null, basis: 'none' },
          data: [],
          dataEvidence: [],
          events: [],
          timing: [],
          optOut: [],
          calls: [],
          observations: [],
          unguarded: 0,
        };
        entries.set(key, e);
      }
      e.observations.push(o);
      for (const u of o.urls) if (hostOf(u) === host && !e.urls.includes(u)) e.urls.push(u);
      for (const c of o.configurable) if (!e.configurable.some((x) => x.variable === c.variable)) e.configurable.push(c);
      for (const d of o.data) if (!e.dataEvidence.some((x) => x.class === d.class)) e.dataEvidence.push(d);
      for (const ev of o.events) if (e.events.length < MAX_EVENTS && !e.events.includes(ev)) e.events.push(ev);
      for (const t of timing) if (!e.timing.includes(t)) e.timing.push(t);
      for (const x of o.optOuts) if (!e.optOut.some((y) => y.name === x.name)) e.optOut.push(x);
      if (o.optOuts.length === 0) e.unguarded++;
      if (e.calls.length < MAX_CALLS) e.calls.push(o.sink);
    }
  }
  const destinations: EgressDestination[] = [];
  const findings: Finding[] = [];
  const replacedSinks = new Set<string>();
  for (const e of entries.values()) {
    e.owner = ownerOf(e.host, e.urls, e.observations.some((o) => o.modelRequest), words);
    e.data = DATA_CLASSES.filter((c) => e.dataEvidence.some((d) => d.class === c));
    e.timing = EGRESS_TIMINGS.filter((t) => e.timing.includes(t));
    const f = findingFor(e);
    if (f) {
      findings.push(f);
      for (const o of e.observations) replacedSinks.add(sinkKey(o.sink));
    }
    const { observations: _o, unguarded: _u, ...dest } = e;
    destinations.push(dest);
  }
  destinations.sort((a, b) => b.data.length - a.data.length || a.destination.localeCompare(b.destination));
  return { destinations, findings, replacedSinks };
}

export function sinkKey(e: Evidence): string {
  return `${e.location.file}:${e.location.offset}`;
}

/** Files that run in a detached process: a named script next to the spawning file, or the spawning file itself. */
function backgroundFiles(spawns: EgressSpawn[]): Set<string> {
  const out = new Set<string>();
  for (const s of spawns) {
    if (s.self) out.add(s.location.file);
    else if (s.script) out.add(posix.normalize(posix.join(posix.dirname(s.location.file), s.script)));
  }
  return out;
}

function findingFor(e: Entry): Finding | null {
  if (e.owner.kind === 'model-api' && !e.timing.includes('install') && !e.timing.includes('background')) return null;
  const sent = e.data;
  if (sent.length === 0) return null;
  const installTime = e.timing.includes('install');
  const background = e.timing.includes('background');
  const sources = [...new Set(e.observations.flatMap((o) => o.sources))] as SourceKind[];
  const thirdParty = e.owner.kind === 'third-party' || e.owner.kind === 'third-party-telemetry';
  const sendsContent = sent.includes('content') || sent.includes('prompts');
  let kind: FindingKind;
  if (sendsContent && thirdParty) kind = 'content-exfiltration';
  else if (installTime || background) kind = 'background-reporter';
  else if (sent.includes('identity') || sent.includes('environment')) kind = 'telemetry-identity';
  else if (sent.some((c) => c === 'platform' || c === 'usage' || c === 'errors')) kind = 'usage-telemetry';
  else return null;
  const optOut = e.optOut.length > 0 && e.unguarded === 0;
  // The policy ranks what is sent; content to someone who is not a third party is listed, not ranked.
  const rankedSent: DataClass[] = kind === 'content-exfiltration' ? sent : sent.filter((c) => c !== 'content' && c !== 'prompts' && c !== 'credentials');
  if (rankedSent.length === 0) return null;
  const t = traits({ sent: rankedSent, destination: e.owner.kind, optOut, installTime, background, sources: sources.filter((s) => FINGERPRINT_KINDS.includes(s) && rankedSent.includes(classOfSource(s))), effect: 'network' });
  const first = e.calls[0]!;
  const related: Evidence[] = [
    ...e.dataEvidence.filter((d) => rankedSent.includes(d.class)).map((d) => ({ role: 'source' as const, location: d.location, note: `${d.class}: ${d.detail}` })),
    ...e.optOut.map((o) => ({ role: 'condition' as const, location: o.location, note: `opt-out checked: ${o.name}` })),
    ...e.calls,
  ];
  return createFinding({
    kind,
    traits: t,
    identity: [`destination=${e.registrableDomain ?? e.destination}`, setPart('data', rankedSent), setPart('timing', e.timing.filter((x) => x === 'install' || x === 'background'))],
    title: egressFindingTitle(kind, rankedSent, e.destination, e.owner),
    message: egressFindingMessage(rankedSent, e.destination, e.owner, e.timing, optOut ? e.optOut.map((o) => o.name) : [], e.events),
    location: first.location,
    related,
    excerpt: first.excerpt ?? '',
  });
}

function classOfSource(s: SourceKind): DataClass {
  if (s === 'timezone' || s === 'locale' || s === 'ip-geolocation' || s === 'ci-container') return 'environment';
  if (s === 'platform') return 'platform';
  return 'identity';
}
