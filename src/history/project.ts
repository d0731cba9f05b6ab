// `telltale audit <dir>` on a project with a lockfile: every resolved package audited on its own, through the
// result cache and the local pool (as history), and a per-package table worst first. A package that cannot be
// audited is listed with its reason. The policy file, --baseline and --allow-incomplete apply to each package
// exactly as to `telltale audit <package>` (src/report/policy.ts): the gate fails when a package's gate fails.
// Exit 2 when none could be audited.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import semver from 'semver';
import { readLockfile, type LockedPackage } from '../acquire/lockfile.js';
import { lockfileLines } from '../acquire/lockfile-lines.js';
import { completenessNotes } from '../report/index.js';
import { buildProjectSarif, fileUri, type ProjectSarifInput } from '../report/reporters/sarif.js';
import { UserError } from '../model/errors.js';
import { AUDIT_OPTIONS, parseCommandArgs } from '../model/cli-args.js';
import { severityRank, type Finding, type Severity } from '../model/finding.js';
import { applyPolicy, gateFailed, loadBaseline, loadPolicy, type Baseline, type Policy } from '../report/policy.js';
import { moreLine, moreList } from '../report/list.js';
import { TOOL_VERSION } from '../version.js';
import type { AuditJob } from '../jobs/audit-job.js';
import { jobForSpec } from '../jobs/job-for-spec.js';
import { LocalPool } from '../jobs/pool.js';
import type { AuditResult } from '../jobs/service.js';
import { common, defaultWorkers, service, type CommandIo } from './command.js';
import { significantFindings } from './history.js';

export interface ProjectRow {
  name: string;
  version: string;
  dev: boolean;
  status: 'audited' | 'cached' | 'failed' | 'skipped';
  /** The most severe finding that counts for the gate (not accepted, or accepted with an expired date). */
  worst?: Severity;
  /** Findings shown (info only with --verbose), most severe first. */
  findings: Finding[];
  /** Every finding, info included, as a package's JSON report has them (a later --baseline needs them all). */
  all: Finding[];
  /** This package fails the gate (as `telltale audit` of it would). */
  failed: boolean;
  reason?: string;
  /** What could not be analysed in it (run notifications in SARIF). */
  unanalysed?: string[];
}

export interface ProjectPolicy {
  file?: string;
  accepted: number;
  expired: { package: string; fingerprint: string; reason: string; expires: string }[];
  /** Acceptances that matched a finding in no package. */
  unused: string[];
  baseline?: { file: string; known: number; new: number };
}

interface Gate {
  failOn: Severity;
  allowIncomplete: boolean;
  verbose: boolean;
  policy?: Policy;
  baseline?: Baseline;
}

function counts(f: Finding): boolean {
  return !f.accepted || f.accepted.expired === true;
}

export function rowOf(p: LockedPackage, r: AuditResult, gate: Gate): ProjectRow {
  const base = { name: p.name, version: p.version, dev: p.dev };
  if (r.status === 'failed') return { ...base, status: 'failed', findings: [], all: [], failed: false, reason: r.error };
  if (gate.policy || gate.baseline) applyPolicy(r.report, gate.policy, gate.baseline ? { file: gate.baseline.file, fingerprints: new Map(gate.baseline.byPackage?.get(p.name)) } : undefined);
  const findings = significantFindings(r, gate.verbose).sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
  const worst = findings.find(counts)?.severity;
  const failed = gateFailed(r.report, gate.failOn, gate.allowIncomplete);
  const unanalysed = completenessNotes(r.report);
  return { ...base, status: r.status, findings, all: r.report.findings, failed, ...(worst ? { worst } : {}), ...(r.incomplete?.length ? { reason: `cut short: ${r.incomplete.join('; ')}` } : {}), ...(unanalysed.length ? { unanalysed } : {}) };
}

