// Orchestrates a probe: prepare the tool, run the baseline persona repeatedly and every other persona once,
// each in its own sealed sandbox, then diff what they sent.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { sortFindings, type Finding } from '../model/finding.js';
import { distinguishFingerprints } from '../model/fingerprint.js';
import type { Report } from '../model/report.js';
import { UserError } from '../model/errors.js';
import { TOOL_VERSION } from '../version.js';
import { prepareTool } from './acquire-tool.js';
import { analyzeDifferences, completeRuns, type PersonaRuns } from './analyze.js';
import { comparisonsFromStatic, guidedPersonas } from './guided.js';
import { createLocalCa } from './ca.js';
import { flattenRequests, requestArrivals, requestGaps } from './diff.js';
import { differenceFindings, linkFindings, networkFindings, runProblemFindings, type LabelledRun } from './findings.js';
import { contactsOf, linkEgress, predictedHostNames, type EgressLink } from './egress-link.js';
import {
  buildMatrix,
  MAX_PERSONAS,
  certificateNames,
  hostsFile,
  listeningPorts,
  personaEnv,
  personaLabel,
  proxyOf,
  variedDimensions,
  vendorKeys,
  WELL_KNOWN_API_HOSTS,
  type Dimension,
  type Persona,
} from './persona.js';
import { isIpLiteral, isLoopback } from './preload.js';
import type { ProbeReport, RunSummary } from './report.js';
import { runnerPath, runSealed, type RunResult, type SandboxMode } from './sandbox.js';
import { SANDBOX_PATHS, toolMountFor, type RunConfig } from './types.js';

export interface ProbeOptions {
  target: string;
  matrix?: Partial<Record<Dimension, string[]>>;
  timeoutSec: number;
  /** Runs of every persona (at least 2, to learn what varies by itself); the baseline runs once more. */
  repeat: number;
  env: Record<string, string>;
  toolArgs: string[];
  concurrency: number;
  bin?: string;
  staticReport?: Report;
}

export function nonLoopbackAttempts(run: RunResult): number {
  let n = run.kernelSockets.length + (run.outsideConnections?.length ?? 0);
  for (const e of run.netEvents) {
    if (e.kind === 'resolved' && e.address && !isLoopback(e.address)) n++;
    if (e.kind === 'connect' && e.host && isIpLiteral(e.host) && !isLoopback(e.host)) n++;
    if (e.kind === 'udp' && e.address && !isLoopback(e.address)) n++;
  }
  return n;
}

async function pool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

function summarize(label: string, repeat: number, run: RunResult): RunSummary {
  return {
    label,
    repeat,
    exitCode: run.exitCode,
    signal: run.signal,
    timedOut: run.timedOut,
    durationMs: run.durationMs,
    requests: run.requests.map((q) => ({
      method: q.method,
      url: q.url.slice(0, 300),
      ...(q.sni ? { sni: q.sni } : {}),
      ...(q.headers.find(([n]) => n === 'host') ? { host: q.headers.find(([n]) => n === 'host')![1] } : {}),
      status: q.status,
    })),
    dnsQueries: [...new Set(run.dnsQueries.map((q) => `${q.name} ${q.type}`))],
    nonLoopbackAttempts: nonLoopbackAttempts(run),
    leftoverPids: run.leftoverPids,
    interfaces: run.interfaces,
    stdoutTail: run.stdout.slice(-2000),
    stderrTail: run.stderr.slice(-2000),
    ...(run.setupError ? { setupError: run.setupError } : {}),
  };
}

