// `telltale audit <dir>` on a project with a lockfile: every resolved package audited on its own, through the
// result cache and the local pool (as history), and a per-package table worst first. A package that cannot be
// audited is listed with its reason. Exit 1 when a package has a finding at or above --fail-on, 2 when none could be
// audited.
import { readLockfile, type LockedPackage } from '../acquire/lockfile.js';
import { UserError } from '../model/errors.js';
import { AUDIT_OPTIONS, parseCommandArgs } from '../model/cli-args.js';
import { atLeast, severityRank, type Finding, type Severity } from '../model/finding.js';
import { TOOL_VERSION } from '../version.js';
import type { AuditJob } from '../jobs/audit-job.js';
import { LocalPool } from '../jobs/pool.js';
import type { AuditResult } from '../jobs/service.js';
import { common, defaultWorkers, service, type CommandIo } from './command.js';
import { significantFindings } from './history.js';

export interface ProjectRow {
  name: string;
  version: string;
  dev: boolean;
  status: 'audited' | 'cached' | 'failed' | 'skipped';
  worst?: Severity;
  findings: Finding[];
  reason?: string;
}

function rowOf(p: LockedPackage, r: AuditResult, verbose: boolean): ProjectRow {
  const base = { name: p.name, version: p.version, dev: p.dev };
  if (r.status === 'failed') return { ...base, status: 'failed', findings: [], reason: r.error };
  const findings = significantFindings(r, verbose).sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
  return { ...base, status: r.status, findings, ...(findings[0] ? { worst: findings[0].severity } : {}), ...(r.incomplete?.length ? { reason: `cut short: ${r.incomplete.join('; ')}` } : {}) };
}

/** Worst first: by worst severity, then finding count, then name; failed and skipped packages last. */
export function sortRows(rows: ProjectRow[]): ProjectRow[] {
  const rank = (r: ProjectRow) => (r.worst ? severityRank(r.worst) : r.status === 'failed' || r.status === 'skipped' ? 99 : 98);
  return [...rows].sort((a, b) => rank(a) - rank(b) || b.findings.length - a.findings.length || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n';
}

export function renderProjectText(lockfile: string, rows: ProjectRow[], failOn: Severity, failed: boolean): string {
  const head = ['package', 'version', 'worst', 'findings', 'status'];
  const body = rows.map((r) => [r.name, r.version, r.worst ?? '-', String(r.findings.length), r.status + (r.reason ? ` (${r.reason.split('\n')[0]!.slice(0, 120)})` : '')]);
  let out = `telltale: ${rows.length} package${rows.length === 1 ? '' : 's'} from ${lockfile}\n\n` + table([head, ...body]);
  const worst = rows.flatMap((r) => r.findings.map((f) => ({ r, f }))).sort((a, b) => severityRank(a.f.severity) - severityRank(b.f.severity));
  if (worst.length) {
    out += '\nworst findings:\n';
    for (const { r, f } of worst.slice(0, 10)) out += `  [${f.severity}] ${r.name}@${r.version}: ${f.title} (${f.ruleId})\n`;
    if (worst.length > 10) out += `  +${worst.length - 10} more\n`;
  } else out += '\nno findings\n';
  out += failed ? `\ngate: failed (a package has a finding at or above ${failOn})\n` : `\ngate: passed (--fail-on ${failOn})\n`;
  return out;
}

export async function projectCommand(lockfile: string, args: string[], io: CommandIo): Promise<number> {
  const { values } = parseCommandArgs('audit', args, AUDIT_OPTIONS);
  const o = await common(values);
  if (o.format !== 'text' && o.format !== 'json') throw new UserError('a project audit has text and json formats');
  const all = readLockfile(lockfile);
  const packages = values.prod ? all.filter((p) => !p.dev) : all;
  if (packages.length === 0) throw new UserError(`nothing to audit: ${lockfile} lists no ${values.prod ? 'production ' : ''}packages`);
  const workers = values.workers !== undefined ? Math.max(1, Math.min(64, Number(values.workers) || 1)) : defaultWorkers();
  const svc = await service(o, async () => new LocalPool({ workers, settings: { cacheDir: o.cacheDir, offline: o.offline } }));
  const jobFor = (p: LockedPackage): AuditJob => ({ spec: `${p.name}@${p.version}`, platform: o.platform, ...(p.integrity ? { integrity: p.integrity } : {}), ...(o.maxFileMb !== undefined ? { maxFileMb: o.maxFileMb } : {}) });
  let rows: ProjectRow[];
  try {
    rows = await Promise.all(
      packages.map(async (p): Promise<ProjectRow> => {
        // Only registry packages are fetched: a git or file dependency is listed, not audited.
        if (p.resolved && !/^https?:\/\//.test(p.resolved)) return { name: p.name, version: p.version, dev: p.dev, status: 'skipped', findings: [], reason: `not from a registry (${p.resolved.slice(0, 80)})` };
        return rowOf(p, await svc.audit(jobFor(p)), o.verbose);
      }),
    );
  } finally {
    await svc.close();
  }
  rows = sortRows(rows);
  const audited = rows.filter((r) => r.status === 'audited' || r.status === 'cached');
  if (audited.length === 0) {
    io.stdout(renderProjectText(lockfile, rows, o.failOn, false));
    throw new UserError(`nothing could be audited from ${lockfile}`);
  }
  const failed = rows.some((r) => r.worst !== undefined && atLeast(r.worst, o.failOn));
  if (o.format === 'json') {
    io.stdout(
      JSON.stringify(
        {
          tool: { name: 'telltale', version: TOOL_VERSION },
          lockfile,
          gate: { failOn: o.failOn, failed },
          packages: rows.map((r) => ({ name: r.name, version: r.version, dev: r.dev, status: r.status, worst: r.worst ?? null, findingCount: r.findings.length, ...(r.reason ? { reason: r.reason } : {}), findings: r.findings.map((f) => ({ ruleId: f.ruleId, severity: f.severity, title: f.title, fingerprint: f.fingerprint })) })),
        },
        null,
        2,
      ) + '\n',
    );
  } else io.stdout(renderProjectText(lockfile, rows, o.failOn, failed));
  return failed ? 1 : 0;
}
