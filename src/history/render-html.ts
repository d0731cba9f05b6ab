// `diff --format html` and `history --format html`: self-contained pages built from the audit page's pieces
// (src/report/reporters/html.ts). The history timeline is an inline SVG chart: one row per finding, one column per
// release in version order, a filled cell where the release carries it.
import { SEVERITIES, type Severity } from '../model/finding.js';
import { esc, findingCard, page, severityCounts, targetName } from '../report/reporters/html.js';
import { significantFindings } from './history.js';
import { DIFF_SECTIONS, SECTION_TITLES, type ReportDiff } from './diff.js';
import type { HistoryView } from './render-history.js';

const FILL: Record<Severity, string> = { critical: '#b00020', high: '#e5534b', medium: '#d4a72c', low: '#4c8eda', info: '#999' };

export function renderDiffHtml(d: ReportDiff, o: { failOn: Severity; gate: { length: number } }): string {
  const title = `telltale diff — ${targetName(d.before)} → ${targetName(d.after)}`;
  const changed = d.findings.changed
    .map((x) => {
      const notes = [
        x.severity ? `severity ${x.severity.from} → ${x.severity.to}` : '',
        ...x.decoded.added.map((v) => `decoded + ${v}`),
        ...x.decoded.removed.map((v) => `decoded − ${v}`),
        x.evidence.added.length ? `evidence + ${x.evidence.added.join(', ')}` : '',
        x.evidence.removed.length ? `evidence − ${x.evidence.removed.join(', ')}` : '',
      ].filter(Boolean);
      return `<div class="changed"><ul>${notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>${findingCard(x.after)}</div>`;
    })
    .join('\n');
  const sections = DIFF_SECTIONS.filter((s) => d.sections[s].added.length + d.sections[s].removed.length > 0)
    .map((s) => {
      const { added, removed } = d.sections[s];
      const cell = (vs: string[]) => vs.slice(0, 100).map((v) => `<code>${esc(v)}</code>`).join('<br>') + (vs.length > 100 ? `<br>… (+${vs.length - 100} more)` : '');
      return `<tr><th>${esc(SECTION_TITLES[s])}</th><td>${cell(added)}</td><td>${cell(removed)}</td></tr>`;
    })
    .join('');
  const failed = o.gate.length > 0;
  const body = `<h1>${esc(title)}</h1>
<div class="sum" id="summary"><span class="verdict ${failed ? 'fail' : 'pass'}">${failed ? `${o.gate.length} new finding${o.gate.length === 1 ? '' : 's'} at or above ${esc(o.failOn)}` : `Nothing new at or above ${esc(o.failOn)}`}</span>
<p>New: ${severityCounts(d.findings.added)} · changed: ${d.findings.changed.length} · removed: ${d.findings.removed.length} · unchanged: ${d.findings.unchanged.length}</p></div>
<h2 id="added">New findings (${d.findings.added.length})</h2>${d.findings.added.map(findingCard).join('\n') || '<p>None.</p>'}
<h2 id="changed">Changed findings (${d.findings.changed.length})</h2>${changed || '<p>None.</p>'}
<h2 id="removed">Removed findings (${d.findings.removed.length})</h2>${d.findings.removed.map(findingCard).join('\n') || '<p>None.</p>'}
<h2 id="inventory">What it can learn and where it can talk to</h2>${sections ? `<table><tr><th></th><th>added</th><th>removed</th></tr>${sections}</table>` : '<p>No change.</p>'}`;
  return page(title, body);
}

/** The timeline as an SVG chart: rows are findings, columns releases; a cell is filled where a release carries it. */
export function timelineSvg(v: HistoryView): string {
  const versions = v.list.releases.map((r) => r.version);
  const rows = v.timeline;
  const cell = Math.max(4, Math.min(18, Math.floor(900 / Math.max(1, versions.length))));
  const label = 300;
  const top = 70;
  const width = label + versions.length * cell + 10;
  const height = top + rows.length * 22 + 10;
  const step = Math.max(1, Math.ceil(versions.length / Math.floor((versions.length * cell) / 14 || 1)));
  const ticks = versions
    .map((ver, i) => (i % step === 0 || i === versions.length - 1 ? `<text x="${label + i * cell + cell / 2}" y="${top - 6}" transform="rotate(-60 ${label + i * cell + cell / 2} ${top - 6})" font-size="10">${esc(ver)}</text>` : ''))
    .join('');
  const body = rows
    .map((row, r) => {
      const y = top + r * 22;
      const cells = row.presence
        .map((p, i) => {
          const x = label + i * cell;
          const fill = p === true ? FILL[row.severity] : p === false ? '#eef0f2' : '#fff';
          return `<rect x="${x}" y="${y}" width="${cell - 1}" height="18" fill="${fill}"${p === undefined ? ' stroke="#bbb" stroke-dasharray="2"' : ''}><title>${esc(versions[i] ?? '')}: ${p === true ? 'present' : p === false ? 'absent' : 'not audited'}</title></rect>`;
        })
        .join('');
      const name = row.title.length > 44 ? row.title.slice(0, 43) + '…' : row.title;
      return `<text x="0" y="${y + 13}" font-size="11"><tspan font-weight="700" fill="${FILL[row.severity]}">${row.severity.toUpperCase()}</tspan> ${esc(name)}</text>${cells}`;
    })
    .join('');
  return `<svg id="timeline" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="timeline of ${rows.length} findings over ${versions.length} releases" font-family="system-ui,sans-serif">${ticks}${body}</svg>`;
}

export function renderHistoryHtml(v: HistoryView, o: { verbose: boolean }): string {
  const { meta, audits } = v;
  const title = `telltale history — ${meta.name}`;
  const rows = audits
    .map((a) => {
      const r = a.result;
      const what = r.status === 'failed' ? `not audited: ${esc(r.error)}` : severityCounts(significantFindings(r, o.verbose));
      return `<tr><td><code>${esc(a.release.version)}</code></td><td>${esc((a.release.published ?? '').slice(0, 10))}</td><td>${r.status}</td><td>${what}</td></tr>`;
    })
    .join('');
  const legend = SEVERITIES.filter((s) => v.timeline.some((t) => t.severity === s))
    .map((s) => `<span class="sev ${s}">${s}</span>`)
    .join(' ');
  const body = `<h1>${esc(title)}</h1>
<div class="sum" id="summary"><span class="verdict ${meta.failed ? 'fail' : 'pass'}">${meta.failed ? `Findings at or above ${esc(meta.failOn)} in ${esc(meta.gate.join(', '))}` : `Nothing at or above ${esc(meta.failOn)} in ${esc(meta.gate.join(', ') || 'any audited release')}`}</span>
<p>${audits.length} releases${meta.range ? `, range <code>${esc(meta.range)}</code>` : ''}; ${v.timeline.length} findings over time</p></div>
<h2 id="timeline-title">Timeline</h2>
${v.timeline.length ? `<p>${legend} · grey: absent · dashed: not audited</p>${timelineSvg(v)}` : '<p>No findings in any release.</p>'}
<h2>Releases</h2><table id="releases"><tr><th>version</th><th>published</th><th>result</th><th>findings</th></tr>${rows}</table>`;
  return page(title, body);
}
