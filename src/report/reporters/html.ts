// The HTML report: one self-contained file (no script, no network, no external asset) a person opens in a browser.
// A summary a manager reads in ten seconds, then one card per finding with its decoded data and its evidence chain
// as steps, each with the code around it; the inventory; any further report section (the egress map, …) rendered
// from the report's own fields, so a new section or finding kind appears without a change here. The pieces are
// shared by the diff and history pages (src/history/render-html.ts).
import { CATALOGUE } from '../../model/catalogue.js';
import { SEVERITIES, type Finding, type Severity } from '../../model/finding.js';
import type { Report, TargetInfo } from '../../model/report.js';
import { flowSteps } from './sarif.js';

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/** HTML-escaped, with invisible and direction-changing characters shown as their code points. */
export function esc(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(CONTROL, (c) => `<span class="cp">U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}</span>`);
}

function clip(s: string, n: number): string {
  return s.length > n ? s.slice(0, n) + '…' : s;
}

export function targetName(t: TargetInfo): string {
  return `${t.name ?? t.spec}${t.version ? '@' + t.version : ''}`;
}

export const HTML_STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1200px;padding:0 16px;color:#1b1f24;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}h3{font-size:15px;margin:0}
.sum{font-size:16px;margin:8px 0 16px}.verdict{display:inline-block;padding:6px 12px;border-radius:6px;font-weight:600}
.verdict.fail{background:#ffe3e3;border:1px solid #c00}.verdict.pass{background:#e6f4ea;border:1px solid #2a7}
.counts span{display:inline-block;margin-right:8px;padding:2px 10px;border-radius:10px}
table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f6f8fa}
.card{border:1px solid #d0d7de;border-left-width:6px;border-radius:6px;padding:10px 14px;margin:10px 0}
.card.critical{border-left-color:#b00020}.card.high{border-left-color:#e5534b}.card.medium{border-left-color:#d4a72c}.card.low{border-left-color:#4c8eda}.card.info{border-left-color:#999}
.sev{font-size:12px;font-weight:700;padding:1px 8px;border-radius:8px;text-transform:uppercase}
.sev.critical{color:#fff;background:#b00020}.sev.high{background:#ffb4b4}.sev.medium{background:#ffe9a8}.sev.low{background:#dbe9ff}.sev.info{background:#eee}
.why{color:#555;font-size:13px}.decoded{background:#fff8e1;border:1px solid #e8d48b;border-radius:4px;padding:6px 8px;margin:6px 0}
ol.chain{padding-left:22px}ol.chain li{margin:6px 0}.role{display:inline-block;min-width:78px;font-weight:600;color:#0b5394}
code,pre{font:12px ui-monospace,SFMono-Regular,Menlo,monospace}pre{background:#f6f8fa;padding:6px 8px;border-radius:4px;white-space:pre-wrap;word-break:break-all;margin:4px 0}
.cp{color:#b00020;font-weight:700;background:#ffe3e3;border-radius:3px;padding:0 2px}.accepted{opacity:.75}.tag{font-size:12px;color:#555}
`;

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${HTML_STYLE}</style></head><body>
${body}
</body></html>
`;
}

export function severityCounts(findings: Finding[]): string {
  const n = new Map<Severity, number>();
  for (const f of findings) n.set(f.severity, (n.get(f.severity) ?? 0) + 1);
  const parts = SEVERITIES.filter((s) => n.get(s)).map((s) => `<span class="sev ${s}">${n.get(s)} ${s}</span>`);
  return parts.length ? `<span class="counts">${parts.join(' ')}</span>` : '<span class="counts">no findings</span>';
}

/** A finding as a card: what, why this severity, decoded data, and the evidence chain as steps with excerpts. */
export function findingCard(f: Finding): string {
  const kind = CATALOGUE[f.ruleId];
  const decoded = f.decoded.map((d) => `<div class="decoded"><b>decoded (${esc(d.encoding)})</b>: <code>${esc(clip(d.text, 2000))}</code></div>`).join('');
  const steps = flowSteps(f)
    .map((e) => `<li><span class="role">${esc(e.role)}</span> <code>${esc(e.location.file)}:${e.location.line}:${e.location.column}</code> ${esc(clip(e.note, 400))}${e.excerpt ? `<pre>${esc(clip(e.excerpt, 400))}</pre>` : ''}</li>`)
    .join('');
  const accepted = f.accepted
    ? `<p class="${f.accepted.expired ? 'sev high' : 'tag'}">${f.accepted.expired ? 'acceptance EXPIRED' : 'accepted'} until ${esc(f.accepted.expires)}: ${esc(f.accepted.reason)}</p>`
    : '';
  return `<section class="card ${f.severity}${f.accepted && !f.accepted.expired ? ' accepted' : ''}" data-kind="${esc(f.ruleId)}" data-fingerprint="${esc(f.fingerprint)}">
<h3><span class="sev ${f.severity}">${f.severity}</span> ${esc(f.title)} <span class="tag">${esc(kind?.name ?? f.ruleId)} · ${esc(f.ruleId)}</span></h3>
<p>at <code>${esc(f.location.file)}:${f.location.line}:${f.location.column}</code></p>
<p>${esc(f.message)}</p>${accepted}
<p class="why">${f.severity} because: ${esc(f.policy.reason)} [${esc(f.policy.row)}]</p>
${decoded}${f.excerpt ? `<pre>${esc(clip(f.excerpt, 600))}</pre>` : ''}
${steps ? `<details open><summary>Evidence (${f.related.length} steps)</summary><ol class="chain">${steps}</ol></details>` : ''}
</section>`;
}

/** Any value as HTML: lists of records as tables, records as definition lists (used for report sections this file does not know). */
export function genericValue(v: unknown, depth = 0): string {
  if (v === null || v === undefined) return '—';
  if (typeof v !== 'object') return esc(String(v));
  if (depth > 4) return `<code>${esc(clip(JSON.stringify(v), 400))}</code>`;
  if (Array.isArray(v)) {
    if (v.length === 0) return 'none';
    const shown = v.slice(0, 200);
    const more = v.length > shown.length ? `<p>… (+${v.length - shown.length} more; the JSON report has all)</p>` : '';
    if (shown.every((x) => x && typeof x === 'object' && !Array.isArray(x))) {
      const keys = [...new Set(shown.flatMap((x) => Object.keys(x as object)))].slice(0, 12);
      const rows = shown.map((x) => `<tr>${keys.map((k) => `<td>${genericValue((x as Record<string, unknown>)[k], depth + 1)}</td>`).join('')}</tr>`).join('');
      return `<table><tr>${keys.map((k) => `<th>${esc(k)}</th>`).join('')}</tr>${rows}</table>${more}`;
    }
    return shown.map((x) => genericValue(x, depth + 1)).join(', ') + more;
  }
  const entries = Object.entries(v as Record<string, unknown>);
  return `<dl>${entries.map(([k, x]) => `<dt><b>${esc(k)}</b></dt><dd>${genericValue(x, depth + 1)}</dd>`).join('')}</dl>`;
}

const KNOWN_FIELDS = new Set(['tool', 'target', 'findings', 'inventory', 'stats', 'policy']);

function inventoryHtml(r: Report): string {
  const inv = r.inventory;
  const row = (title: string, items: { value: string; count: number }[]) =>
    items.length ? `<tr><th>${esc(title)} (${items.length})</th><td>${items.slice(0, 100).map((i) => `<code>${esc(i.value)}</code>${i.count > 1 ? ` ×${i.count}` : ''}`).join(', ')}${items.length > 100 ? ` … (+${items.length - 100} more)` : ''}</td></tr>` : '';
  const rows = [
    row('fingerprint sources', inv.fingerprintSources),
    row('environment variables', inv.envVars),
    row('hosts', inv.hosts),
    row('URLs', inv.urls),
    inv.installScripts.length ? `<tr><th>install scripts</th><td>${inv.installScripts.map((s) => `<b>${esc(s.name)}</b>: <code>${esc(s.command)}</code>`).join('<br>')}</td></tr>` : '',
    inv.binaries.length ? `<tr><th>binaries (${inv.binaries.length})</th><td>${inv.binaries.map((b) => `<code>${esc(b.file)}</code> ${esc(b.type)}, ${(b.bytes / 1e6).toFixed(1)} MB`).join('<br>')}</td></tr>` : '',
  ].join('');
  return rows ? `<table id="inventory">${rows}</table>` : '<p id="inventory">Nothing: no fingerprint sources, environment variables, hosts, URLs, install scripts or binaries.</p>';
}

export interface HtmlOptions {
  failOn?: Severity;
  /** Whether the gate failed (exit 1). */
  failed?: boolean;
}

export function renderHtml(r: Report, o: HtmlOptions = {}): string {
  const name = targetName(r.target);
  const listed = r.findings.filter((f) => f.severity !== 'info' || f.accepted);
  const top = r.findings[0];
  const failed = o.failed ?? r.findings.some((f) => f.severity === 'critical' || f.severity === 'high');
  const verdict = failed
    ? `<span class="verdict fail">Needs review: ${esc(top ? top.title : 'findings at or above the gate')}</span>`
    : `<span class="verdict pass">Nothing at or above ${esc(o.failOn ?? 'high')}</span>`;
  const extra = Object.keys(r)
    .filter((k) => !KNOWN_FIELDS.has(k))
    .map((k) => `<h2 id="section-${esc(k)}">${esc(k === 'egress' ? 'Egress map: where it can send what' : k)}</h2>${genericValue((r as unknown as Record<string, unknown>)[k])}`)
    .join('\n');
  const p = r.policy;
  const policy = p
    ? `<h2 id="policy">Policy</h2><ul>${p.file ? `<li>policy file <code>${esc(p.file)}</code>: ${p.accepted} accepted, ${p.expired.length} expired</li>` : ''}${p.baseline ? `<li>baseline <code>${esc(p.baseline.file)}</code>: ${p.baseline.known} known findings not shown, ${p.baseline.new} new</li>` : ''}${p.destinations ? `<li>destinations not on the allowed list: ${p.destinations.notAllowed.map((h) => `<code>${esc(h)}</code>`).join(', ') || 'none'}</li>` : ''}</ul>`
    : '';
  const body = `<h1>telltale — ${esc(name)}</h1>
<p class="tag">${esc(r.target.kind)}${r.target.integrity ? ` · ${esc(clip(r.target.integrity, 40))}` : ''} · telltale ${esc(r.tool.version)} · ${r.stats.files} JavaScript files, ${(r.stats.bytes / 1e6).toFixed(1)} MB, ${(r.stats.ms / 1000).toFixed(1)} s</p>
<div class="sum" id="summary">${verdict}<p>Findings: ${severityCounts(r.findings)}</p>${top ? `<p>Most severe: <b>${esc(top.title)}</b> at <code>${esc(top.location.file)}:${top.location.line}</code></p>` : ''}</div>
<h2 id="findings">Findings</h2>
${listed.length ? listed.map(findingCard).join('\n') : '<p>No findings above info.</p>'}
${policy}
${extra}
<h2>What this package can learn about you and where it can talk to</h2>
${inventoryHtml(r)}
${r.stats.limits.length ? `<h2>Limits reached</h2><ul>${r.stats.limits.slice(0, 50).map((l) => `<li>${esc(l)}</li>`).join('')}</ul>${r.stats.limits.length > 50 ? `<p>… (+${r.stats.limits.length - 50} more)</p>` : ''}` : ''}`;
  return page(`telltale — ${name}`, body);
}
