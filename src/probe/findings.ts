// Turns differences and run observations into report findings, and ties differences to findings of a
// static audit whose evidence contains the same characters.
import { severityRank, type Evidence, type Finding, type Location } from '../model/finding.js';
import type { FindingKind } from '../model/catalogue.js';
import { createFinding } from '../model/create-finding.js';
import { setPart } from '../model/fingerprint.js';
import { traits, type Traits } from '../model/traits.js';
import type { Report } from '../model/report.js';
import { describeCell, differenceTraits, type Cell, type Difference } from './analyze.js';
import { describeString, visible } from '../data/unicode.js';
import { isIpLiteral, isLoopback } from './preload.js';
import type { RunResult } from './sandbox.js';
import { CONFIGURED_HOST, type EgressLink } from './egress-link.js';

/** The probe's finding kinds (entries of the catalogue) and the title each finding of that kind carries. */
export const PROBE_TITLES = {
  'probe-covert-channel': 'Request changes unnoticeably (invisible, look-alike or format-only) with the user’s region',
  'probe-region-dependent': 'Request changes with the user’s region',
  'probe-egress-attempt': 'Tool tried to reach a non-loopback address',
  'probe-unknown-host': 'Tool looked up a host outside the mock APIs',
  'probe-unpredicted-destination': 'Tool contacted a destination the static egress map did not predict',
  'probe-run-problem': 'A probe run did not complete normally',
} as const satisfies Partial<Record<FindingKind, string>>;
export type ProbeRuleId = keyof typeof PROBE_TITLES;

/** A probe finding; its severity comes from the policy, so traits that are worth nothing make none. */
function make(ruleId: ProbeRuleId, t: Traits, identity: string[], location: Location, message: string, extra: Partial<Finding> = {}): Finding[] {
  const f = createFinding({ kind: ruleId, traits: t, identity, title: PROBE_TITLES[ruleId], message, location, ...extra });
  return f ? [f] : [];
}

function requestLocation(label: string, path: string, c: Cell): Location {
  return { file: `request:${label}:${path}`, offset: c.offset, line: c.line, column: c.column };
}

const LINK_WINDOW = 80;
const MAX_LINKS = 5;

/** True when, somewhere in `text`, a non-ASCII character of the change has all the change's characters
 *  within LINK_WINDOW: the shape of a choice between them (`q ? "'" : "’"`), not a big table that
 *  happens to hold them all. */
export function holdsChoice(text: string, chars: string[]): boolean {
  const anchors = chars.filter((c) => c.codePointAt(0)! > 0x7f);
  for (const anchor of anchors) {
    for (let i = text.indexOf(anchor); i >= 0; i = text.indexOf(anchor, i + 1)) {
      const win = text.slice(Math.max(0, i - LINK_WINDOW), i + LINK_WINDOW);
      if (chars.every((c) => win.includes(c))) return true;
    }
  }
  return false;
}

/** Static findings whose evidence holds this difference's characters side by side. ASCII-only changes
 *  ('-' → '/') are never tied: those characters are in every file. */
export function staticLinks(d: Difference, staticReport: Report | undefined): Finding[] {
  if (!staticReport) return [];
  const chars = [...new Set(Object.values(d.cells).flatMap((c) => [...c.oldText, ...c.newText]))];
  if (!chars.some((c) => c.codePointAt(0)! > 0x7f)) return [];
  const hits = staticReport.findings.filter((f) => [f.excerpt, ...f.related.map((r) => r.excerpt ?? ''), ...f.decoded.map((x) => x.text)].some((t) => holdsChoice(t, chars)));
  const rank = (f: Finding) => (f.category === 'covert-channel' ? 0 : 10) + severityRank(f.severity);
  return hits.sort((a, b) => rank(a) - rank(b)).slice(0, MAX_LINKS);
}

