// The text report: what a security reviewer reads first. Findings first (most severe on top, with
// their evidence chain in plain words), then the "what does this tool know about me" inventory.
import type { Finding, Location, Severity } from '../../model/finding.js';
import type { InventoryItem, Report } from '../../model/report.js';
import { moreLine, moreList } from '../list.js';
import { renderEgressTable } from './egress.js';

export interface TextOptions {
  color: boolean;
  /** Show info findings and the full inventory. */
  verbose?: boolean;
}

export const SEVERITY_COLOR: Record<Severity, string> = {
  critical: '\x1b[1;97;41m',
  high: '\x1b[1;31m',
  medium: '\x1b[33m',
  low: '\x1b[36m',
  info: '\x1b[2m',
};

export function loc(l: Location): string {
  return `${l.file}:${l.line}:${l.column}`;
}

/** Keeps control and bidi characters from the audited package out of the reviewer's terminal. */
export function printable(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function clip(s: string, n: number): string {
  return s.length > n ? s.slice(0, n) + '…' : s;
}

export function renderText(report: Report, opts: TextOptions): string {
  const c = (code: string, s: string) => (opts.color ? code + s + '\x1b[0m' : s);
  const out: string[] = [];
  const t = report.target;
  out.push(c('\x1b[1m', `telltale ${report.tool.version} — ${t.name ?? t.spec}${t.version ? '@' + t.version : ''}`) + (t.integrity ? `  (${clip(t.integrity, 30)})` : ''));
  out.push(`${report.stats.files} JavaScript files, ${(report.stats.bytes / 1e6).toFixed(1)} MB, ${(report.stats.ms / 1000).toFixed(1)} s`);
  out.push('');

  const shown = report.findings.filter((f) => (opts.verbose || f.severity !== 'info') && !(f.accepted && !f.accepted.expired));
  const accepted = report.findings.filter((f) => f.accepted && !f.accepted.expired);
  const counts = new Map<Severity, number>();
  for (const f of report.findings) counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
  const summary = (['critical', 'high', 'medium', 'low', 'info'] as Severity[])
    .filter((s) => counts.get(s))
    .map((s) => c(SEVERITY_COLOR[s], `${counts.get(s)} ${s}`))
    .join(', ');
  const acceptedCount = report.findings.filter((f) => f.accepted && !f.accepted.expired).length;
  out.push((summary ? `Findings: ${summary}` : 'Findings: no findings') + (acceptedCount ? ` (${acceptedCount} accepted by the policy, listed under Policy)` : ''));
  out.push('');
  for (const f of shown) out.push(...renderFinding(f, c));
  const hiddenInfo = report.findings.filter((f) => f.severity === 'info' && !f.accepted).length;
  if (report.findings.length > 0 && shown.length === 0 && !opts.verbose && hiddenInfo) out.push(`No findings above info (${hiddenInfo} info; --verbose shows them).`, '');
  out.push(...renderPolicy(report, accepted, c));

  if (report.egress) {
    out.push(c('\x1b[1m', 'Egress map: where it connects, what it sends, how to turn it off'));
    out.push(...renderEgressTable(report.egress));
    out.push('');
  }

  const inv = report.inventory;
  out.push(c('\x1b[1m', 'What this package can learn about you and where it can talk to'));
  const list = (title: string, items: InventoryItem[], max: number) => {
    if (items.length === 0) return;
    const sorted = [...items].sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
    const all = sorted.map((i) => printable(i.value) + (i.count > 1 ? ` (${i.count})` : ''));
    out.push(`  ${title} (${items.length}): ${moreList(all, opts.verbose ? Infinity : max, '--verbose for all')}`);
  };
  list('fingerprint sources', inv.fingerprintSources, 20);
  list('environment variables', inv.envVars, 25);
  list('hosts', inv.hosts, 25);
  list('URLs', inv.urls, 10);
  if (inv.installScripts.length) out.push(`  install scripts: ${inv.installScripts.map((s) => `${s.name}: ${printable(clip(s.command, 80))}`).join('; ')}`);
  if (inv.binaries.length) out.push(`  binaries (${inv.binaries.length}): ${moreList(inv.binaries.map((b) => `${printable(b.file)} [${b.type}, ${(b.bytes / 1e6).toFixed(1)} MB]`), opts.verbose ? Infinity : 10, '--verbose for all')}`);
  const nothingKnown = !inv.fingerprintSources.length && !inv.envVars.length && !inv.hosts.length && !inv.urls.length && !inv.installScripts.length && !inv.binaries.length;
  if (nothingKnown) out.push('  nothing: no fingerprint sources, environment variables, hosts, URLs, install scripts or binaries');
  const unanalysed = report.stats.unanalysed ?? [];
  if (unanalysed.length) {
    out.push('');
    out.push(c('\x1b[33m', 'Not analysed:'));
    const max = opts.verbose ? Infinity : 20;
    for (const u of unanalysed.slice(0, max)) out.push(`  ${printable(u.file)}${u.entry ? ' (runs when the package is used)' : ''}: ${u.kind}: ${printable(u.reason)}`);
    const more = moreLine(unanalysed.length, Math.min(max, unanalysed.length), '--verbose for all');
    if (more) out.push('  ' + more);
  }
  if (report.stats.limits.length) {
    out.push('');
    out.push(c('\x1b[33m', 'Limits reached:'));
    const max = opts.verbose ? Infinity : 20;
    for (const l of report.stats.limits.slice(0, max)) out.push('  ' + printable(l));
    const more = moreLine(report.stats.limits.length, Math.min(max, report.stats.limits.length), '--verbose for all');
    if (more) out.push('  ' + more);
  }
  return out.join('\n') + '\n';
}

/** The policy file's and the baseline's effects; accepted findings are listed here, one line each, with the reason. */
function renderPolicy(report: Report, accepted: Finding[], c: (code: string, s: string) => string): string[] {
  const p = report.policy;
  if (!p) return [];
  const out: string[] = [c('\x1b[1m', 'Policy') + (p.file ? ` (${p.file})` : '')];
  if (p.baseline) out.push(`  baseline ${p.baseline.file}: ${p.baseline.known} finding${p.baseline.known === 1 ? '' : 's'} already known, not shown; ${p.baseline.new} new`);
  for (const e of p.expired) out.push(c('\x1b[1;31m', `  acceptance EXPIRED on ${e.expires}: ${e.id} (${printable(e.reason)}); it fails the gate until reviewed again`));
  if (accepted.length) out.push(`  accepted (${accepted.length}):`);
  for (const f of accepted) out.push(`    ${f.severity.toUpperCase()} ${printable(f.title)} [${f.ruleId}] at ${loc(f.location)} — accepted until ${f.accepted!.expires}: ${printable(f.accepted!.reason)}`);
  for (const o of p.overridden) out.push(`  severity of ${o.id} set from ${o.from} to ${o.to} by the policy file`);
  if (p.unused.length) out.push(`  acceptances that matched nothing (${p.unused.length}): ${moreList(p.unused, 5)}`);
  if (p.destinations) out.push(`  destinations not on the allowed list (${p.destinations.notAllowed.length}): ${p.destinations.notAllowed.length ? moreList(p.destinations.notAllowed.map(printable), 25) : 'none'}`);
  out.push('');
  return out;
}

export function renderFinding(f: Finding, c: (code: string, s: string) => string): string[] {
  const out: string[] = [];
  out.push(`${c(SEVERITY_COLOR[f.severity], f.severity.toUpperCase())} ${c('\x1b[1m', printable(f.title))}  [${f.ruleId}]${f.accepted?.expired ? c('\x1b[1;31m', `  (acceptance expired ${f.accepted.expires})`) : ''}`);
  out.push(`  at ${loc(f.location)}`);
  if (f.alsoAt?.length) out.push(`  also at ${moreList(f.alsoAt.map(loc), 5)} (the same code)`);
  out.push(`  ${printable(f.message)}`);
  out.push(c('\x1b[2m', `  ${f.severity} because: ${f.policy.reason} [${f.policy.row}]`));
  for (const d of f.decoded) out.push(`  decoded (${d.encoding}): ${printable(clip(d.text, 600))}`);
  for (const r of f.related) {
    out.push(`    ${r.role.padEnd(9)} ${loc(r.location)}  ${printable(clip(r.note, 240))}`);
    if (r.excerpt) out.push(`              ${c('\x1b[2m', printable(clip(r.excerpt, 160)))}`);
  }
  out.push('');
  return out;
}
