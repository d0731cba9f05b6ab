// SARIF 2.1.0 (OASIS) for GitHub code scanning and every other SARIF viewer: one run per report. Rules come from the
// finding catalogue (a new kind appears without a change here), each evidence chain is one codeFlow whose
// threadFlow steps run source → condition → choice → sink, decoded data is in the message and the properties, and
// the finding's fingerprint is the partial fingerprint that keeps an alert the same alert across releases.
// GitHub's documented limits are kept deliberately, and every cut is said in the run (docs/report-format.md#sarif).
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { CATALOGUE, FINDING_KINDS, type FindingKind } from '../../model/catalogue.js';
import { severityRank, type Evidence, type EvidenceRole, type Finding, type Location, type Severity } from '../../model/finding.js';
import type { TargetInfo } from '../../model/report.js';
import { policyRow } from '../../model/severity-policy.js';

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/** GitHub code scanning's limits (docs: "SARIF results exceed limit"): what is shown, and what is accepted. */
export const SARIF_LIMITS = {
  /** Results per run GitHub shows (25,000 are accepted; the top 5,000 by severity are kept). */
  results: 5000,
  /** Thread flow locations per result GitHub shows (10,000 accepted). */
  threadFlowLocations: 1000,
  /** Related locations per result (GitHub shows 100 locations per result). */
  relatedLocations: 100,
  /** Tags per rule GitHub shows (20 accepted). */
  tagsPerRule: 10,
  /** Upload size: 10 MB gzip-compressed; kept below it with room to spare. */
  gzipBytes: 9 * 1024 * 1024,
  /** Characters of one message or decoded text. */
  text: 2000,
  /** Decoded texts per result. */
  decoded: 20,
} as const;

/** The order of an evidence chain's steps in a threadFlow: where data comes from, how it is compared and chosen, where it goes. */
export const FLOW_ORDER: readonly EvidenceRole[] = ['source', 'data', 'encoding', 'decoder', 'condition', 'choice', 'transform', 'context', 'sink'];

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };
/** GitHub's security-severity scale (0.1–10): critical ≥ 9, high 7–8.9, medium 4–6.9, low < 4. */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '1.0' };

export type BaselineState = 'new' | 'unchanged' | 'updated' | 'absent';

export interface SarifInput {
  tool: { name: 'telltale'; version: string };
  target: TargetInfo;
  findings: Finding[];
  /** diff: how each finding relates to the older release (keyed by finding id). */
  baseline?: Map<string, BaselineState>;
  /** Accepted findings (policy): id → justification. */
  accepted?: Map<string, string>;
  /** What produced the run: audit, probe, diff. */
  command: 'audit' | 'probe' | 'diff';
  /** Further run notes (e.g. policy decisions) shown as notifications. */
  notes?: string[];
}

type Json = Record<string, unknown>;

function clip(s: string, n: number = SARIF_LIMITS.text): string {
  return s.length > n ? s.slice(0, n) + '…' : s;
}

/** The highest severity a kind can have, from the policy rows the catalogue lists for it. */
export function kindSeverity(kind: FindingKind): Severity {
  let best: Severity = 'info';
  for (const id of CATALOGUE[kind].rows) {
    const s = policyRow(id).severity;
    if (s && severityRank(s) < severityRank(best)) best = s;
  }
  return best;
}

function ruleName(kind: string): string {
  return kind.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}

function rule(kind: FindingKind): Json {
  const m = CATALOGUE[kind];
  const sev = kindSeverity(kind);
  const rows = m.rows.map((id) => policyRow(id)).map((r) => `- \`${r.id}\` (${r.severity ?? 'no finding'}): ${r.reads}`);
  const tags = ['security', m.category, m.producer, ...(m.producer === 'probe' ? ['dynamic'] : m.producer === 'static' ? ['static'] : [])];
  return {
    id: kind,
    name: ruleName(kind),
    shortDescription: { text: m.name },
    fullDescription: { text: m.description },
    help: { text: `${m.docs}\n\nSeverity rows that can apply:\n${rows.join('\n')}`, markdown: `**${m.name}** — ${m.description}\n\n${m.docs}\n\nSeverity rows that can apply:\n\n${rows.join('\n')}` },
    defaultConfiguration: { level: LEVEL[sev] },
    properties: { tags: [...new Set(tags)].slice(0, SARIF_LIMITS.tagsPerRule), 'security-severity': SECURITY_SEVERITY[sev], precision: m.producer === 'internal' ? 'medium' : 'high', producer: m.producer },
  };
}

