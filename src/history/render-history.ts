// `telltale history` output (text and JSON; the JSON is specified in docs/history.md).
import semver from 'semver';
import { SEVERITIES, type Finding, type Severity } from '../model/finding.js';
import { printable, SEVERITY_COLOR } from '../report/reporters/text.js';
import { moreList } from '../report/list.js';
import type { AuditResult } from '../jobs/service.js';
import { presenceRuns, significantFindings, type BisectRun, type ReleaseAudit, type TimelineRow } from './history.js';
import { formatDuration } from './progress.js';
import { colorizer } from './render-diff.js';
import type { ReleaseList } from './releases.js';

export interface HistoryMeta {
  name: string;
  range?: string;
  since?: string;
  workers: number;
  backend: 'local' | 'queue';
  ms: number;
  failOn: Severity;
  /** Versions whose findings decided the exit code. */
  gate: string[];
  failed: boolean;
}

export interface HistoryView {
  list: ReleaseList;
  audits: ReleaseAudit[];
  timeline: TimelineRow[];
  meta: HistoryMeta;
}

export interface TextOptions {
  color: boolean;
  verbose: boolean;
}

/** Bars get unreadable past this many releases; the ranges are shown alone. */
const MAX_BAR = 120;

function counts(findings: Finding[]): string {
  const n = new Map<Severity, number>();
  for (const f of findings) n.set(f.severity, (n.get(f.severity) ?? 0) + 1);
  return SEVERITIES.filter((s) => n.get(s)).map((s) => `${n.get(s)} ${s}`).join(', ') || 'no findings';
}

function day(iso: string | undefined): string {
  return iso ? iso.slice(0, 10) : '?';
}

function status(r: AuditResult): string {
  return r.status === 'failed' ? 'failed' : r.status;
}

function selection(meta: { name: string; range?: string; since?: string }): string {
  return [meta.name, meta.range ? `range "${meta.range}"` : 'every version', meta.since ? `published since ${meta.since}` : ''].filter(Boolean).join(', ');
}

function versionList(versions: string[], max = 12): string {
  return moreList(versions, max);
}

/** `a – b` runs of a presence row, with the releases in between that lack it. */
export function describeRuns(row: (boolean | undefined)[], versions: string[]): string {
  const runs = presenceRuns(row);
  if (runs.length === 0) return 'in no release';
  const present = row.filter((p) => p === true).length;
  const audited = row.filter((p) => p !== undefined).length;
  const span = runs.map(([a, b]) => (a === b ? versions[a]! : `${versions[a]} – ${versions[b]}`)).join(', ');
  const gaps = runs.slice(1).map(([a], k) => {
    const prevEnd = runs[k]![1];
    return prevEnd + 1 === a - 1 ? versions[prevEnd + 1]! : `${versions[prevEnd + 1]} – ${versions[a - 1]}`;
  });
  return `${span} (${present} of ${audited} audited)${gaps.length ? `; absent in ${gaps.join(', ')}: it comes back` : ''}`;
}

