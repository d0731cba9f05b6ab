// SARIF 2.1.0 (OASIS) for GitHub code scanning and every other SARIF viewer: one run per report. Rules come from the
// finding catalogue (a new kind appears without a change here), each evidence chain is one codeFlow whose
// threadFlow steps run source → condition → choice → sink, decoded data is in the message and the properties, and
// the finding's fingerprint is the partial fingerprint that keeps an alert the same alert across releases.
// GitHub's documented limits are kept deliberately, and every cut is said in the run (docs/report-format.md#sarif).
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

/**
 * A finding location as SARIF: relative to the package root (`uriBaseId` PKGROOT). Inside a compiled executable
 * (`container!embedded/path`) the artifact is the executable and the embedded path, line and column are kept in the
 * location's properties and message; probe locations (a request, a DNS name) are logical locations.
 */
export function sarifLocation(l: Location, message?: string): Json {
  if (NON_FILE.test(l.file)) {
    return { ...(message ? { message: { text: message } } : {}), logicalLocations: [{ name: l.file, kind: 'probe' }] };
  }
  const bang = l.file.indexOf('!');
  if (bang > 0) {
    const container = l.file.slice(0, bang);
    const embedded = l.file.slice(bang + 1);
    return {
      physicalLocation: { artifactLocation: { uri: fileUri(container), uriBaseId: 'PKGROOT' } },
      message: { text: `${message ? message + ' — ' : ''}inside the executable: ${embedded}:${l.line}:${l.column}` },
      properties: { embeddedPath: embedded, embeddedLine: l.line, embeddedColumn: l.column, embeddedOffset: l.offset },
    };
  }
  return {
    physicalLocation: { artifactLocation: { uri: fileUri(l.file), uriBaseId: 'PKGROOT' }, region: { startLine: Math.max(1, l.line), startColumn: Math.max(1, l.column) } },
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

function resultMessage(f: Finding): string {
  const decoded = f.decoded.slice(0, 3).map((d) => `decoded (${d.encoding}): ${clip(d.text, 400)}`);
  return clip([`${f.title}.`, f.message, ...decoded].join('\n'));
}

function result(f: Finding, ruleIndex: number, input: SarifInput, notes: string[]): Json {
  const steps = flowSteps(f);
  const shown = steps.slice(0, SARIF_LIMITS.threadFlowLocations);
  if (shown.length < steps.length) notes.push(`${f.id}: ${steps.length - shown.length} of ${steps.length} evidence steps left out of the code flow (GitHub shows ${SARIF_LIMITS.threadFlowLocations})`);
  const decoded = f.decoded.slice(0, SARIF_LIMITS.decoded).map((d) => ({ encoding: d.encoding, text: clip(d.text) }));
  const state = input.baseline?.get(f.id);
  const accepted = input.accepted?.get(f.id);
  return {
    ruleId: f.ruleId,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: resultMessage(f) },
    locations: [sarifLocation(f.location)],
    partialFingerprints: { 'telltale/v1': f.fingerprint },
    ...(shown.length
      ? {
          codeFlows: [
            {
              message: { text: `evidence chain: ${shown.map((s) => s.role).join(' → ')}` },
              threadFlows: [
                {
                  locations: shown.map((s, i) => ({
                    location: sarifLocation(s.location, clip(`${s.role}: ${s.note}`, 1000)),
                    executionOrder: i + 1,
                    kinds: [s.role],
                    properties: { role: s.role, ...(s.excerpt ? { excerpt: clip(s.excerpt, 400) } : {}) },
                  })),
                },
              ],
            },
          ],
          relatedLocations: shown.slice(0, SARIF_LIMITS.relatedLocations).map((s, i) => ({ id: i + 1, ...sarifLocation(s.location, clip(`${s.role}: ${s.note}`, 1000)) })),
        }
      : {}),
    ...(state ? { baselineState: state } : {}),
    ...(accepted !== undefined ? { suppressions: [{ kind: 'external', status: 'accepted', justification: clip(accepted, 1000) }] } : {}),
    properties: {
      severity: f.severity,
      'security-severity': SECURITY_SEVERITY[f.severity],
      category: f.category,
      policyRow: f.policy.row,
      policyReason: f.policy.reason,
      fingerprint: f.fingerprint,
      findingId: f.id,
      ...(decoded.length ? { decoded } : {}),
      ...(f.excerpt ? { excerpt: clip(f.excerpt, 400) } : {}),
    },
  };
}

function targetLabel(t: TargetInfo): string {
  return `${t.name ?? t.spec}${t.version ? '@' + t.version : ''}`;
}

/** The SARIF log as an object (validated against the schema in the tests). */
export function buildSarif(input: SarifInput): Json {
  const notes: string[] = [...(input.notes ?? [])];
  const ruleIndex = new Map<string, number>(FINDING_KINDS.map((k, i) => [k, i]));
  // Severity first: when results are cut, the least severe go (GitHub keeps the top ones by severity too).
  const ordered = [...input.findings].sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
  let kept = ordered.slice(0, SARIF_LIMITS.results);
  if (kept.length < ordered.length) notes.push(`${ordered.length - kept.length} of ${ordered.length} findings left out, the least severe first (GitHub shows ${SARIF_LIMITS.results} results per run); the JSON report has them all`);
  const build = (findings: Finding[], extra: string[]): Json => {
    const runNotes = [...notes, ...extra];
    const results = findings.map((f) => result(f, ruleIndex.get(f.ruleId) ?? -1, input, runNotes));
    return {
      $schema: SARIF_SCHEMA_URI,
      version: '2.1.0',
      runs: [
        {
          tool: {
            driver: {
              name: 'telltale',
              version: input.tool.version,
              semanticVersion: input.tool.version.replace(/\+.*$/, ''),
              rules: FINDING_KINDS.map(rule),
            },
          },
          automationDetails: { id: `telltale/${input.command}/${targetLabel(input.target)}/` },
          originalUriBaseIds: { PKGROOT: { description: { text: `the root of ${targetLabel(input.target)} as published (${input.target.kind})` } } },
          invocations: [
            {
              executionSuccessful: true,
              toolExecutionNotifications: runNotes.map((text) => ({ level: 'note', message: { text: clip(text) } })),
            },
          ],
          results,
          properties: { command: input.command, target: input.target, trimmed: runNotes.filter((n) => / left out/.test(n)) },
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

export function renderSarif(input: SarifInput): string {
  return JSON.stringify(buildSarif(input), null, 2) + '\n';
}