/** `a b/c d.js` → `a%20b/c%20d.js`: a relative URI reference, segment by segment. */
export function fileUri(path: string): string {
  return path
    .replace(/\\/g, '/')
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
}

const NON_FILE = /^(request|network|dns|run):/;

/** What a package-relative path is resolved against: a base id of the run and a prefix (percent-encoded, ending in /). */
export interface UriBase {
  id: string;
  prefix: string;
}

const PACKAGE_ROOT: UriBase = { id: 'PKGROOT', prefix: '' };
/** A project's SARIF: paths relative to the folder telltale ran in, which GitHub reads as the repository root. */
export const SOURCE_ROOT = '%SRCROOT%';

/**
 * A finding location as SARIF: relative to the package root (`uriBaseId` PKGROOT). Inside a compiled executable
 * (`container!embedded/path`) the artifact is the executable and the embedded path, line and column are kept in the
 * location's properties and message; probe locations (a request, a DNS name) are logical locations.
 */
export function sarifLocation(l: Location, message?: string, base: UriBase = PACKAGE_ROOT): Json {
  if (NON_FILE.test(l.file)) {
    return { ...(message ? { message: { text: message } } : {}), logicalLocations: [{ name: l.file, kind: 'probe' }] };
  }
  const bang = l.file.indexOf('!');
  if (bang > 0) {
    const container = l.file.slice(0, bang);
    const embedded = l.file.slice(bang + 1);
    return {
      physicalLocation: { artifactLocation: { uri: base.prefix + fileUri(container), uriBaseId: base.id } },
      message: { text: `${message ? message + ' — ' : ''}inside the executable: ${embedded}:${l.line}:${l.column}` },
      properties: { embeddedPath: embedded, embeddedLine: l.line, embeddedColumn: l.column, embeddedOffset: l.offset },
    };
  }
  return {
    physicalLocation: { artifactLocation: { uri: base.prefix + fileUri(l.file), uriBaseId: base.id }, region: { startLine: Math.max(1, l.line), startColumn: Math.max(1, l.column) } },
    ...(message ? { message: { text: message } } : {}),
  };
}

/** The evidence chain in flow order (stable within a role): the steps of the one threadFlow. */
export function flowSteps(f: Finding): Evidence[] {
  return f.related
    .map((e, i) => ({ e, i }))
    .sort((a, b) => FLOW_ORDER.indexOf(a.e.role) - FLOW_ORDER.indexOf(b.e.role) || a.i - b.i)
    .map((x) => x.e);
}

function resultMessage(f: Finding, pkg?: ProjectPackage): string {
  const decoded = f.decoded.slice(0, 3).map((d) => `decoded (${d.encoding}): ${clip(d.text, 400)}`);
  const title = pkg ? `${f.title} in ${pkg.dev ? 'dev dependency' : 'dependency'} ${pkg.name}@${pkg.version}.` : `${f.title}.`;
  return clip([title, f.message, ...decoded].join('\n'));
}

/**
 * GitHub matches an alert across uploads by `primaryLocationLineHash` (and would otherwise hash the source line at
 * the location, which is not in the repository for a package's file, and changes with every upgrade for a lockfile
 * entry): here it is the finding's fingerprint within its package, so an alert stays one alert across releases.
 */
function lineHash(scope: string, fingerprint: string): string {
  const [fp, n] = fingerprint.split(':');
  return `${createHash('sha256').update(`${scope}\0${fp}`).digest('hex').slice(0, 16)}:${n ?? '1'}`;
}

/** One finding to report, with what the run knows of it. */
interface Entry {
  f: Finding;
  /** The package it is in (a project's run). */
  pkg?: ProjectPackage;
  baseline?: BaselineState;
  /** The justification of its acceptance. */
  accepted?: string;
}