export function renderHistoryText(v: HistoryView, o: TextOptions): string {
  const c = colorizer(o.color);
  const out: string[] = [];
  const { list, audits, meta } = v;
  const n = (s: AuditResult['status']) => audits.filter((a) => a.result.status === s).length;
  out.push(c('\x1b[1m', `telltale history: ${printable(selection(meta))}`));
  out.push(
    `${audits.length} release${audits.length === 1 ? '' : 's'}: ${n('audited')} audited now, ${n('cached')} from the cache, ${n('failed')} failed` +
      ` · ${meta.backend === 'queue' ? 'queue' : `${meta.workers} worker${meta.workers === 1 ? '' : 's'}`} · ${formatDuration(meta.ms)}`,
  );
  out.push('');

  const rows: { version: string; cells: string[] }[] = [];
  for (const a of audits) {
    const r = a.release;
    const notes = [
      r.publishedAfter ? `published after ${r.publishedAfter}` : '',
      r.deprecated ? `deprecated: ${printable(r.deprecated.slice(0, 80))}` : '',
    ].filter(Boolean);
    const what =
      a.result.status === 'failed'
        ? c('\x1b[33m', `not audited: ${printable(a.result.error)}`)
        : counts(significantFindings(a.result, o.verbose)) + (a.result.incomplete?.length ? c('\x1b[33m', ` — incomplete, not cached: ${printable(a.result.incomplete.join('; '))}`) : '');
    rows.push({ version: r.version, cells: [r.version, day(r.published), status(a.result), what + (notes.length ? `  (${notes.join('; ')})` : '')] });
  }
  for (const u of list.unpublished) rows.push({ version: u.version, cells: [u.version, day(u.published), 'unpublished', 'removed from the registry; not audited'] });
  rows.sort((x, y) => semver.compare(x.version, y.version));
  const order = list.releases.map((r) => r.version);
  const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r.cells[i]!.length), ['version', 'published', 'result'][i]!.length));
  out.push(`  ${'version'.padEnd(w[0]!)}  ${'published'.padEnd(w[1]!)}  ${'result'.padEnd(w[2]!)}  findings`);
  for (const r of rows) out.push(`  ${r.cells[0]!.padEnd(w[0]!)}  ${r.cells[1]!.padEnd(w[1]!)}  ${r.cells[2]!.padEnd(w[2]!)}  ${r.cells[3]}`);
  out.push('');

  const byPublish = [...list.releases].sort((a, b) => a.publishRank - b.publishRank).map((r) => r.version);
  if (byPublish.some((vv, i) => vv !== order[i])) {
    out.push(`Publish order differs from version order: ${versionList(byPublish, o.verbose ? Infinity : 30)}`);
    out.push('');
  }

  const versions = list.releases.map((r) => r.version);
  out.push(c('\x1b[1m', `Timeline by finding (${v.timeline.length})`) + (v.timeline.length ? '' : ': no findings in any release'));
  if (v.timeline.length && versions.length <= MAX_BAR) out.push(`  one column per release in version order: █ present · absent ? not audited`);
  for (const row of v.timeline) {
    out.push(`  ${c(SEVERITY_COLOR[row.severity], row.severity.toUpperCase().padEnd(8))} ${printable(row.title)}  [${row.ruleId}] fp ${row.fingerprint.slice(0, 12)}`);
    const bar = versions.length <= MAX_BAR ? row.presence.map((p) => (p === true ? '█' : p === false ? '·' : '?')).join('') + '  ' : '';
    out.push(`           ${bar}${describeRuns(row.presence, versions)}`);
  }
  out.push('');
  out.push(gateLine(meta));
  return out.join('\n') + '\n';
}

function gateLine(meta: HistoryMeta): string {
  if (meta.gate.length === 0) return 'No release could be audited.';
  const which = meta.gate.length === 1 ? `newest release ${meta.gate[0]}` : `${meta.gate.length} releases`;
  return meta.failed ? `Findings at or above ${meta.failOn} in the ${which} (exit 1).` : `Nothing at or above ${meta.failOn} in the ${which}.`;
}

function auditJson(a: ReleaseAudit, verbose: boolean) {
  const r = a.result;
  return {
    ...a.release,
    status: r.status,
    ms: r.ms,
    ...(r.status !== 'failed' && r.incomplete?.length ? { incomplete: r.incomplete } : {}),
    ...(r.status === 'failed'
      ? { error: r.error }
      : {
          integrity: r.report.target.integrity ?? a.release.integrity,
          findings: significantFindings(r, verbose).map((f) => ({ fingerprint: f.fingerprint, ruleId: f.ruleId, severity: f.severity, title: f.title, location: f.location })),
        }),
  };
}

export function renderHistoryJson(v: HistoryView, o: TextOptions, tool: { name: 'telltale'; version: string }): string {
  const versions = v.list.releases.map((r) => r.version);
  return (
    JSON.stringify(
      {
        tool,
        package: v.meta.name,
        ...(v.meta.range ? { range: v.meta.range } : {}),
        ...(v.meta.since ? { since: v.meta.since } : {}),
        ms: v.meta.ms,
        releases: v.audits.map((a) => auditJson(a, o.verbose)),
        publishOrder: [...v.list.releases].sort((a, b) => a.publishRank - b.publishRank).map((r) => r.version),
        unpublished: v.list.unpublished,
        timeline: v.timeline.map((row) => ({
          fingerprint: row.fingerprint,
          ruleId: row.ruleId,
          severity: row.severity,
          title: row.title,
          present: versions.filter((_, i) => row.presence[i] === true),
          runs: presenceRuns(row.presence).map(([a, b]) => ({ from: versions[a], to: versions[b] })),
        })),
        gate: { failOn: v.meta.failOn, releases: v.meta.gate, failed: v.meta.failed },
      },
      null,
      2,
    ) + '\n'
  );
}