export function differenceFindings(diffs: Difference[], baselineLabel: string, staticReport?: Report): Finding[] {
  const out: Finding[] = [];
  for (const d of diffs) {
    const labels = Object.keys(d.cells);
    const first = d.cells[labels[0]!]!;
    const ruleId: ProbeRuleId = d.verdict === 'covert-channel' ? 'probe-covert-channel' : 'probe-region-dependent';
    const follows = d.follows.length ? d.follows.join(' or ') : 'a combination of persona settings';
    const what = d.kind === 'invisible' ? 'an invisible character' : d.kind === 'look-alike' ? 'a look-alike character' : d.kind === 'format' ? 'a punctuation/format character' : d.kind;
    const cellLines = labels.map((l) => `${l}: ${describeCell(d.cells[l]!, d.kind)}${d.cells[l]!.explained ? ' (explained by the persona)' : ''}`);
    const links = staticLinks(d, staticReport);
    const message =
      `${d.id}: at ${d.path} the request differs from the baseline (${baselineLabel}) by ${what}${d.occurrences > 1 ? ` in ${d.occurrences} places` : ''}, following ${follows}. ` +
      `${d.verdict === 'covert-channel' ? 'Nothing visible in the request explains it, so it can tell the server where the user is. ' : ''}` +
      cellLines.join('; ') +
      (links.length ? `. Tied to static finding${links.length > 1 ? 's' : ''} ${links.map((f) => f.id).join(', ')}` : '');
    const related: Evidence[] = [
      {
        role: 'data',
        location: { file: `request:${baselineLabel}:${d.path}`, offset: first.baseOffset, line: 1, column: first.baseOffset + 1 },
        note: 'baseline value',
        excerpt: visible(first.baseContext),
      },
      ...labels.slice(1, 12).map((l) => ({
        role: 'transform' as const,
        location: requestLocation(l, d.path, d.cells[l]!),
        note: `${l}: ${describeCell(d.cells[l]!, d.kind)}`,
        excerpt: visible(d.cells[l]!.context),
      })),
      ...links.map((f) => ({ role: 'context' as const, location: f.location, note: `static finding ${f.id} (${f.ruleId}) has these characters in its evidence`, excerpt: f.excerpt })),
    ];
    const decoded = [...new Set(labels.map((l) => `${d.cells[l]!.oldText}→${d.cells[l]!.newText}`))].map((pair) => {
      const [o, n] = pair.split('→') as [string, string];
      return { encoding: 'persona-diff', text: `${o}→${n} (${describeString(o, 4)} → ${describeString(n, 4)})` };
    });
    const identity = [`path=${d.path}`, `change=${d.kind}`, setPart('pairs', labels.map((l) => `${d.cells[l]!.oldText}→${d.cells[l]!.newText}`)), setPart('follows', d.follows)];
    out.push(...make(ruleId, differenceTraits(d.verdict, d.follows), identity, requestLocation(labels[0]!, d.path, first), message, { related, decoded, excerpt: visible(first.context) }));
  }
  return out;
}

export interface LabelledRun {
  label: string;
  run: RunResult;
}

/** Hosts the sandbox maps to the mocks; a lookup of anything else is an attempt to go elsewhere. A host in
 *  `reportedElsewhere` (a destination the egress link reports as not predicted) is not reported again here. */
