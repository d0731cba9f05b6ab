// The egress map on its own: a table a reviewer can paste into an approval ticket (Markdown), and the
// same entries as data.
import type { EgressDestination } from '../../model/egress.js';
import type { Report } from '../../model/report.js';
import { clip, printable } from './text.js';

const OWNER_TEXT: Record<EgressDestination['owner']['kind'], string> = {
  'model-api': 'model API',
  vendor: 'vendor',
  'third-party-telemetry': 'third-party telemetry',
  registry: 'package registry',
  'third-party': 'third party',
  unknown: 'unknown',
};

/** Table cells hold untrusted text: no pipes, no line breaks, no control characters. */
function cell(s: string, max = 120): string {
  return printable(clip(s, max)).replace(/\|/g, '\\|').replace(/\s+/g, ' ');
}

export function ownerText(d: EgressDestination): string {
  return OWNER_TEXT[d.owner.kind] + (d.owner.name ? ` (${d.owner.name})` : '');
}

export function optOutText(d: EgressDestination): string {
  return d.optOut.length ? d.optOut.map((o) => o.name).join(', ') : 'no opt-out found';
}

export function renderEgressTable(destinations: EgressDestination[]): string[] {
  if (destinations.length === 0) return ['No network destinations found.'];
  const out = [
    '| Destination | Owner | What reaches it | Events | When | Opt-out | Set by |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const d of destinations) {
    const setBy = d.configurable.map((c) => `${c.variable.replace(/^process\.env\./, '')}${c.default ? ` (default ${c.default})` : ''}`).join(', ');
    out.push(
      `| ${cell(d.destination, 80)} | ${cell(ownerText(d))} | ${cell(d.data.join(', ') || 'nothing found')} | ${cell(d.events.join(', ') || '-', 160)} | ${cell(d.timing.join(', '))} | ${cell(optOutText(d))} | ${cell(setBy || '-', 160)} |`,
    );
  }
  return out;
}

export function renderEgressText(report: Report): string {
  const t = report.target;
  return [`Egress map — ${t.name ?? t.spec}${t.version ? '@' + t.version : ''}`, '', ...renderEgressTable(report.egress ?? [])].join('\n') + '\n';
}

export function renderEgressJson(report: Report): string {
  return JSON.stringify({ tool: report.tool, target: report.target, egress: report.egress ?? [] }, null, 2) + '\n';
}