export interface BisectView {
  list: ReleaseList;
  query: string;
  run: BisectRun;
  meta: HistoryMeta;
}

export function bisectSummary(v: BisectView) {
  const versions = v.list.releases.map((r) => r.version);
  const { outcome, audits } = v.run;
  const at = (i: number | undefined) => (i === undefined ? undefined : versions[i]);
  const presence = (i: number) => outcome.states.get(i);
  return {
    first: at(outcome.first),
    before: outcome.first !== undefined && outcome.first > 0 ? { version: versions[outcome.first - 1]!, presence: presence(outcome.first - 1) } : undefined,
    last: at(outcome.last),
    after: outcome.last !== undefined && outcome.last < versions.length - 1 ? { version: versions[outcome.last + 1]!, presence: presence(outcome.last + 1) } : undefined,
    gaps: outcome.gaps.map((g) => ({ from: versions[g.from]!, to: versions[g.to]! })),
    audits: outcome.audited.length,
    cached: [...audits.values()].filter((a) => a.result.status === 'cached').length,
    failed: [...audits.values()].filter((a) => a.result.status === 'failed').map((a) => ({ version: a.release.version, error: a.result.status === 'failed' ? a.result.error : '' })),
    releases: versions.length,
    exhaustive: outcome.exhaustive,
    audited: outcome.audited.map((i) => ({ version: versions[i]!, presence: presence(i) ?? 'unknown', status: audits.get(i)?.result.status })),
  };
}

export function renderBisectText(v: BisectView, o: TextOptions): string {
  const c = colorizer(o.color);
  const s = bisectSummary(v);
  const out: string[] = [c('\x1b[1m', `telltale history --bisect ${printable(v.query)}: ${printable(selection(v.meta))} (${s.releases} releases)`), ''];
  if (s.first === undefined) {
    out.push(s.exhaustive ? `No release carries it (all ${s.releases} audited).` : `None of the ${s.audits} releases audited carries it.`);
  } else {
    const neighbour = (n: { version: string; presence?: string } | undefined, word: string) =>
      n ? ` (${n.version} ${n.presence === 'absent' ? 'does not' : n.presence === 'unknown' ? 'could not be audited' : 'does too'})` : ` (${word} release in the range)`;
    out.push(`first release carrying it: ${s.first}${neighbour(s.before, 'the oldest')}`);
    out.push(`last release carrying it:  ${s.last}${neighbour(s.after, 'the newest')}`);
    for (const g of s.gaps) out.push(`absent in the middle: ${g.from === g.to ? g.from : `${g.from} – ${g.to}`}, then back`);
    if (!s.gaps.length) out.push('absent in the middle: not in any release sampled');
  }
  out.push(`audits: ${s.audits} of ${s.releases} releases (${s.cached} from the cache) · ${formatDuration(v.meta.ms)}`);
  for (const f of s.failed) out.push(c('\x1b[33m', `not audited: ${f.version}: ${printable(f.error)}`));
  out.push(`sampled: ${s.audited.map((a) => `${a.version} ${a.presence === 'present' ? '█' : a.presence === 'absent' ? '·' : '?'}`).join(', ')}`);
  out.push('');
  out.push(gateLine(v.meta));
  return out.join('\n') + '\n';
}

export function renderBisectJson(v: BisectView, tool: { name: 'telltale'; version: string }): string {
  return JSON.stringify({ tool, package: v.meta.name, ...(v.meta.range ? { range: v.meta.range } : {}), query: v.query, ms: v.meta.ms, ...bisectSummary(v), gate: { failOn: v.meta.failOn, releases: v.meta.gate, failed: v.meta.failed } }, null, 2) + '\n';
}
