import type { Report } from '../model/report.js';
import { renderJson } from './reporters/json.js';
import { renderText } from './reporters/text.js';
import { renderSarif } from './reporters/sarif.js';
import { renderHtml } from './reporters/html.js';
import type { Severity } from '../model/finding.js';

export const FORMATS = ['text', 'json', 'sarif', 'html'] as const;
export type Format = (typeof FORMATS)[number];

export interface RenderOptions {
  color: boolean;
  verbose: boolean;
  failOn?: Severity;
  /** The gate's answer (exit 1), for the HTML summary. */
  failed?: boolean;
}

export const REPORTERS: Record<Format, (r: Report, o: RenderOptions) => string> = {
  text: (r, o) => renderText(r, o),
  json: (r) => renderJson(r),
  html: (r, o) => renderHtml(r, { ...(o.failOn ? { failOn: o.failOn } : {}), ...(o.failed !== undefined ? { failed: o.failed } : {}) }),
  sarif: (r) => {
    const policy = sarifPolicy(r);
    return renderSarif({ tool: r.tool, target: r.target, findings: r.findings, command: 'audit', ...policy, notes: [...policy.notes, ...completenessNotes(r)] });
  },
};

/** What could not be analysed, one run notification each, so a code-scanning run shows the audit's gaps. */
export function completenessNotes(r: Report): string[] {
  return (r.stats.unanalysed ?? []).map((u) => `not analysed${u.entry ? ' (code the package runs)' : ''}: ${u.file} (${u.kind}): ${u.reason}`);
}

/** Accepted findings become SARIF suppressions (an expired acceptance is not one); the policy's effects are run notes. */
export function sarifPolicy(r: Report): { accepted: Map<string, string>; notes: string[] } {
  const accepted = new Map<string, string>();
  for (const f of r.findings) if (f.accepted && !f.accepted.expired) accepted.set(f.id, `${f.accepted.reason} (accepted until ${f.accepted.expires})`);
  const p = r.policy;
  const notes: string[] = [];
  if (p?.file) notes.push(`policy ${p.file}: ${p.accepted} accepted, ${p.expired.length} expired acceptance(s), ${p.overridden.length} severity override(s)`);
  for (const e of p?.expired ?? []) notes.push(`acceptance of ${e.id} expired on ${e.expires} (${e.reason}): it fails the gate`);
  if (p?.baseline) notes.push(`baseline ${p.baseline.file}: ${p.baseline.known} finding(s) already known and left out, ${p.baseline.new} new`);
  return { accepted, notes };
}
