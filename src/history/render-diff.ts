// `telltale diff` output: text for a reviewer, JSON for tools (docs/history.md).
import type { Finding, Severity } from '../model/finding.js';
import type { TargetInfo } from '../model/report.js';
import { clip, loc, printable, renderFinding, SEVERITY_COLOR } from '../report/reporters/text.js';
import { moreList } from '../report/list.js';
import { renderSarif, type BaselineState } from '../report/reporters/sarif.js';
import { DIFF_SECTIONS, SECTION_TITLES, type ReportDiff } from './diff.js';

export interface DiffRenderOptions {
  color: boolean;
  verbose: boolean;
  failOn: Severity;
  gate: Finding[];
}

export function targetLabel(t: TargetInfo): string {
  return t.name && t.version ? `${t.name}@${t.version}` : t.spec;
}

export function colorizer(color: boolean): (code: string, s: string) => string {
  return (code, s) => (color ? code + s + '\x1b[0m' : s);
}

export function renderDiffText(d: ReportDiff, o: DiffRenderOptions): string {
  const c = colorizer(o.color);
  const shown = (f: Finding) => o.verbose || f.severity !== 'info';
  const out: string[] = [c('\x1b[1m', `telltale diff: ${printable(targetLabel(d.before))} → ${printable(targetLabel(d.after))}`), ''];
  const added = d.findings.added.filter(shown);
  const removed = d.findings.removed.filter(shown);
  const changed = d.findings.changed.filter((x) => shown(x.before) || shown(x.after));

  out.push(c('\x1b[1m', `New findings (${added.length})`) + (added.length ? '' : ': none'));
  for (const f of added) out.push(...renderFinding(f, c).map((l) => (l ? '  ' + l : l)));
  if (!added.length) out.push('');
  out.push(c('\x1b[1m', `Removed findings (${removed.length})`) + (removed.length ? '' : ': none'));
  for (const f of removed) out.push(`  ${c(SEVERITY_COLOR[f.severity], f.severity.toUpperCase())} ${printable(f.title)}  [${f.ruleId}]  was at ${loc(f.location)}`);
  out.push('');
  out.push(c('\x1b[1m', `Changed findings (${changed.length})`) + (changed.length ? '' : ': none'));
  for (const x of changed) {
    const sev = x.severity ? `${x.severity.from.toUpperCase()} → ${c(SEVERITY_COLOR[x.severity.to], x.severity.to.toUpperCase())}` : c(SEVERITY_COLOR[x.after.severity], x.after.severity.toUpperCase());
    out.push(`  ${sev} ${printable(x.after.title)}  [${x.after.ruleId}]  at ${loc(x.after.location)}`);
    for (const v of x.decoded.added) out.push(`      decoded + ${printable(clip(v, 200))}`);
    for (const v of x.decoded.removed) out.push(`      decoded − ${printable(clip(v, 200))}`);
    if (x.evidence.added.length) out.push(`      evidence + ${x.evidence.added.join(', ')}`);
    if (x.evidence.removed.length) out.push(`      evidence − ${x.evidence.removed.join(', ')}`);
  }
  out.push('');
  const same = d.findings.unchanged.filter(shown).length;
  out.push(`Unchanged: ${same} finding${same === 1 ? '' : 's'}`);
  out.push('');

  const changes = DIFF_SECTIONS.filter((s) => d.sections[s].added.length + d.sections[s].removed.length > 0);
  out.push(c('\x1b[1m', 'What it can learn and where it can talk to') + (changes.length ? '' : ': no change'));
  for (const s of changes) {
    const { added: plus, removed: minus } = d.sections[s];
    const max = o.verbose ? Infinity : 15;
    const list = (sign: string, values: string[]) =>
      values.length ? `${sign} ${moreList(values.map((v) => printable(clip(v, 120))), max)}` : '';
    out.push(`  ${SECTION_TITLES[s]}:`);
    if (plus.length) out.push(`    ${list('+', plus)}`);
    if (minus.length) out.push(`    ${list('−', minus)}`);
  }
  out.push('');
  out.push(
    o.gate.length
      ? c('\x1b[1;31m', `${o.gate.length} new finding${o.gate.length === 1 ? '' : 's'} at or above ${o.failOn} (exit 1)`)
      : `Nothing new at or above ${o.failOn}.`,
  );
  return out.join('\n') + '\n';
}

export function renderDiffJson(d: ReportDiff, o: DiffRenderOptions, tool: { name: 'telltale'; version: string }): string {
  return (
    JSON.stringify(
      {
        tool,
        before: d.before,
        after: d.after,
        findings: {
          added: d.findings.added,
          removed: d.findings.removed,
          changed: d.findings.changed.map((x) => ({
            fingerprint: x.fingerprint,
            ...(x.severity ? { severity: x.severity } : {}),
            decoded: x.decoded,
            evidence: x.evidence,
            before: x.before,
            after: x.after,
          })),
          unchanged: d.findings.unchanged.length,
        },
        inventory: d.sections,
        gate: { failOn: o.failOn, findings: o.gate.map((f) => f.fingerprint) },
      },
      null,
      2,
    ) + '\n'
  );
}

/** SARIF of the newer release: every finding it has, each with its baselineState against the older one. */
export function renderDiffSarif(d: ReportDiff, tool: { name: 'telltale'; version: string }): string {
  const baseline = new Map<string, BaselineState>();
  for (const f of d.findings.added) baseline.set(f.id, 'new');
  for (const c of d.findings.changed) baseline.set(c.after.id, 'updated');
  for (const f of d.findings.unchanged) baseline.set(f.id, 'unchanged');
  const findings = [...d.findings.added, ...d.findings.changed.map((c) => c.after), ...d.findings.unchanged];
  const notes = [`compared with ${targetLabel(d.before)}: ${d.findings.added.length} new, ${d.findings.changed.length} changed, ${d.findings.unchanged.length} unchanged, ${d.findings.removed.length} no longer present (not listed)`];
  return renderSarif({ tool, target: d.after, findings, baseline, command: 'diff', notes });
}
