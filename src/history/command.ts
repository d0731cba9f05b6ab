// `telltale diff <a> <b>` and `telltale history <name>` (with `--bisect`): argument parsing, the audit service
// (result cache + local pool or queue), output and exit code. Exit codes as `audit`: 0, 1 findings at or above
// --fail-on (diff: new ones in the newer side; history: in the newest release, or any with --fail-on-any), 2 usage
// errors and unknown packages. A release that cannot be audited is listed with its reason.
import { availableParallelism } from 'node:os';
import type { ParseArgsConfig } from 'node:util';
import { checkPlatform } from '../acquire/executables/platform-packages.js';
import { defaultCacheDir } from '../acquire/index.js';
import { isSeverity, type Severity } from '../model/finding.js';
import { UserError } from '../model/errors.js';
import { COMMON_OPTIONS, parseCommandArgs } from '../model/cli-args.js';
import { TOOL_VERSION } from '../version.js';
import { analyzerVersion } from '../jobs/analyzer-version.js';
import { defaultPlatform, type AuditJob } from '../jobs/audit-job.js';
import { ResultCache } from '../jobs/cache.js';
import { jobForSpec } from '../jobs/job-for-spec.js';
import { LocalPool, type JobBackend } from '../jobs/pool.js';
import { AuditService } from '../jobs/service.js';
import { diffReports, gateFindings } from './diff.js';
import { auditAll, bisectReleases, buildTimeline, failsGate, gateReleases, type BisectRun, type JobFor, type ReleaseAudit } from './history.js';
import { NO_PROGRESS, TerminalProgress, type ProgressSink } from './progress.js';
import { checkPackageName, checkRange, fetchPackument, selectReleases } from './releases.js';
import { renderDiffJson, renderDiffSarif, renderDiffText } from './render-diff.js';
import { renderDiffHtml, renderHistoryHtml } from './render-html.js';
import { renderBisectJson, renderBisectText, renderHistoryJson, renderHistoryText } from './render-history.js';

export interface CommandIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  isTTY: boolean;
}

const TOOL = { name: 'telltale' as const, version: TOOL_VERSION };

export const COMMON = COMMON_OPTIONS;

function parse<O extends NonNullable<ParseArgsConfig['options']>>(command: string, args: string[], options: O) {
  return parseCommandArgs(command, args, options);
}

export interface Common {
  format: 'text' | 'json' | 'sarif' | 'html';
  failOn: Severity;
  cacheDir: string;
  offline: boolean;
  platform: string;
  maxFileMb?: number;
  quiet: boolean;
  verbose: boolean;
}

export async function common(v: { format?: string; 'fail-on'?: string; cache?: string; offline?: boolean; platform?: string; 'max-file-mb'?: string; quiet?: boolean; verbose?: boolean }): Promise<Common> {
  if (v.format !== 'text' && v.format !== 'json' && v.format !== 'sarif' && v.format !== 'html') throw new UserError(`unknown format "${v.format}" (text, json, sarif or html)`);
  const failOn = v['fail-on']!;
  if (!isSeverity(failOn)) throw new UserError(`--fail-on must be one of critical, high, medium, low, info (got "${failOn}")`);
  const maxFileMb = v['max-file-mb'] !== undefined ? Number(v['max-file-mb']) : undefined;
  if (maxFileMb !== undefined && !(maxFileMb > 0)) throw new UserError('--max-file-mb takes a positive number');
  await checkPlatform(v.platform);
  return {
    format: v.format,
    failOn,
    cacheDir: v.cache ?? defaultCacheDir(),
    offline: v.offline === true,
    platform: v.platform ?? defaultPlatform(),
    ...(maxFileMb !== undefined ? { maxFileMb } : {}),
    quiet: v.quiet === true,
    verbose: v.verbose === true,
  };
}

function wholeNumber(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new UserError(`${name} needs a whole number from ${min} to ${max}`);
  return n;
}

