// What changed between two audits of a package: findings matched by fingerprint (new, removed, changed severity
// or evidence), and what the package can learn and where it can talk to, section by section. The fingerprint
// (src/model/fingerprint.ts) is the same across releases whatever the minifier renamed or moved.
import { atLeast, severityRank, type Finding, type Severity } from '../model/finding.js';
import type { Report, TargetInfo } from '../model/report.js';

export interface FindingChange {
  fingerprint: string;
  before: Finding;
  after: Finding;
  /** Present when the severity moved. */
  severity?: { from: Severity; to: Severity };
  decoded: SetChange;
  /** Evidence roles that appear or disappear from the chain (a sink added, a source dropped). */
  evidence: SetChange;
}

export interface SetChange {
  added: string[];
  removed: string[];
}

/** The parts of a report compared as sets of values. The egress map joins them when it exists. */
export const DIFF_SECTIONS = ['hosts', 'urls', 'envVars', 'fingerprintSources', 'decoded', 'installScripts', 'binaries'] as const;
export type DiffSection = (typeof DIFF_SECTIONS)[number];

export const SECTION_TITLES: Record<DiffSection, string> = {
  hosts: 'hosts',
  urls: 'URLs',
  envVars: 'environment variables',
  fingerprintSources: 'fingerprint sources',
  decoded: 'decoded data',
  installScripts: 'install scripts',
  binaries: 'binaries',
};

const SECTION_VALUES: Record<DiffSection, (r: Report) => string[]> = {
  hosts: (r) => r.inventory.hosts.map((i) => i.value),
  urls: (r) => r.inventory.urls.map((i) => i.value),
  envVars: (r) => r.inventory.envVars.map((i) => i.value),
  fingerprintSources: (r) => r.inventory.fingerprintSources.map((i) => i.value),
  decoded: (r) => r.findings.flatMap((f) => f.decoded.map((d) => `${d.encoding}: ${d.text}`)),
  installScripts: (r) => r.inventory.installScripts.map((s) => `${s.name}: ${s.command}`),
  binaries: (r) => r.inventory.binaries.map((b) => `${b.file} [${b.type}]`),
};

export interface ReportDiff {
  before: TargetInfo;
  after: TargetInfo;
  findings: { added: Finding[]; removed: Finding[]; changed: FindingChange[]; unchanged: Finding[] };
  sections: Record<DiffSection, SetChange>;
}

function setChange(before: Iterable<string>, after: Iterable<string>): SetChange {
  const a = new Set(before);
  const b = new Set(after);
  return { added: [...b].filter((v) => !a.has(v)).sort(), removed: [...a].filter((v) => !b.has(v)).sort() };
}

function byFingerprint(findings: Finding[]): Map<string, Finding[]> {
  const m = new Map<string, Finding[]>();
  for (const f of findings) {
    const fp = f.fingerprint;
    const list = m.get(fp);
    if (list) list.push(f);
    else m.set(fp, [f]);
  }
  return m;
}

function compare(fingerprint: string, before: Finding, after: Finding): FindingChange | undefined {
  const decoded = setChange(
    before.decoded.map((d) => `${d.encoding}: ${d.text}`),
    after.decoded.map((d) => `${d.encoding}: ${d.text}`),
  );
  const evidence = setChange(
    before.related.map((e) => e.role),
    after.related.map((e) => e.role),
  );
  const moved = before.severity !== after.severity;
  if (!moved && decoded.added.length + decoded.removed.length + evidence.added.length + evidence.removed.length === 0) return undefined;
  return { fingerprint, before, after, ...(moved ? { severity: { from: before.severity, to: after.severity } } : {}), decoded, evidence };
}

/** `before` → `after`. Findings with one fingerprint are paired in report order; the surplus is new or removed. */
export function diffReports(before: Report, after: Report): ReportDiff {
  const a = byFingerprint(before.findings);
  const b = byFingerprint(after.findings);
  const findings: ReportDiff['findings'] = { added: [], removed: [], changed: [], unchanged: [] };
  for (const [fp, olds] of a) {
    const news = b.get(fp) ?? [];
    const paired = Math.min(olds.length, news.length);
    for (let i = 0; i < paired; i++) {
      const change = compare(fp, olds[i]!, news[i]!);
      if (change) findings.changed.push(change);
      else findings.unchanged.push(news[i]!);
    }
    findings.removed.push(...olds.slice(paired));
    findings.added.push(...news.slice(paired));
  }
  for (const [fp, news] of b) if (!a.has(fp)) findings.added.push(...news);
  const bySeverity = (x: Finding, y: Finding) => severityRank(x.severity) - severityRank(y.severity) || x.location.file.localeCompare(y.location.file) || x.location.offset - y.location.offset;
  findings.added.sort(bySeverity);
  findings.removed.sort(bySeverity);
  findings.changed.sort((x, y) => bySeverity(x.after, y.after));
  const sections = Object.fromEntries(DIFF_SECTIONS.map((s) => [s, setChange(SECTION_VALUES[s](before), SECTION_VALUES[s](after))])) as Record<DiffSection, SetChange>;
  return { before: before.target, after: after.target, findings, sections };
}

/**
 * What an upgrade gate fails on: findings of the newer side at or above `failOn` that are new, or that were below
 * it before. A finding that was already there at that severity is not the upgrade's doing.
 */
export function gateFindings(d: ReportDiff, failOn: Severity): Finding[] {
  return [
    ...d.findings.added.filter((f) => atLeast(f.severity, failOn)),
    ...d.findings.changed.filter((c) => atLeast(c.after.severity, failOn) && !atLeast(c.before.severity, failOn)).map((c) => c.after),
  ];
}