function result(e: Entry, ruleIndex: number, scope: string, notes: string[]): Json {
  const { f, pkg } = e;
  const base = pkg ? { id: SOURCE_ROOT, prefix: pkg.installedAt.split('/').map(encodeURIComponent).join('/') + '/' } : PACKAGE_ROOT;
  const steps = flowSteps(f);
  const shown = steps.slice(0, SARIF_LIMITS.threadFlowLocations);
  const label = pkg ? `${pkg.name}@${pkg.version} ${f.id}` : f.id;
  if (shown.length < steps.length) notes.push(`${label}: ${steps.length - shown.length} of ${steps.length} evidence steps left out of the code flow (GitHub shows ${SARIF_LIMITS.threadFlowLocations})`);
  const decoded = f.decoded.slice(0, SARIF_LIMITS.decoded).map((d) => ({ encoding: d.encoding, text: clip(d.text) }));
  const step = (s: Evidence) => sarifLocation(s.location, clip(`${s.role}: ${s.note}`, 1000), base);
  // In a project the alert is anchored at the package's lockfile entry (a file of the repository); where in the
  // package it is comes first among the related locations, then the evidence.
  const primary = pkg
    ? { physicalLocation: { artifactLocation: { uri: pkg.lockfile.uri, uriBaseId: SOURCE_ROOT }, region: { startLine: pkg.lockfile.line } }, message: { text: `${pkg.name}@${pkg.version} is resolved here` } }
    : sarifLocation(f.location);
  const related = [...(pkg ? [sarifLocation(f.location, `${f.title} (in ${pkg.name}@${pkg.version})`, base)] : []), ...shown.map(step)].slice(0, SARIF_LIMITS.relatedLocations);
  return {
    ruleId: f.ruleId,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: resultMessage(f, pkg) },
    locations: [primary],
    partialFingerprints: { 'telltale/v1': f.fingerprint, primaryLocationLineHash: lineHash(pkg?.name ?? scope, f.fingerprint) },
    ...(shown.length
      ? {
          codeFlows: [
            {
              message: { text: `evidence chain: ${shown.map((s) => s.role).join(' → ')}` },
              threadFlows: [
                {
                  locations: shown.map((s, i) => ({
                    location: step(s),
                    executionOrder: i + 1,
                    kinds: [s.role],
                    properties: { role: s.role, ...(s.excerpt ? { excerpt: clip(s.excerpt, 400) } : {}) },
                  })),
                },
              ],
            },
          ],
        }
      : {}),
    ...(related.length ? { relatedLocations: related.map((l, i) => ({ id: i + 1, ...l })) } : {}),
    ...(e.baseline ? { baselineState: e.baseline } : {}),
    ...(e.accepted !== undefined ? { suppressions: [{ kind: 'external', status: 'accepted', justification: clip(e.accepted, 1000) }] } : {}),
    properties: {
      severity: f.severity,
      'security-severity': SECURITY_SEVERITY[f.severity],
      category: f.category,
      policyRow: f.policy.row,
      policyReason: f.policy.reason,
      fingerprint: f.fingerprint,
      findingId: f.id,
      ...(pkg ? { package: { name: pkg.name, version: pkg.version, dev: pkg.dev } } : {}),
      ...(decoded.length ? { decoded } : {}),
      ...(f.excerpt ? { excerpt: clip(f.excerpt, 400) } : {}),
    },
  };
}

function targetLabel(t: TargetInfo): string {
  return `${t.name ?? t.spec}${t.version ? '@' + t.version : ''}`;
}

/** What differs between a package's run and a project's: the run's identity, its bases and its properties. */
interface RunFrame {
  tool: { name: 'telltale'; version: string };
  automationId: string;
  originalUriBaseIds: Json;
  /** Scope of the line hashes of findings not in a project's package. */
  scope: string;
  properties: Json;
}