export function defaultWorkers(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/** The cache is opened first: a cache this telltale cannot use stops the command before any process or connection exists. */
export async function service(o: Common, makeBackend: () => Promise<JobBackend>): Promise<AuditService> {
  const cache = ResultCache.open(o.cacheDir);
  try {
    return new AuditService({ backend: await makeBackend(), cache, analyzer: analyzerVersion() });
  } catch (e) {
    cache.close();
    throw e;
  }
}

export async function diffCommand(args: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parse('diff', args, COMMON);
  if (positionals.length !== 2) throw new UserError('diff takes two targets: the older and the newer (try: telltale --help)');
  const o = await common(values);
  const jobs = await Promise.all(positionals.map((spec) => jobForSpec(spec, o)));
  const svc = await service(o, async () => new LocalPool({ workers: 2, settings: { cacheDir: o.cacheDir, offline: o.offline } }));
  let results;
  try {
    results = await Promise.all(jobs.map((j) => svc.audit(j)));
  } finally {
    await svc.close();
  }
  const [before, after] = results.map((r, i) => {
    if (r.status === 'failed') throw new UserError(`cannot audit ${positionals[i]}: ${r.error}`);
    // A gate must not pass on an audit that stopped early: what it did not read may be what changed.
    if (r.incomplete?.length) throw new UserError(`the audit of ${positionals[i]} was cut short (${r.incomplete.join('; ')}); nothing was cached, run again on a less busy machine`);
    return r.report;
  });
  const d = diffReports(before!, after!);
  const gate = gateFindings(d, o.failOn);
  const ro = { color: io.isTTY && o.format === 'text' && !process.env.NO_COLOR, verbose: o.verbose, failOn: o.failOn, gate };
  io.stdout(o.format === 'json' ? renderDiffJson(d, ro, TOOL) : o.format === 'sarif' ? renderDiffSarif(d, TOOL) : o.format === 'html' ? renderDiffHtml(d, ro) : renderDiffText(d, ro));
  return gate.length ? 1 : 0;
}

export async function historyCommand(args: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parse('history', args, {
    ...COMMON,
    range: { type: 'string' },
    since: { type: 'string' },
    workers: { type: 'string' },
    bisect: { type: 'string' },
    queue: { type: 'string' },
    'fail-on-any': { type: 'boolean', default: false },
  });
  if (positionals.length !== 1) throw new UserError('history takes one package name (try: telltale --help)');
  const o = await common(values);
  if (o.format === 'html' && values.bisect !== undefined) throw new UserError('--bisect has no html format (text or json)');
  if (o.format === 'sarif') throw new UserError('history has no sarif format (text or json); for code scanning use telltale audit or diff --format sarif');
  const name = checkPackageName(positionals[0]!);
  const range = values.range !== undefined ? checkRange(values.range) : undefined;
  let since: Date | undefined;
  if (values.since !== undefined) {
    since = new Date(values.since);
    if (Number.isNaN(since.getTime())) throw new UserError(`--since needs a date such as 2026-01-01 (got "${values.since}")`);
  }
  const workers = values.workers !== undefined ? wholeNumber('--workers', values.workers, 1, 64) : defaultWorkers();
  if (values.bisect !== undefined && values.bisect.trim() === '') throw new UserError('--bisect needs a finding kind (e.g. covert-channel-mechanism) or a fingerprint');

  const list = selectReleases(await fetchPackument(name, o), { range, since });
  if (list.releases.length === 0) {
    const gone = list.unpublished.length ? ` (${list.unpublished.length} matching version${list.unpublished.length === 1 ? ' was' : 's were'} unpublished)` : '';
    throw new UserError(`no release of ${name} matches ${[range ? `"${range}"` : '', since ? `--since ${values.since}` : ''].filter(Boolean).join(' and ') || 'anything'}${gone}`);
  }
  const queueUrl = values.queue;
  const svc = await service(o, async () =>
    queueUrl !== undefined ? (await import('../jobs/queue.js')).QueueBackend.open(queueUrl, analyzerVersion()) : new LocalPool({ workers, settings: { cacheDir: o.cacheDir, offline: o.offline } }),
  );
  const jobFor: JobFor = (r): AuditJob => ({
    spec: `${list.name}@${r.version}`,
    platform: o.platform,
    ...(r.integrity ? { integrity: r.integrity } : {}),
    ...(o.maxFileMb !== undefined ? { maxFileMb: o.maxFileMb } : {}),
  });
  const started = performance.now();
  const progress: ProgressSink = io.isTTY && !o.quiet ? new TerminalProgress(values.bisect !== undefined ? undefined : list.releases.length, io.stderr) : NO_PROGRESS;
  const color = io.isTTY && o.format === 'text' && !process.env.NO_COLOR;
  const metaBase = { name: list.name, ...(range ? { range } : {}), ...(values.since ? { since: values.since } : {}), workers, backend: values.queue !== undefined ? ('queue' as const) : ('local' as const), failOn: o.failOn };
  const query = values.bisect?.trim();
  let run: BisectRun | undefined;
  let audits: ReleaseAudit[] = [];
  try {
    if (query !== undefined) run = await bisectReleases(list, query, svc, jobFor, progress);
    else audits = await auditAll(list, svc, jobFor, progress);
  } finally {
    progress.stop();
    await svc.close();
  }
  const newest = run ? run.audits.get(list.releases.length - 1) : undefined;
  const gate = run ? (newest ? gateReleases([newest], false) : []) : gateReleases(audits, values['fail-on-any'] === true);
  const meta = { ...metaBase, ms: Math.round(performance.now() - started), gate: gate.map((a) => a.release.version), failed: failsGate(gate, o.failOn) };
  const ro = { color, verbose: o.verbose };
  if (run) {
    const view = { list, query: query!, run, meta };
    io.stdout(o.format === 'json' ? renderBisectJson(view, TOOL) : renderBisectText(view, ro));
  } else {
    const view = { list, audits, timeline: buildTimeline(audits, o.verbose), meta };
    io.stdout(o.format === 'json' ? renderHistoryJson(view, ro, TOOL) : o.format === 'html' ? renderHistoryHtml(view, ro) : renderHistoryText(view, ro));
  }
  return meta.failed ? 1 : 0;
}
