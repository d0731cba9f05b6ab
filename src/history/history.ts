// A package over time: every release in a range audited (in parallel, through the result cache), and a timeline
// per finding fingerprint; or, with bisect, only the releases needed to find where a finding starts and ends.
import { atLeast, severityRank, type Finding, type Severity } from '../model/finding.js';
import type { AuditJob } from '../jobs/audit-job.js';
import type { AuditResult, AuditService } from '../jobs/service.js';
import { bisect, type BisectOutcome, type Presence } from './bisect.js';
import type { ProgressSink } from './progress.js';
import type { Release, ReleaseList } from './releases.js';

export interface ReleaseAudit {
  release: Release;
  result: AuditResult;
}

export interface TimelineRow {
  fingerprint: string;
  ruleId: string;
  /** The highest severity it had in any release. */
  severity: Severity;
  /** As the newest release carrying it words it. */
  title: string;
  /** One entry per release in version order: true present, false absent, undefined not audited. */
  presence: (boolean | undefined)[];
}

export type JobFor = (r: Release) => AuditJob;

async function auditRelease(r: Release, service: AuditService, jobFor: JobFor, progress: ProgressSink): Promise<AuditResult> {
  progress.start(r.version);
  const result = await service.audit(jobFor(r));
  progress.finish(r.version, result.status);
  return result;
}

/** Audits every release; the service runs as many at once as its backend allows, and caches each as it finishes. */
export async function auditAll(list: ReleaseList, service: AuditService, jobFor: JobFor, progress: ProgressSink): Promise<ReleaseAudit[]> {
  return Promise.all(list.releases.map(async (release) => ({ release, result: await auditRelease(release, service, jobFor, progress) })));
}

/** Whether a release's absence of a finding means anything: not when the audit failed or was cut short by a limit. */
export function settled(r: AuditResult): boolean {
  return r.status !== 'failed' && !r.incomplete?.length;
}

/** Findings a timeline and a gate look at: info findings are notes about the audit, not about the package. */
export function significantFindings(result: AuditResult, verbose: boolean): Finding[] {
  return result.status === 'failed' ? [] : result.report.findings.filter((f) => verbose || f.severity !== 'info');
}

export function buildTimeline(audits: ReleaseAudit[], verbose: boolean): TimelineRow[] {
  const rows = new Map<string, TimelineRow>();
  audits.forEach(({ result }, i) => {
    for (const f of significantFindings(result, verbose)) {
      const fp = f.fingerprint;
      let row = rows.get(fp);
      if (!row) {
        row = { fingerprint: fp, ruleId: f.ruleId, severity: f.severity, title: f.title, presence: audits.map((a) => (settled(a.result) ? false : undefined)) };
        rows.set(fp, row);
      }
      row.presence[i] = true;
      row.title = f.title;
      if (severityRank(f.severity) < severityRank(row.severity)) row.severity = f.severity;
    }
  });
  const firstIndex = (r: TimelineRow) => r.presence.indexOf(true);
  return [...rows.values()].sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || firstIndex(a) - firstIndex(b) || a.ruleId.localeCompare(b.ruleId));
}

/** Runs of consecutive `true` as [from, to] index pairs; `undefined` (not audited) neither breaks nor extends a run. */
export function presenceRuns(presence: (boolean | undefined)[]): [number, number][] {
  const runs: [number, number][] = [];
  let start = -1;
  let lastTrue = -1;
  presence.forEach((p, i) => {
    if (p === true) {
      if (start < 0) start = i;
      lastTrue = i;
    } else if (p === false && start >= 0) {
      runs.push([start, lastTrue]);
      start = -1;
    }
  });
  if (start >= 0) runs.push([start, lastTrue]);
  return runs;
}

/** The release whose findings decide the exit code: the newest one audited, or every one with `any`. */
export function gateReleases(audits: ReleaseAudit[], any: boolean): ReleaseAudit[] {
  const ok = audits.filter((a) => a.result.status !== 'failed');
  return any ? ok : ok.slice(-1);
}

export function failsGate(audits: ReleaseAudit[], failOn: Severity): boolean {
  return audits.some((a) => significantFindings(a.result, true).some((f) => atLeast(f.severity, failOn)));
}

/**
 * True when the report carries the finding: by kind, by fingerprint, or by a fingerprint prefix of 8+ hex digits.
 * A second finding about the same thing in one report carries the fingerprint with `:2`; it matches too.
 */
export function matchesQuery(f: Finding, query: string): boolean {
  if (f.ruleId === query) return true;
  const fp = f.fingerprint.split(':')[0]!;
  return fp === query || (/^[0-9a-f]{8,}$/i.test(query) && fp.startsWith(query.toLowerCase()));
}

export interface BisectRun {
  outcome: BisectOutcome;
  /** The audits made, by release index. */
  audits: Map<number, ReleaseAudit>;
}

export async function bisectReleases(list: ReleaseList, query: string, service: AuditService, jobFor: JobFor, progress: ProgressSink): Promise<BisectRun> {
  const audits = new Map<number, ReleaseAudit>();
  const probe = async (i: number): Promise<Presence> => {
    const release = list.releases[i]!;
    const result = await auditRelease(release, service, jobFor, progress);
    audits.set(i, { release, result });
    if (result.status === 'failed') return 'unknown';
    if (result.report.findings.some((f) => matchesQuery(f, query))) return 'present';
    return settled(result) ? 'absent' : 'unknown';
  };
  const outcome = await bisect(list.releases.length, probe);
  return { outcome, audits };
}