export function networkFindings(runs: LabelledRun[], mappedHosts: Set<string>, reportedElsewhere: Set<string> = new Set()): Finding[] {
  const egress = new Map<string, { runs: string[]; how: string }>();
  const unknown = new Map<string, string[]>();
  const note = (m: Map<string, { runs: string[]; how: string }>, key: string, label: string, how: string) => {
    const e = m.get(key) ?? { runs: [], how };
    if (!e.runs.includes(label)) e.runs.push(label);
    m.set(key, e);
  };
  for (const { label, run } of runs) {
    for (const e of run.netEvents) {
      if (e.kind === 'resolved' && e.address && !isLoopback(e.address)) note(egress, `${e.host} → ${e.address}`, label, 'resolved and connected from Node');
      if (e.kind === 'connect' && e.host && isIpLiteral(e.host) && !isLoopback(e.host)) note(egress, `${e.host}:${e.port ?? '?'}`, label, 'direct connect from Node');
      if (e.kind === 'udp' && e.address && !isLoopback(e.address) && e.address !== '127.0.0.1') note(egress, `udp ${e.address}:${e.port ?? '?'}`, label, 'UDP send from Node');
      if ((e.kind === 'lookup' || e.kind === 'resolve' || e.kind === 'connect') && e.host && !isIpLiteral(e.host) && !isLoopback(e.host) && !mappedHosts.has(e.host.toLowerCase())) {
        unknown.set(e.host.toLowerCase(), [...new Set([...(unknown.get(e.host.toLowerCase()) ?? []), label])]);
      }
    }
    for (const c of run.outsideConnections ?? []) note(egress, `tcp ${c.address.includes(':') ? `[${c.address}]` : c.address}:${c.port}`, label, 'connection that reached the mocks');
    for (const k of run.kernelSockets) note(egress, `${k.proto} ${k.remote}`, label, 'socket seen in /proc/net');
    for (const q of run.dnsQueries) {
      if (mappedHosts.has(q.name)) continue;
      unknown.set(q.name, [...new Set([...(unknown.get(q.name) ?? []), label])]);
    }
  }
  const out: Finding[] = [];
  for (const [target, e] of egress) {
    out.push(...make('probe-egress-attempt', traits({ runIssue: 'egress-attempt' }), [`target=${target}`], { file: `network:${e.runs[0]}`, offset: 0, line: 1, column: 1 }, `Attempt to reach ${target} (${e.how}) in ${e.runs.length} run(s): ${e.runs.join('; ')}. The sandbox routes every address to loopback, so nothing left the machine.`, { excerpt: target }));
  }
  for (const [host, labels] of unknown) {
    if (reportedElsewhere.has(host)) continue;
    out.push(...make('probe-unknown-host', traits({ runIssue: 'unknown-host' }), [`host=${host}`], { file: `dns:${host}`, offset: 0, line: 1, column: 1 }, `The tool tried to resolve ${host}, which is not one of the mocked API hosts (answered REFUSED) in ${labels.length} run(s): ${labels.join('; ')}.`, { excerpt: host }));
  }
  return out;
}

/** Each destination the tool contacted that the static egress map did not predict: the static analysis missed it. */
export function linkFindings(link: EgressLink): Finding[] {
  const out: Finding[] = [];
  for (const c of link.unpredicted) {
    const what = c.host === CONFIGURED_HOST ? 'the API host the persona configured (a base-URL variable)' : c.host;
    const how = c.via === 'request' ? `requests to ${c.paths.slice(0, 5).join(', ') || '/'}` : c.via === 'dns' ? 'a name lookup (answered REFUSED, so no request followed)' : 'a connection to the address';
    out.push(
      ...make(
        'probe-unpredicted-destination',
        traits({ runIssue: 'unpredicted-destination' }),
        [`host=${c.host}`],
        { file: `egress:${c.host}`, offset: 0, line: 1, column: 1 },
        `The tool contacted ${what} (${how}) in ${c.personas.length} persona(s): ${c.personas.slice(0, 6).join('; ')}. ` +
          `The static egress map has no destination for it: the static analysis missed it (a host built at run time, read from a file or fetched).`,
        { excerpt: c.paths.length ? `${c.host} ${c.paths.slice(0, 3).join(' ')}` : c.host },
      ),
    );
  }
  return out;
}

export function runProblemFindings(runs: LabelledRun[]): Finding[] {
  const out: Finding[] = [];
  runs.forEach(({ label, run }, i) => {
    const loc: Location = { file: `run:${label}#${i}`, offset: 0, line: 1, column: 1 };
    if (run.leftoverPids.length) out.push(...make('probe-run-problem', traits({ runIssue: 'surviving-process' }), [`run=${label}`, 'problem=surviving-process'], loc, `Processes of the run survived it: ${run.leftoverPids.join(', ')}.`));
    if (run.timedOut) out.push(...make('probe-run-problem', traits({ runIssue: 'timeout' }), [`run=${label}`, 'problem=timeout'], { ...loc, column: 2 }, `The tool did not finish within the time limit and was killed. The persona's runs that finished are compared; when none did, its requests until then are (requests it may not have reached are not counted as missing).`));
    if (run.requests.length === 0 && !run.setupError) out.push(...make('probe-run-problem', traits({ runIssue: 'no-request' }), [`run=${label}`, 'problem=no-request'], { ...loc, column: 3 }, `The tool sent no request to the mock APIs (exit ${run.exitCode ?? run.signal}); stderr: ${run.stderr.trim().split('\n').slice(-1)[0] ?? ''}`));
  });
  return out;
}