function buildLog(entries: Entry[], frame: RunFrame, notes: string[]): Json {
  const ruleIndex = new Map<string, number>(FINDING_KINDS.map((k, i) => [k, i]));
  // Severity first: when results are cut, the least severe go (GitHub keeps the top ones by severity too).
  const ordered = [...entries].sort((a, b) => severityRank(a.f.severity) - severityRank(b.f.severity));
  let kept = ordered.slice(0, SARIF_LIMITS.results);
  if (kept.length < ordered.length) notes.push(`${ordered.length - kept.length} of ${ordered.length} findings left out, the least severe first (GitHub shows ${SARIF_LIMITS.results} results per run); the JSON report has them all`);
  const build = (list: Entry[], extra: string[]): Json => {
    const runNotes = [...notes, ...extra];
    const results = list.map((e) => result(e, ruleIndex.get(e.f.ruleId) ?? -1, frame.scope, runNotes));
    return {
      $schema: SARIF_SCHEMA_URI,
      version: '2.1.0',
      runs: [
        {
          tool: {
            driver: {
              name: 'telltale',
              version: frame.tool.version,
              semanticVersion: frame.tool.version.replace(/\+.*$/, ''),
              rules: FINDING_KINDS.map(rule),
            },
          },
          automationDetails: { id: frame.automationId },
          originalUriBaseIds: frame.originalUriBaseIds,
          invocations: [
            {
              executionSuccessful: true,
              toolExecutionNotifications: runNotes.map((text) => ({ level: 'note', message: { text: clip(text) } })),
            },
          ],
          results,
          properties: { ...frame.properties, trimmed: runNotes.filter((n) => / left out/.test(n)) },
        },
      ],
    };
  };
  let log = build(kept, []);
  // The upload limit is on the compressed file; cut from the least severe end until it fits, and say so.
  while (kept.length > 0 && gzipSync(JSON.stringify(log)).length > SARIF_LIMITS.gzipBytes) {
    kept = kept.slice(0, Math.floor(kept.length * 0.8));
    log = build(kept, [`${ordered.length - kept.length} of ${ordered.length} findings left out, the least severe first, to stay under GitHub's upload size (${SARIF_LIMITS.gzipBytes} bytes compressed); the JSON report has them all`]);
  }
  return log;
}

/** The SARIF log as an object (validated against the schema in the tests). */
export function buildSarif(input: SarifInput): Json {
  const label = targetLabel(input.target);
  return buildLog(
    input.findings.map((f) => ({ f, ...(input.baseline?.has(f.id) ? { baseline: input.baseline.get(f.id)! } : {}), ...(input.accepted?.has(f.id) ? { accepted: input.accepted.get(f.id)! } : {}) })),
    {
      tool: input.tool,
      automationId: `telltale/${input.command}/${label}/`,
      originalUriBaseIds: { PKGROOT: { description: { text: `the root of ${label} as published (${input.target.kind})` } } },
      scope: input.target.name ?? input.target.spec,
      properties: { command: input.command, target: input.target },
    },
    [...(input.notes ?? [])],
  );
}

export function renderSarif(input: SarifInput): string {
  return JSON.stringify(buildSarif(input), null, 2) + '\n';
}

/** One package of a project (`telltale audit <dir>`), placed in the project. */
export interface ProjectPackage {
  name: string;
  version: string;
  dev: boolean;
  /** The lockfile, relative to the source root (percent-encoded), and the line of this package's entry. */
  lockfile: { uri: string; line: number };
  /** Where it is installed, relative to the source root: `<project>/node_modules/<name>`. */
  installedAt: string;
}

export interface ProjectSarifInput {
  tool: { name: 'telltale'; version: string };
  /** The source root (the folder telltale ran in, the repository's root in CI) as a file URI ending in `/`. */
  sourceRoot: string;
  /** The lockfile relative to the source root (percent-encoded). */
  lockfile: string;
  findings: { pkg: ProjectPackage; finding: Finding; accepted?: string }[];
  /** The per-package table (status, worst, reason), kept in the run's properties. */
  packages: Json[];
  notes: string[];
}

/**
 * A project's SARIF: one run for the whole lockfile. GitHub closes an alert when the next upload of the same
 * category no longer has it, so one category per project lets a removed or fixed dependency's alerts close; it
 * rejects several runs of one tool and category in one upload; and it annotates only the first location, which must
 * be in the repository to be shown in a pull request: the package's lockfile entry, not its files under
 * node_modules (which GitHub labels library code and which are not committed). docs/report-format.md#sarif.
 */
export function buildProjectSarif(input: ProjectSarifInput): Json {
  return buildLog(
    input.findings.map((x) => ({ f: x.finding, pkg: x.pkg, ...(x.accepted !== undefined ? { accepted: x.accepted } : {}) })),
    {
      tool: input.tool,
      automationId: `telltale/project/${decodeURIComponent(input.lockfile)}/`,
      originalUriBaseIds: { [SOURCE_ROOT]: { uri: input.sourceRoot, description: { text: 'the folder telltale ran in (the repository root in CI); a package file is at <project>/node_modules/<name>/<path> as installed' } } },
      scope: input.lockfile,
      properties: { command: 'audit', lockfile: decodeURIComponent(input.lockfile), packages: input.packages },
    },
    [...input.notes],
  );
}