export async function runProbe(opts: ProbeOptions, mode: SandboxMode, log: (s: string) => void): Promise<ProbeReport> {
  const started = Date.now();
  const matrix = buildMatrix(opts.matrix);
  const comparisons = opts.staticReport ? comparisonsFromStatic(opts.staticReport) : [];
  const { personas: added, guided, notRun } = guidedPersonas(comparisons, matrix);
  const personas = [...matrix, ...added];
  if (comparisons.length) log(`probe: the static audit compares ${comparisons.length} value(s) a persona can satisfy; ${added.length} persona(s) added${added.length ? ` (${guided.map((g) => `${g.dim}=${g.value}`).join(', ')})` : ''}`);
  if (notRun.length) log(`probe: ${notRun.length} comparison(s) not run: at most ${MAX_PERSONAS} personas`);
  const dims = variedDimensions(personas);
  const labels = personas.map((p) => personaLabel(p, dims));
  // The destinations the static audit predicted are answered by the mocks too, so their paths are recorded.
  const predicted = opts.staticReport?.egress ? predictedHostNames(opts.staticReport.egress) : [];
  const tool = await prepareTool(opts.target, opts.bin);
  try {
    const ca = await createLocalCa(certificateNames(personas, predicted));
    const ports = listeningPorts(personas);
    const toolMount = toolMountFor(tool.info.name);
    const binInSandbox = path.posix.join(toolMount, tool.bin.split(path.sep).join('/'));
    const keys = vendorKeys();
    const machineId = randomBytes(16).toString('hex');
    // telltale's own installation (where the runner is) is hidden from the tool.
    const hideDirs = [path.resolve(path.dirname(runnerPath()), '../../..')];
    const command = tool.native ? [binInSandbox, ...opts.toolArgs] : [process.execPath, binInSandbox, ...opts.toolArgs];
    const configFor = (p: Persona): RunConfig => ({
      toolDir: tool.dir,
      toolMount,
      ...(tool.binName && /^[\w.-]+$/.test(tool.binName) ? { binLink: { name: tool.binName, target: tool.bin.split(path.sep).join('/') } } : {}),
      hideDirs,
      machineId,
      command,
      env: personaEnv(p, opts.env, keys),
      timeoutMs: opts.timeoutSec * 1000,
      settleMs: 300,
      hostname: p.hostname,
      user: p.user,
      zone: p.tz,
      hostsFile: hostsFile(personas, p, predicted),
      httpsPorts: ports.https,
      httpPorts: ports.http,
      proxyPorts: ports.proxy,
      caPem: ca.caPem,
      certPem: ca.certPem,
      keyPem: ca.keyPem,
      dropPrivileges: mode === 'root',
    });
    const jobs: { index: number; repeat: number }[] = [];
    // Interleaved, so a slow phase of a busy machine does not fall on one persona's runs only.
    for (let r = 0; r <= opts.repeat; r++) for (let i = 0; i < personas.length; i++) if (r < opts.repeat || i === 0) jobs.push({ index: i, repeat: r });
    log(`probe: ${jobs.length} sealed runs of ${tool.info.name ?? opts.target} (${personas.length} personas), ${opts.concurrency} at a time`);
    const hardTimeout = opts.timeoutSec * 1000 + 30_000;
    const results = await pool(jobs, opts.concurrency, async (job) => ({ ...job, run: await runSealed(configFor(personas[job.index]!), mode, hardTimeout) }));

    const baselineRuns = results.filter((r) => r.index === 0);
    if (baselineRuns.every((r) => r.run.setupError)) {
      throw new UserError(`sandbox unavailable: ${baselineRuns[0]!.run.setupError}`);
    }
    const usable = results.filter((r) => !r.run.setupError);
    if (usable.filter((r) => r.index === 0).length < 2) log('probe: fewer than two baseline runs completed; volatile fields are masked by shape only');
    const groups: PersonaRuns[] = personas.map((p, i) => {
      const { runs, cut } = completeRuns(usable.filter((r) => r.index === i).map((r) => ({ ...r, timedOut: r.run.timedOut })));
      const fieldsOf = (r: (typeof runs)[number]) => ({
        fields: flattenRequests(r.run.requests),
        gaps: requestGaps(r.run.requests, r.run.toolStartedAt),
        arrivals: requestArrivals(r.run.requests, r.run.toolStartedAt),
        ...(r.run.toolMs !== undefined ? { durationMs: r.run.toolMs } : {}),
      });
      return { label: labels[i]!, persona: p, runs: runs.map(fieldsOf), cut };
    });
    const { differences, volatile } = analyzeDifferences(groups, { from: started, to: Date.now() }, { timeLimitMs: opts.timeoutSec * 1000 });

    const mapped = new Set(['localhost', ...WELL_KNOWN_API_HOSTS, ...predicted, ...personas.flatMap((p) => [p.host, p.hostname, proxyOf(p)?.hostname ?? ''])].filter(Boolean));
    const labelled: LabelledRun[] = results.map((r) => ({ label: labels[r.index]!, run: r.run }));
    const egressLink: EgressLink | undefined = opts.staticReport?.egress
      ? linkEgress(
          opts.staticReport.egress,
          contactsOf(usable.map((r) => ({ label: labels[r.index]!, persona: personas[r.index]!, requests: r.run.requests, dnsQueries: r.run.dnsQueries, outside: r.run.outsideConnections ?? [] }))),
        )
      : undefined;
    const findings: Finding[] = [
      ...differenceFindings(differences, labels[0]!, opts.staticReport),
      ...networkFindings(labelled, mapped, new Set(egressLink?.unpredicted.map((c) => c.host))),
      ...(egressLink ? linkFindings(egressLink) : []),
      ...runProblemFindings(labelled),
    ];
    const runs = results.map((r) => summarize(labels[r.index]!, r.repeat, r.run));
    return {
      tool: { name: 'telltale', version: TOOL_VERSION },
      target: tool.info,
      sandbox: { mode, home: SANDBOX_PATHS.home, workDir: SANDBOX_PATHS.workDir, toolDir: toolMount },
      command: tool.native ? [binInSandbox, ...opts.toolArgs] : ['node', binInSandbox, ...opts.toolArgs],
      dimensions: dims,
      baseline: labels[0]!,
      personas: personas.map((p, i) => ({ label: labels[i]!, persona: p })),
      guided,
      ...(notRun.length ? { guidedNotRun: notRun.map((c) => `${c.where}: ${c.what}`) } : {}),
      ...(egressLink ? { egressLink } : {}),
      runs,
      differences,
      volatile,
      findings: distinguishFingerprints(sortFindings(findings)),
      stats: {
        ms: Date.now() - started,
        runs: results.length,
        nonLoopbackAttempts: runs.reduce((n, r) => n + r.nonLoopbackAttempts, 0),
        leftoverProcesses: runs.reduce((n, r) => n + r.leftoverPids.length, 0),
        unsealedRuns: results.filter((r) => r.run.setupError).length,
      },
    };
  } finally {
    await tool.dispose();
  }
}

export function defaultConcurrency(): number {
  return Math.max(1, Math.min(4, os.availableParallelism()));
}
