// The probe report and its three renderings: text for terminals, JSON for machines, one self-contained HTML
// page for people.
import type { Finding } from '../model/finding.js';
import type { TargetInfo } from '../model/report.js';
import { renderSarif } from '../report/reporters/sarif.js';
import { describeCell, type Cell, type Difference, type VolatileSummary } from './analyze.js';
import { codePointLabel, visible } from '../data/unicode.js';
import { COVERT_KINDS, type ChangeKind } from './diff.js';
import type { GuidedPersona } from './guided.js';
import type { EgressLink } from './egress-link.js';
import type { Dimension, Persona } from './persona.js';
import type { SandboxMode } from './sandbox.js';

export interface RunSummary {
  label: string;
  /** 0-based index among the runs of the same persona. */
  repeat: number;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  durationMs: number;
  requests: { method: string; url: string; sni?: string; host?: string; status: number }[];
  dnsQueries: string[];
  nonLoopbackAttempts: number;
  leftoverPids: number[];
  interfaces: string[];
  stdoutTail: string;
  stderrTail: string;
  setupError?: string;
}

export interface ProbeReport {
  tool: { name: 'telltale'; version: string };
  target: TargetInfo;
  sandbox: { mode: SandboxMode; home: string; workDir: string; toolDir: string };
  command: string[];
  dimensions: Dimension[];
  baseline: string;
  personas: { label: string; persona: Persona }[];
  /** The personas added to satisfy comparisons the static audit found and no other persona satisfied (`--static`). */
  guided?: GuidedPersona[];
  /** Comparisons left without a persona because the matrix was full (where, and what is compared). */
  guidedNotRun?: string[];
  /** The hosts and paths contacted, set against the static egress map (with `--static`). */
  egressLink?: EgressLink;
  runs: RunSummary[];
  differences: Difference[];
  /** What varied between identical runs (ids, clocks, jittering numbers, batch order), summarised once. */
  volatile: VolatileSummary;
  findings: Finding[];
  stats: { ms: number; runs: number; nonLoopbackAttempts: number; leftoverProcesses: number; unsealedRuns: number };
}

function short(s: string, n: number): string {
  const v = visible(s);
  return v.length > n ? v.slice(0, n - 1) + '…' : v;
}

/** What a table cell shows: the code points for covert kinds, the text otherwise. */
export function cellLabel(d: Difference, c: Cell | undefined): string {
  if (!c) return '·';
  if (COVERT_KINDS.has(d.kind as ChangeKind)) {
    const cps = [...c.newText].map((ch) => codePointLabel(ch.codePointAt(0)!));
    return cps.length ? cps.join('+') : `−${[...c.oldText].map((ch) => codePointLabel(ch.codePointAt(0)!)).join('+')}`;
  }
  if (d.kind === 'removed' || d.kind === 'request-removed') return '(removed)';
  if (!c.newText) return `−${short(c.oldText, 17)}`;
  return short(c.newText, 18);
}

function trunc(s: string, n: number): string {
  return [...s].length > n ? [...s].slice(0, n - 1).join('') + '…' : s;
}

function pad(s: string, n: number): string {
  const len = [...s].length;
  return len >= n ? s : s + ' '.repeat(n - len);
}