/** Worst first: by worst severity, then finding count, then name; failed and skipped packages last. */
export function sortRows(rows: ProjectRow[]): ProjectRow[] {
  const rank = (r: ProjectRow) => (r.worst ? severityRank(r.worst) : r.status === 'failed' || r.status === 'skipped' ? 99 : 98);
  return [...rows].sort((a, b) => rank(a) - rank(b) || b.findings.length - a.findings.length || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The policy's and the baseline's effect over every package. */
export function projectPolicy(results: AuditResult[], gate: Gate): ProjectPolicy | undefined {
  if (!gate.policy && !gate.baseline) return undefined;
  const out: ProjectPolicy = { ...(gate.policy ? { file: gate.policy.file } : {}), accepted: 0, expired: [], unused: [] };
  const used = new Set<string>();
  let known = 0;
  let fresh = 0;
  for (const r of results) {
    if (r.status === 'failed' || !r.report.policy) continue;
    const p = r.report.policy;
    out.accepted += p.accepted;
    const label = `${r.report.target.name ?? r.job.spec}@${r.report.target.version ?? ''}`;
    for (const e of p.expired) out.expired.push({ package: label, fingerprint: e.fingerprint, reason: e.reason, expires: e.expires });
    for (const f of r.report.findings) if (f.accepted) used.add(f.fingerprint).add(f.fingerprint.replace(/:\d+$/, ''));
    known += p.baseline?.known ?? 0;
    fresh += p.baseline?.new ?? 0;
  }
  out.unused = (gate.policy?.accept ?? []).map((a) => a.fingerprint).filter((fp) => !used.has(fp));
  if (gate.baseline) out.baseline = { file: gate.baseline.file, known, new: fresh };
  return out;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n';
}

/** `5 packages: 4 from the cache, 1 audited, 1 not audited (0.8 s)`: what a re-run cost. */
export function runLine(rows: ProjectRow[], ms: number): string {
  const n = (s: ProjectRow['status']) => rows.filter((r) => r.status === s).length;
  const missed = n('failed') + n('skipped');
  return `${rows.length} package${rows.length === 1 ? '' : 's'}: ${n('cached')} from the cache, ${n('audited')} audited${missed ? `, ${missed} not audited` : ''} (${(ms / 1000).toFixed(1)} s)`;
}

export function renderProjectText(lockfile: string, rows: ProjectRow[], failOn: Severity, failed: boolean, policy?: ProjectPolicy, ms?: number): string {
  const head = ['package', 'version', 'worst', 'findings', 'status'];
  const body = rows.map((r) => {
    const accepted = r.findings.filter((f) => f.accepted && !f.accepted.expired).length;
    return [r.name, r.version, r.worst ?? '-', String(r.findings.length) + (accepted ? ` (${accepted} accepted)` : ''), r.status + (r.reason ? ` (${r.reason.split('\n')[0]!.slice(0, 120)})` : '')];
  });
  let out = `telltale: ${rows.length} package${rows.length === 1 ? '' : 's'} from ${lockfile}\n\n` + table([head, ...body]);
  const worst = rows.flatMap((r) => r.findings.filter(counts).map((f) => ({ r, f }))).sort((a, b) => severityRank(a.f.severity) - severityRank(b.f.severity));
  if (worst.length) {
    out += '\nworst findings:\n';
    for (const { r, f } of worst.slice(0, 10)) out += `  [${f.severity}] ${r.name}@${r.version}: ${f.title} (${f.ruleId})${f.accepted?.expired ? ` — acceptance EXPIRED on ${f.accepted.expires}` : ''}\n`;
    const more = moreLine(worst.length, Math.min(10, worst.length), '--format json lists them all');
    if (more) out += `  ${more}\n`;
  } else out += '\nno findings\n';
  if (policy) {
    out += `\npolicy${policy.file ? ` (${policy.file})` : ''}:\n`;
    if (policy.baseline) out += `  baseline ${policy.baseline.file}: ${policy.baseline.known} finding${policy.baseline.known === 1 ? '' : 's'} already known, not shown; ${policy.baseline.new} new\n`;
    if (policy.file) out += `  ${policy.accepted} finding${policy.accepted === 1 ? '' : 's'} accepted\n`;
    for (const r of rows) for (const f of r.findings) if (f.accepted && !f.accepted.expired) out += `    ${r.name}@${r.version}: [${f.severity}] ${f.title} (${f.ruleId}) — accepted until ${f.accepted.expires}: ${f.accepted.reason}\n`;
    for (const e of policy.expired) out += `  acceptance EXPIRED on ${e.expires}: ${e.package} ${e.fingerprint} (${e.reason}); it fails the gate until reviewed again\n`;
    if (policy.unused.length) out += `  acceptances that matched nothing (${policy.unused.length}): ${moreList(policy.unused, 5)}\n`;
  }
  if (ms !== undefined) out += `\n${runLine(rows, ms)}\n`;
  out += failed ? `\ngate: failed (a package has a finding at or above ${failOn} that is not accepted, or an expired acceptance)\n` : `\ngate: passed (--fail-on ${failOn})\n`;
  return out;
}

/** At most this many run notifications in a project's SARIF (one per package gap or problem); the rest are counted. */
const MAX_PROJECT_NOTES = 500;

/**
 * The project as one SARIF run: each finding anchored at its package's lockfile entry, its evidence in the package's
 * files as installed (`<project>/node_modules/<name>/…`), all relative to `cwd` when the project is inside it (the
 * repository root in CI), else to the project folder.
 */
export function projectSarif(lockfile: string, rows: ProjectRow[], policy: ProjectPolicy | undefined, cwd: string): unknown {
  const project = dirname(resolve(lockfile));
  const inside = relative(cwd, project);
  const root = inside.startsWith('..') || isAbsolute(inside) ? project : resolve(cwd);
  const rel = (p: string) => relative(root, p).split(sep).join('/');
  const lockUri = fileUri(rel(resolve(lockfile)));
  const lines = lockfileLines(readFileSync(lockfile, 'utf8'), rows);
  const findings: ProjectSarifInput['findings'] = [];
  for (const r of rows) {
    const installed = [rel(project), 'node_modules', r.name].filter(Boolean).join('/');
    const pkg = { name: r.name, version: r.version, dev: r.dev, lockfile: { uri: lockUri, line: lines.get(`${r.name}@${r.version}`) ?? 1 }, installedAt: installed };
    for (const f of r.findings) findings.push({ pkg, finding: f, ...(f.accepted && !f.accepted.expired ? { accepted: `${f.accepted.reason} (accepted until ${f.accepted.expires})` } : {}) });
  }
  const notes: string[] = [];
  if (policy?.file) notes.push(`policy ${policy.file}: ${policy.accepted} accepted, ${policy.expired.length} expired acceptance(s)`);
  for (const e of policy?.expired ?? []) notes.push(`acceptance of ${e.fingerprint} in ${e.package} expired on ${e.expires} (${e.reason}): it fails the gate`);
  if (policy?.unused.length) notes.push(`acceptances that matched nothing: ${moreList(policy.unused, 5)}`);
  if (policy?.baseline) notes.push(`baseline ${policy.baseline.file}: ${policy.baseline.known} finding(s) already known and left out, ${policy.baseline.new} new`);
  for (const r of rows) {
    if (r.status === 'failed' || r.status === 'skipped') notes.push(`${r.name}@${r.version} not audited (${r.status}): ${r.reason ?? 'no reason given'}`);
    else if (r.reason) notes.push(`${r.name}@${r.version}: ${r.reason}`);
    for (const u of r.unanalysed ?? []) notes.push(`${r.name}@${r.version}: ${u}`);
  }
  const more = notes.length - MAX_PROJECT_NOTES;
  const kept = more > 0 ? [...notes.slice(0, MAX_PROJECT_NOTES), `… (+${more} more notes; the JSON report has every package's status)`] : notes;
  return buildProjectSarif({
    tool: { name: 'telltale', version: TOOL_VERSION },
    sourceRoot: pathToFileURL(root).href.replace(/\/?$/, '/'),
    lockfile: lockUri,
    findings,
    packages: rows.map((r) => ({ name: r.name, version: r.version, dev: r.dev, status: r.status, worst: r.worst ?? null, failed: r.failed, findingCount: r.findings.length, ...(r.reason ? { reason: r.reason } : {}) })),
    notes: kept,
  });
}

/** Only an exact release from a registry is fetched: git, tarball and local dependencies are listed, not audited. */
function notFromRegistry(p: LockedPackage): string | undefined {
  if (p.resolved && !/^https?:\/\//.test(p.resolved)) return `not from a registry (${p.resolved.slice(0, 80)})`;
  if (semver.valid(p.version) !== p.version) return `not a registry version (${p.version.slice(0, 80)})`;
  return undefined;
}

export async function projectCommand(lockfile: string, args: string[], io: CommandIo): Promise<number> {
  const { values } = parseCommandArgs('audit', args, AUDIT_OPTIONS);
  const o = await common(values);
  if (o.format === 'html') throw new UserError('a project audit has text, json and sarif formats');
  // The project is the user's own; its dependencies are the audited targets: a policy file among them
  // (node_modules) is never read, and one inside a package is never looked for.
  const cwd = process.cwd();
  const deps = join(dirname(lockfile), 'node_modules');
  const policy = loadPolicy({ config: values.config, cwd, localTargets: existsSync(deps) ? [deps] : [], warn: (l) => io.stderr(`telltale: ${l}\n`) });
  const baseline = values.baseline !== undefined ? loadBaseline(values.baseline, cwd) : undefined;
  if (baseline && !baseline.byPackage) throw new UserError(`--baseline ${values.baseline} is a package report; a project audit takes an earlier project report (telltale audit <dir> --format json)`);
  const all = readLockfile(lockfile);
  const packages = values.prod ? all.filter((p) => !p.dev) : all;
  if (packages.length === 0) throw new UserError(`nothing to audit: ${lockfile} lists no ${values.prod ? 'production ' : ''}packages`);
  const workers = values.workers !== undefined ? Math.max(1, Math.min(64, Number(values.workers) || 1)) : defaultWorkers();
  const svc = await service(o, async () => new LocalPool({ workers, settings: { cacheDir: o.cacheDir, offline: o.offline } }));
  const jobFor = (p: LockedPackage): AuditJob => ({ spec: `${p.name}@${p.version}`, platform: o.platform, ...(p.integrity ? { integrity: p.integrity } : {}), ...(o.maxFileMb !== undefined ? { maxFileMb: o.maxFileMb } : {}) });
  const gate: Gate = { failOn: o.failOn, allowIncomplete: values['allow-incomplete'], verbose: o.verbose, ...(policy ? { policy } : {}), ...(baseline ? { baseline } : {}) };
  const results: AuditResult[] = [];
  const started = performance.now();
  let rows: ProjectRow[];
  try {
    rows = await Promise.all(
      packages.map(async (p): Promise<ProjectRow> => {
        const skip = notFromRegistry(p);
        if (skip) return { name: p.name, version: p.version, dev: p.dev, status: 'skipped', findings: [], all: [], failed: false, reason: skip };
        let job: AuditJob;
        try {
          // Without the lockfile's integrity (Yarn 2+), the registry's is looked up so the result cache applies.
          job = p.integrity ? jobFor(p) : { ...jobFor(p), ...(await jobForSpec(`${p.name}@${p.version}`, { platform: o.platform, cacheDir: o.cacheDir, offline: o.offline })) };
        } catch (e) {
          return { name: p.name, version: p.version, dev: p.dev, status: 'failed', findings: [], all: [], failed: false, reason: (e as Error).message.split('\n')[0]! };
        }
        const r = await svc.audit(job);
        results.push(r);
        return rowOf(p, r, gate);
      }),
    );
  } finally {
    await svc.close();
  }
  const ms = Math.round(performance.now() - started);
  rows = sortRows(rows);
  const summary = projectPolicy(results, gate);
  const audited = rows.filter((r) => r.status === 'audited' || r.status === 'cached');
  if (audited.length === 0) {
    io.stdout(renderProjectText(lockfile, rows, o.failOn, false, summary, ms));
    throw new UserError(`nothing could be audited from ${lockfile}`);
  }
  const failed = rows.some((r) => r.failed);
  if (o.format === 'sarif') io.stdout(JSON.stringify(projectSarif(lockfile, rows, summary, process.cwd()), null, 2) + '\n');
  else if (o.format === 'json') {
    io.stdout(
      JSON.stringify(
        {
          tool: { name: 'telltale', version: TOOL_VERSION },
          lockfile,
          gate: { failOn: o.failOn, failed, ...(gate.allowIncomplete ? { allowIncomplete: true } : {}) },
          ms,
          ...(summary ? { policy: summary } : {}),
          packages: rows.map((r) => ({
            name: r.name,
            version: r.version,
            dev: r.dev,
            status: r.status,
            worst: r.worst ?? null,
            failed: r.failed,
            findingCount: r.findings.length,
            ...(r.reason ? { reason: r.reason } : {}),
            findings: r.all.map((f) => ({ ruleId: f.ruleId, severity: f.severity, title: f.title, fingerprint: f.fingerprint, ...(f.accepted ? { accepted: f.accepted } : {}) })),
          })),
        },
        null,
        2,
      ) + '\n',
    );
  } else io.stdout(renderProjectText(lockfile, rows, o.failOn, failed, summary, ms));
  return failed ? 1 : 0;
}