export function renderText(r: ProbeReport): string {
  const lines: string[] = [];
  const name = r.target.name ? `${r.target.name}${r.target.version ? '@' + r.target.version : ''}` : r.target.spec;
  lines.push(`telltale probe ${name}: ${r.personas.length} personas, ${r.stats.runs} sealed runs (${r.sandbox.mode}), ${(r.stats.ms / 1000).toFixed(1)} s`);
  lines.push(
    `sealing: ${r.stats.unsealedRuns === 0 ? 'only loopback in every run' : `${r.stats.unsealedRuns} run(s) failed to seal and were not used`}; ` +
      `non-loopback connection attempts: ${r.stats.nonLoopbackAttempts}; leftover processes: ${r.stats.leftoverProcesses}`,
  );
  lines.push(volatileLine(r.volatile));
  if (r.guided?.length) lines.push(`added for the static audit's comparisons: ${r.guided.map((g) => `${g.dim}=${g.value} (${trunc(g.because, 80)})`).join('; ')}`);
  if (r.guidedNotRun?.length) lines.push(`not run (at most 64 personas): ${r.guidedNotRun.length} comparison(s) of the static audit, first ${trunc(r.guidedNotRun[0]!, 100)}`);
  const silent = r.runs.filter((x) => x.requests.length === 0 && !x.setupError);
  if (silent.length) {
    const tail = silent[0]!.stderrTail.trim().split('\n').slice(-1)[0] ?? '';
    lines.push(`warning: ${silent.length} of ${r.runs.length} runs sent no request to the mock APIs (first: exit ${silent[0]!.exitCode ?? silent[0]!.signal}${tail ? `, stderr: ${trunc(tail, 160)}` : ''})`);
  }
  const shown = r.differences.filter((d) => d.verdict !== 'explained').slice(0, 12);
  const explained = r.differences.filter((d) => d.verdict === 'explained');
  lines.push('');
  if (r.differences.length === 0) lines.push('No persona-dependent differences in what the tool sent.');
  else {
    const cols = [...shown, ...explained.slice(0, Math.max(0, 12 - shown.length))];
    const w0 = Math.min(48, Math.max(...r.personas.map((p) => p.label.length + 11)));
    const widths = cols.map((d) => Math.max(d.id.length, ...r.personas.map((p) => Math.min(20, cellLabel(d, d.cells[p.label]).length))) + 2);
    lines.push('persona × difference (· = same as baseline)');
    lines.push(pad('', w0) + cols.map((d, i) => pad(d.id, widths[i]!)).join(''));
    for (const p of r.personas) {
      const name = p.label === r.baseline ? `${p.label} (baseline)` : p.label;
      lines.push(pad(trunc(name, w0 - 1), w0) + cols.map((d, i) => pad(trunc(cellLabel(d, d.cells[p.label]), 20), widths[i]!)).join(''));
    }
    lines.push('');
    for (const d of [...shown, ...explained]) {
      const tag = d.verdict === 'explained' ? 'info, explained by the persona' : `${d.severity} ${d.verdict}`;
      lines.push(`${d.id} [${tag}] ${d.kind}${d.occurrences > 1 ? ` ×${d.occurrences}` : ''} at ${d.path}${d.follows.length ? ` — follows ${d.follows.join(' or ')}` : ''}`);
      if (d.verdict === 'explained') continue;
      const first = Object.values(d.cells)[0]!;
      lines.push(`    baseline:  …${short(first.baseContext, 110)}…`);
      for (const [label, c] of Object.entries(d.cells).slice(0, 8)) {
        lines.push(`    ${label}: ${describeCell(c, d.kind)} at line ${c.line}, column ${c.column}`);
        lines.push(`      …${short(c.context, 110)}…`);
      }
    }
  }
  if (r.egressLink) lines.push('', ...egressLinkLines(r.egressLink));
  const findings = r.findings.filter((f) => f.severity !== 'info');
  if (findings.length) {
    lines.push('');
    lines.push('findings:');
    for (const f of findings) lines.push(`  ${f.severity.padEnd(8)} ${f.ruleId}  ${f.location.file}:${f.location.line}:${f.location.column}  ${f.title}`);
  }
  const failed = r.runs.filter((x) => x.setupError || x.timedOut);
  for (const x of failed) lines.push(`run ${x.label}#${x.repeat}: ${x.setupError ?? 'timed out'}`);
  return lines.join('\n') + '\n';
}

/** The egress link in three lists: what the static map predicted and the runs confirmed, predicted but not
 *  seen, and seen but not predicted. */
export function egressLinkLines(link: EgressLink): string[] {
  const paths = (ps: string[]) => (ps.length ? ` ${trunc(ps.slice(0, 4).join(', '), 100)}` : '');
  const out = [
    `egress map vs. what the tool contacted: ${link.confirmed.length} confirmed, ${link.predictedNotSeen.length} predicted but not seen, ${link.unpredicted.length} seen but not predicted` +
      (link.unresolved ? ` (${link.unresolved} call(s) of the map have a host the static analysis could not tell)` : ''),
  ];
  for (const c of link.confirmed) out.push(`  confirmed            ${c.destination} (contacted as ${c.contacted.join(', ')})${paths(c.paths)}`);
  for (const p of link.predictedNotSeen) out.push(`  predicted, not seen  ${p.destination}`);
  for (const u of link.unpredicted) out.push(`  NOT PREDICTED        ${u.host} (${u.via})${paths(u.paths)}`);
  return out;
}

/** One line for everything that varied between identical runs. */
export function volatileLine(v: VolatileSummary | undefined): string {
  if (!v || (v.fields === 0 && v.requests === 0)) return 'noise: nothing varied between identical runs';
  const shapes = Object.entries(v.shapes)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  return `noise (not reported): ${v.fields} field(s) and ${v.requests} request(s) varied between identical runs${shapes ? ` (masked tokens: ${shapes})` : ''}`;
}

export function renderJson(r: ProbeReport): string {
  return JSON.stringify(r, null, 2) + '\n';
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Context with the changed span highlighted and invisible characters spelled out. */
function markedContext(context: string, at: number, changed: string): string {
  const end = Math.min(context.length, at + changed.length);
  return '…' + esc(visible(context.slice(0, at))) + `<mark>${esc(visible(context.slice(at, end))) || '&#8203;'}</mark>` + esc(visible(context.slice(end))) + '…';
}

export function renderHtml(r: ProbeReport): string {
  const name = r.target.name ? `${r.target.name}${r.target.version ? '@' + r.target.version : ''}` : r.target.spec;
  const head = `<tr><th>persona</th>${r.differences.map((d) => `<th class="${d.verdict}" title="${esc(d.path)}">${d.id}</th>`).join('')}</tr>`;
  const rows = r.personas
    .map((p) => {
      const cells = r.differences
        .map((d) => {
          const c = d.cells[p.label];
          return c ? `<td class="${d.verdict}" title="${esc(describeCell(c, d.kind))}">${esc(cellLabel(d, c))}</td>` : '<td class="same">·</td>';
        })
        .join('');
      return `<tr><th>${esc(p.label)}${p.label === r.baseline ? ' <small>(baseline)</small>' : ''}</th>${cells}</tr>`;
    })
    .join('\n');
  const details = r.differences
    .map((d) => {
      const items = Object.entries(d.cells)
        .map(([label, c]) => `<li><b>${esc(label)}</b>: ${esc(describeCell(c, d.kind))} <small>(line ${c.line}, column ${c.column})</small><br><code>${markedContext(c.context, c.contextAt, c.newText)}</code></li>`)
        .join('');
      const first = Object.values(d.cells)[0]!;
      return `<section class="diff ${d.verdict}" id="${d.id}"><h3>${d.id} <span class="badge ${d.verdict}">${esc(d.verdict === 'explained' ? 'info · explained' : `${d.severity} · ${d.verdict}`)}</span> ${esc(d.kind)}${d.occurrences > 1 ? ` ×${d.occurrences}` : ''}</h3>
<p>at <code>${esc(d.path)}</code>${d.follows.length ? `, follows <b>${esc(d.follows.join(' or '))}</b>` : ''}</p>
<p>baseline: <code>${markedContext(first.baseContext, first.baseContextAt, first.oldText)}</code></p><ul>${items}</ul></section>`;
    })
    .join('\n');
  const findings = r.findings
    .filter((f) => f.severity !== 'info')
    .map((f) => `<tr><td class="sev-${f.severity}">${f.severity}</td><td>${esc(f.ruleId)}</td><td><code>${esc(f.location.file)}:${f.location.line}:${f.location.column}</code></td><td>${esc(f.message)}</td></tr>`)
    .join('\n');
  const runs = r.runs
    .map(
      (x) =>
        `<tr><td>${esc(x.label)}#${x.repeat}</td><td>${x.exitCode ?? esc(String(x.signal))}${x.timedOut ? ' (timed out)' : ''}</td><td>${(x.durationMs / 1000).toFixed(1)} s</td><td>${x.requests.length}</td><td>${esc(x.dnsQueries.join(', ') || '—')}</td><td>${x.nonLoopbackAttempts}</td><td>${x.leftoverPids.length}</td><td>${esc(x.setupError ?? '')}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>telltale probe — ${esc(name)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1b1f24;background:#fff}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}h3{font-size:14px;margin:0 0 4px}
.sum{color:#444}table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.same{color:#999;text-align:center}
.covert-channel{background:#ffe3e3}.region-dependent{background:#fff4d6}.explained{background:#eef6ee}
th.covert-channel,th.region-dependent,th.explained{text-align:center}
.badge{font-size:12px;padding:1px 6px;border-radius:8px;border:1px solid #bbb}
section.diff{border:1px solid #d0d7de;border-radius:6px;padding:8px 12px;margin:8px 0}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;white-space:pre-wrap;word-break:break-all}
mark{background:#ff8a8a;outline:1px solid #c00}
.sev-critical{color:#fff;background:#b00020}.sev-high{background:#ffb4b4}.sev-medium{background:#ffe9a8}.sev-low{background:#e8f0ff}
</style></head><body>
<h1>telltale probe — ${esc(name)}</h1>
<p class="sum">${r.personas.length} personas, ${r.stats.runs} sealed runs (${esc(r.sandbox.mode)}), ${(r.stats.ms / 1000).toFixed(1)} s ·
non-loopback connection attempts: <b>${r.stats.nonLoopbackAttempts}</b> · leftover processes: <b>${r.stats.leftoverProcesses}</b> · ${esc(volatileLine(r.volatile))} ·
command: <code>${esc(r.command.join(' '))}</code></p>
<h2>Persona × difference</h2>
${r.differences.length ? `<table>${head}\n${rows}</table>` : '<p>No persona-dependent differences in what the tool sent.</p>'}
<h2>Differences</h2>
${details || '<p>None.</p>'}
${r.egressLink ? `<h2>Egress map vs. what the tool contacted</h2>\n<pre>${esc(egressLinkLines(r.egressLink).join('\n'))}</pre>` : ''}
<h2>Findings</h2>
${findings ? `<table><tr><th>severity</th><th>rule</th><th>location</th><th>message</th></tr>${findings}</table>` : '<p>No findings above info.</p>'}
<h2>Runs</h2>
<table><tr><th>run</th><th>exit</th><th>time</th><th>requests</th><th>DNS queries</th><th>non-loopback attempts</th><th>leftover processes</th><th>problem</th></tr>
${runs}</table>
</body></html>
`;
}

export function renderProbeSarif(r: ProbeReport): string {
  return renderSarif({ tool: r.tool, target: r.target, findings: r.findings, command: 'probe' });
}

export const RENDERERS = { text: renderText, json: renderJson, html: renderHtml, sarif: renderProbeSarif } as const satisfies Record<string, (r: ProbeReport) => string>;
export type ProbeFormat = keyof typeof RENDERERS;
