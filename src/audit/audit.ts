// The audit pipeline: acquire a target → files (with executables opened) → analyse every
// JavaScript file → package-level rules → one report. Per-file failures become findings.

import { open } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import type { Finding } from '../model/finding.js';
import { mergeRepeated, sortFindings } from '../model/finding.js';
import { createHash } from 'node:crypto';
import { emptyInventory, type BinaryItem, type Report } from '../model/report.js';
import type { AcquiredTarget, PackageFile } from '../acquire/types.js';
import { DEFAULT_LIMITS, type Limits } from './limits.js';
import { acquireTarget, classifyFile, CLASSIFY_HEAD_BYTES, defaultCacheDir, fetchPackage, loadPacote, pacoteOptions, readPackageJson, type RootManifest } from '../acquire/index.js';
import { checkPlatform, openExecutable, sniffExecutable, findPlatformPackages } from '../acquire/executables/index.js';
import { internalFinding, type FileResult } from './analyze-file.js';
import { isPhase, isReady, type AnalysisRequest, type AnalysisResponse, type Phase } from './worker-messages.js';
import { threadCpuMs } from './thread-cpu.js';
import { ItemMerger } from '../analyze/inventory.js';
import { installScripts } from '../analyze/package/install-scripts.js';
import { ExportScan, type ChunkExports, type PackageExports } from '../analyze/package/chunk-exports.js';
import { posix } from 'node:path';
import { completeness, entryFiles } from './completeness.js';
import { judgeObfuscation } from './obfuscation-judgement.js';
import { TOOL_VERSION } from '../version.js';
import { createFinding } from '../model/create-finding.js';
import { traits } from '../model/traits.js';
import { distinguishFingerprints } from '../model/fingerprint.js';
import type { EgressObservation, EgressSpawn } from '../model/egress.js';
import { buildEgressMap, filesRunBy, sinkKey } from './egress.js';

export interface AuditOptions {
  offline?: boolean;
  cacheDir?: string;
  /** Platform build to follow for stub packages: `linux-x64`, `all`, or undefined for the current platform. */
  platform?: string;
  limits?: Partial<Limits>;
  onProgress?: (msg: string) => void;
  /** With onProgress: files of at least this many characters report each phase (default PHASE_PROGRESS_CHARS). */
  phaseProgressChars?: number;
}

/** A file this large takes long enough that its progress line should say which phase it is in. */
export const PHASE_PROGRESS_CHARS = 1024 * 1024;

async function readHead(file: PackageFile): Promise<Buffer> {
  if (file.diskPath) {
    const fh = await open(file.diskPath, 'r');
    try {
      const buf = Buffer.alloc(Math.min(CLASSIFY_HEAD_BYTES, file.size));
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      return buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  }
  const all = await file.read();
  return all.subarray(0, CLASSIFY_HEAD_BYTES);
}

function binaryType(head: Buffer, path: string): string {
  const fmt = sniffExecutable(head);
  if (fmt) return path.endsWith('.node') ? `node addon (${fmt})` : `${fmt} executable`;
  if (head.subarray(0, 4).equals(Buffer.from([0, 0x61, 0x73, 0x6d]))) return 'wasm';
  return 'binary';
}

/** Nesting limit for the second attempt at a file whose first walk exhausted the stack. */
const RETRY_AST_DEPTH = 400;

function isStackExhausted(f: Finding): boolean {
  return f.ruleId === 'analysis-error' && /call stack/i.test(f.message);
}

/** Stack for the analysis thread: deep enough that nesting is stopped by the depth limit, not by the stack. */
const ANALYSIS_STACK_MB = 64;

/** How a file's time budget was measured: the analysis thread's CPU time, or the wall clock where /proc is missing. */
export type TimeMeasure = 'cpu' | 'wall';

type Analysis = { ok: true; result: FileResult } | { ok: false; reason: 'time'; measure: TimeMeasure; afterMs: number } | { ok: false; reason: 'error'; message: string };

function firstLineOf(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0]!.slice(0, 300);
}

/**
 * A CPU-time budget still ends on the wall clock at this multiple of it (unless the limits set `fileWallMs`): a thread
 * that waits (on its sandbox, or for a share of a very busy machine) is not kept forever.
 */
const WALL_BACKSTOP_FACTOR = 10;
/** How often the thread's CPU time is read, as a fraction of the budget, within these bounds (ms). */
const CPU_POLLS_PER_BUDGET = 10;
const CPU_POLL_MIN_MS = 10;
const CPU_POLL_MAX_MS = 250;

/**
 * Calls `onOver` once the thread behind `statPath` has used `budgetMs` of CPU time from now, or (backstop) once
 * `wallMs` of wall-clock time has passed; with no stat file, once `budgetMs` has passed.
 * Returns the function that stops watching.
 */
function watchBudget(statPath: string | null, budgetMs: number, wallMs: number, onOver: (measure: TimeMeasure, afterMs: number) => void): () => void {
  const base = statPath ? threadCpuMs(statPath) : null;
  if (statPath === null || base === null) {
    const timer = setTimeout(() => onOver('wall', budgetMs), budgetMs);
    return () => clearTimeout(timer);
  }
  const pollMs = Math.min(CPU_POLL_MAX_MS, Math.max(CPU_POLL_MIN_MS, budgetMs / CPU_POLLS_PER_BUDGET));
  const poll = setInterval(() => {
    const now = threadCpuMs(statPath);
    if (now !== null && now - base > budgetMs) onOver('cpu', budgetMs);
  }, pollMs);
  const backstop = setTimeout(() => onOver('wall', wallMs), wallMs);
  return () => {
    clearInterval(poll);
    clearTimeout(backstop);
  };
}

/**
 * Analyses files in one reused worker thread (analysis-worker.ts): it has a deeper stack than the main thread and
 * can be stopped when a file exceeds its time budget; a worker that dies is replaced for the next file.
 */
export class AnalysisHost {
  private worker: Worker | null = null;
  /** @param heapMb the analysis thread's heap limit (limits.ts, `analysisHeapMb`). */
  constructor(private readonly heapMb: number = DEFAULT_LIMITS.analysisHeapMb) {}

  /** Resolves when the current worker has loaded its modules, with its /proc stat file (null: it died first). */
  private ready: Promise<{ statPath: string | null } | null> = Promise.resolve(null);
  private nextId = 1;

  private start(): Worker {
    const w = new Worker(new URL('./analysis-worker.js', import.meta.url), { resourceLimits: { stackSizeMb: ANALYSIS_STACK_MB, maxOldGenerationSizeMb: this.heapMb } });
    this.ready = new Promise((resolve) => {
      const onMessage = (m: unknown): void => {
        if (!isReady(m)) return;
        w.off('message', onMessage);
        resolve({ statPath: m.statPath });
      };
      w.on('message', onMessage);
      w.once('exit', () => resolve(null));
      w.once('error', () => resolve(null));
    });
    return w;
  }

  async analyze(
    file: string,
    text: string,
    maxAstDepth: number,
    timeMs: number,
    wallMs = timeMs * WALL_BACKSTOP_FACTOR,
    onPhase?: (phase: Phase) => void,
    chunkExports?: PackageExports,
  ): Promise<Analysis> {
    let w: Worker;
    try {
      w = this.worker ??= this.start();
    } catch (e) {
      return { ok: false, reason: 'error', message: `cannot start the analysis thread: ${firstLineOf(e)}` };
    }
    // Starting a thread and loading its modules is not the file's work: its budget starts after that.
    const ready = await this.ready;
    if (!ready) {
      this.discard(w);
      return { ok: false, reason: 'error', message: 'the analysis thread could not start' };
    }
    const id = this.nextId++;
    return new Promise<Analysis>((resolve) => {
      let settled = false;
      const finish = (a: Analysis, discard: boolean): void => {
        if (settled) return;
        settled = true;
        stopWatching();
        w.off('message', onMessage);
        w.off('error', onError);
        w.off('exit', onExit);
        if (discard) this.discard(w);
        resolve(a);
      };
      const onMessage = (m: AnalysisResponse | { type: string; id: number }): void => {
        if (m.id !== id) return;
        if (isPhase(m)) {
          onPhase?.(m.phase);
          return;
        }
        if (!('ok' in m)) return;
        finish(m.ok ? { ok: true, result: m.result } : { ok: false, reason: 'error', message: m.error }, false);
      };
      const onError = (e: Error): void => {
        const oom = (e as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';
        finish({ ok: false, reason: 'error', message: oom ? `analysis ran out of memory (the analysis thread's heap limit is ${this.heapMb} MB)` : firstLineOf(e) }, true);
      };
      const onExit = (code: number): void => finish({ ok: false, reason: 'error', message: `the analysis thread stopped (exit code ${code})` }, true);
      w.on('message', onMessage);
      w.on('error', onError);
      w.on('exit', onExit);
      const stopWatching = watchBudget(ready.statPath, timeMs, wallMs, (measure, afterMs) => finish({ ok: false, reason: 'time', measure, afterMs }, true));
      w.postMessage({ id, file, text, maxAstDepth, ...(onPhase ? { phases: true } : {}), ...(chunkExports && Object.keys(chunkExports).length > 0 ? { chunkExports } : {}) } satisfies AnalysisRequest);
    });
  }

  private discard(w: Worker): void {
    if (this.worker === w) this.worker = null;
    void w.terminate();
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}

const decoder = new TextDecoder('utf-8', { fatal: false });
const EXPORT_MARK = Buffer.from('export');

/** Comparisons of fingerprints with region data listed in a report (the first files' first ones). */
const MAX_REPORTED_COMPARISONS = 1000;

export class Auditor {
  readonly findings: Finding[] = [];
  readonly inventory = emptyInventory();
  readonly limitsHit: string[] = [];
  files = 0;
  bytes = 0;
  /** JavaScript files analysed to the end (an identical copy counts as analysed with its original). */
  readonly analysedJs: string[] = [];
  readonly timings = { parseMs: 0, walkMs: 0, correlateMs: 0 };
  private readonly merge = {
    hosts: new ItemMerger(this.inventory.hosts),
    urls: new ItemMerger(this.inventory.urls),
    envVars: new ItemMerger(this.inventory.envVars),
    fingerprintSources: new ItemMerger(this.inventory.fingerprintSources),
  };
  /** Findings of each file analysed, by content hash: an identical file adds its location to them instead. */
  private readonly byContent = new Map<string, Finding[]>();
  readonly egress: { observations: EgressObservation[]; spawns: EgressSpawn[]; installFiles: string[] } = { observations: [], spawns: [], installFiles: [] };

  constructor(
    private readonly limits: Limits,
    private readonly progress: (msg: string) => void,
    private readonly host: AnalysisHost,
    /** Files at least this long report their phases through `progress` (Infinity: none). */
    private readonly phaseFromChars = Infinity,
  ) {}

  /** Per file, what it exports for the other chunks (scanned before any file is analysed). */
  private readonly chunkExports: Record<string, ChunkExports> = {};

  /**
   * Finds the files that export `process.env` under a name or an opt-out helper, so that the files importing one see
   * the environment or the check (analyze/package/chunk-exports.ts). A file that cannot be read or scanned only
   * leaves its own exports unknown.
   */
  private async scanChunkExports(files: readonly PackageFile[], displayOf: (f: PackageFile) => string): Promise<void> {
    const scan = new ExportScan();
    const again: [PackageFile, string][] = [];
    const text = async (f: PackageFile): Promise<string | null> => {
      if (!/\.[cm]?js$/.test(f.path) || f.size === 0 || f.size > this.limits.maxJsFileBytes) return null;
      const buf = await f.read();
      return buf.includes(EXPORT_MARK) ? decoder.decode(buf) : null;
    };
    for (const f of files) {
      try {
        const t = await text(f);
        const display = posix.normalize(displayOf(f));
        if (t !== null && scan.first(display, t)) again.push([f, display]);
      } catch {
        // Unreadable here means unreadable when audited too; the audit of the file reports it.
      }
    }
    // Read again rather than kept from pass one: an executable's modules are tens of MB of text, and decoding one
    // more time costs about a second on the largest seen (3669 modules, 72.8 MB).
    for (const [f, display] of again) {
      try {
        const t = await text(f);
        if (t !== null) scan.second(display, t);
      } catch {
        // As above.
      }
    }
    Object.assign(this.chunkExports, scan.result);
  }

  async auditFiles(files: PackageFile[], prefix = ''): Promise<void> {
    await this.scanChunkExports(files, (f) => prefix + f.path);
    for (let i = 0; i < files.length; i++) {
      const file = files[i]!;
      const display = prefix + file.path;
      try {
        await this.auditFile(file, display, `${i + 1}/${files.length}`);
      } catch (e) {
        this.findings.push(internalFinding(display, 'file-error', 'File could not be audited', String((e as Error)?.message ?? e).split('\n')[0]!.slice(0, 300)));
      }
    }
  }

  private async auditFile(file: PackageFile, display: string, counter: string): Promise<void> {
    if (file.size === 0) return;
    const head = await readHead(file);
    const kind = classifyFile(file.path, head);
    if (kind === 'binary') {
      const item: BinaryItem = { file: display, type: binaryType(head, file.path), bytes: file.size };
      this.inventory.binaries.push(item);
      if (file.diskPath && sniffExecutable(head)) {
        this.progress(`[${counter}] opening executable ${display} (${(file.size / 1e6).toFixed(0)} MB)`);
        const container = await openExecutable({ ...file, diskPath: file.diskPath }).catch((e: Error) => {
          this.findings.push(internalFinding(display, 'container-error', 'Executable could not be opened', e.message.split('\n')[0]!));
          return null;
        });
        if (!container) return;
        if (container.kind !== 'none') item.type = `${container.kind} ${item.type}`;
        if (container.notes.length) item.note = container.notes.join('; ');
        if (container.hiddenFromHeaders !== undefined) {
          const f = createFinding({
            kind: 'hidden-embedded-code',
            traits: traits({ codeHiddenFromContainer: true }),
            identity: [`file=${display}`, `runtime=${container.kind}`],
            title: `Contains embedded ${container.kind} code that its headers hide`,
            message: `${container.modules.length} embedded scripts were found by scanning the file, not through its headers (${container.hiddenFromHeaders}); they are audited below. A runtime that does not consult those headers still runs them.`,
            location: { file: display, offset: 0, line: 1, column: 1 },
          });
          if (f) this.findings.push(f);
        }
        if (container.kind === 'pkg' || container.kind === 'nexe' || container.kind === 'deno') {
          const f = createFinding({
            kind: 'packed-runtime',
            traits: traits({ packedRuntime: true }),
            identity: [`file=${display}`, `runtime=${container.kind}`],
            title: `Contains a packed ${container.kind} runtime that telltale cannot open`,
            message: 'The JavaScript inside this executable was not audited.',
            location: { file: display, offset: 0, line: 1, column: 1 },
          });
          if (f) this.findings.push(f);
        }
        const moduleDisplay = (m: PackageFile): string => (m.path.startsWith(display) ? m.path : `${display}!${m.path.split('!').pop()}`);
        await this.scanChunkExports(container.modules, moduleDisplay);
        for (const m of container.modules) {
          if (!/\.(m|c)?js$|\.jsx?$|\.tsx?$/.test(m.path) && !m.path.endsWith('.js')) {
            const mHead = (await m.read()).subarray(0, CLASSIFY_HEAD_BYTES);
            if (classifyFile(m.path, mHead) !== 'js') continue;
          }
          await this.auditJs(m, moduleDisplay(m), counter);
        }
      }
      return;
    }
    if (kind !== 'js') return;
    await this.auditJs(file, display, counter);
  }

  private async auditJs(file: PackageFile, display: string, counter: string): Promise<void> {
    if (file.size > this.limits.maxJsFileBytes) {
      const msg = `${display}: ${file.size} bytes is over the ${this.limits.maxJsFileBytes}-byte limit for JavaScript files; not analysed`;
      this.limitsHit.push(msg);
      this.findings.push(internalFinding(display, 'size-limit', 'File too large to analyse', msg));
      return;
    }
    this.progress(`[${counter}] ${display} (${(file.size / 1e6).toFixed(1)} MB)`);
    const buf = await file.read();
    this.files++;
    this.bytes += buf.length;
    const hash = createHash('sha256').update(buf).digest('hex');
    const same = this.byContent.get(hash);
    if (same) {
      for (const f of same) (f.alsoAt ??= []).push({ ...f.location, file: display });
      this.analysedJs.push(display);
      return;
    }
    const text = decoder.decode(buf);
    if (text.includes('\uFFFD') && !buf.includes(Buffer.from('\uFFFD', 'utf8'))) {
      this.findings.push(internalFinding(display, 'invalid-utf8', 'File is not valid UTF-8', 'Invalid byte sequences were replaced with U+FFFD before analysis.'));
    }
    const label = `[${counter}] ${display} (${(file.size / 1e6).toFixed(1)} MB)`;
    const onPhase = text.length >= this.phaseFromChars ? (phase: Phase) => this.progress(`${label}: ${phase}`) : undefined;
    let r = await this.analyze(display, text, this.limits.maxAstDepth, onPhase);
    if (!r) return;
    if (r.findings.some(isStackExhausted) && this.limits.maxAstDepth > RETRY_AST_DEPTH) {
      // A long chain (a.b.b.b…, 1+1+1…) can exhaust the stack below the configured depth limit, which would leave
      // the whole file unanalysed: a package could hide a file that way. A shallower walk still sees the rest.
      const again = await this.analyze(display, text, RETRY_AST_DEPTH, onPhase);
      if (!again) return;
      r = again;
      const note = `${display}: the call stack ran out below the ${this.limits.maxAstDepth}-level nesting limit; analysed again with a ${RETRY_AST_DEPTH}-level limit`;
      this.limitsHit.push(note);
      if (!r.findings.some((f) => f.ruleId === 'depth-limit')) this.findings.push(internalFinding(display, 'depth-limit', 'AST nesting limit reached', note));
    }
    this.findings.push(...r.findings);
    this.byContent.set(hash, r.findings);
    this.analysedJs.push(display);
    this.egress.observations.push(...r.egress.observations);
    this.egress.spawns.push(...r.egress.spawns);
    this.limitsHit.push(...r.limits);
    this.merge.hosts.add(r.inventory.hosts);
    this.merge.urls.add(r.inventory.urls);
    this.merge.envVars.add(r.inventory.envVars);
    this.merge.fingerprintSources.add(r.inventory.fingerprintSources);
    const compared = (this.inventory.comparisons ??= []);
    const room = MAX_REPORTED_COMPARISONS - compared.length;
    if (r.inventory.comparisons.length > room && room > 0) this.limitsHit.push(`more than ${MAX_REPORTED_COMPARISONS} comparisons of fingerprints with region data; the inventory lists the first ${MAX_REPORTED_COMPARISONS}`);
    compared.push(...r.inventory.comparisons.slice(0, Math.max(0, room)));
    this.timings.parseMs += r.timings.parseMs;
    this.timings.walkMs += r.timings.walkMs;
    this.timings.correlateMs += r.timings.correlateMs;
  }

  /** One file's analysis, or null when it failed or ran out of time (reported as a finding; the audit goes on). */
  private async analyze(display: string, text: string, maxAstDepth: number, onPhase?: (phase: Phase) => void): Promise<FileResult | null> {
    const a = await this.host.analyze(display, text, maxAstDepth, this.limits.fileTimeMs, this.limits.fileWallMs, onPhase, this.chunkExports);
    if (a.ok) return a.result;
    if (a.reason === 'time') {
      const how = a.measure === 'cpu' ? `after ${a.afterMs} ms of CPU time` : `after ${a.afterMs} ms of wall-clock time`;
      const msg = `${display}: analysis stopped ${how}; the per-file time limit is ${this.limits.fileTimeMs} ms of CPU time; nothing from this file is reported`;
      this.limitsHit.push(msg);
      this.findings.push(internalFinding(display, 'time-limit', 'Analysis of this file ran out of time', msg));
    } else {
      this.findings.push(internalFinding(display, 'analysis-error', 'Analysis of this file failed', a.message));
    }
    return null;
  }

  /** Files the audited package(s) run: their entry points, bins and install scripts' files. */
  readonly entries = new Set<string>();

  packageRules(manifest: RootManifest | undefined, prefix = ''): void {
    for (const e of entryFiles(manifest, prefix)) this.entries.add(e);
    if (!manifest) return;
    const { findings, scripts } = installScripts(manifest, prefix + 'package.json');
    this.findings.push(...findings);
    this.inventory.installScripts.push(...scripts);
    for (const s of scripts) if (s.name !== 'prepare') this.egress.installFiles.push(...filesRunBy(s.command).map((f) => prefix + f));
  }
}

export async function audit(spec: string, opts: AuditOptions = {}): Promise<Report> {
  const started = performance.now();
  const limits: Limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const progress = opts.onProgress ?? (() => {});
  await checkPlatform(opts.platform);
  const target: AcquiredTarget = await acquireTarget(spec, { offline: opts.offline, cacheDir: opts.cacheDir, limits, onProgress: progress });
  const host = new AnalysisHost(limits.analysisHeapMb);
  const auditor = new Auditor(limits, progress, host, opts.onProgress ? (opts.phaseProgressChars ?? PHASE_PROGRESS_CHARS) : Infinity);
  try {
    for (const p of target.problems) auditor.findings.push(internalFinding(p.file, 'acquire-problem', 'Entry skipped while reading the package', p.message));
    const manifest = await readPackageJson(target);
    auditor.packageRules(manifest);
    await auditor.auditFiles(target.files);
    if (manifest && target.info.kind === 'registry') await followPlatformPackages(manifest, opts, limits, auditor, progress);
  } finally {
    await host.close();
    await target.dispose();
  }
  const egress = buildEgressMap({ ...auditor.egress, packageName: target.info.name });
  // Egress findings replace fingerprint-sent for the same network calls: one behaviour, one finding.
  const judged = judgeObfuscation(auditor.findings, auditor.analysedJs, auditor.entries);
  const done = completeness(judged, auditor.entries);
  const findings = [...judged, ...done.findings].filter((f) => !(f.ruleId === 'fingerprint-sent' && f.related.some((e) => e.role === 'sink' && egress.replacedSinks.has(sinkKey(e)))));
  return {
    tool: { name: 'telltale', version: TOOL_VERSION },
    target: target.info,
    findings: finishFindings([...findings, ...egress.findings]),
    inventory: auditor.inventory,
    egress: egress.destinations,
    stats: { files: auditor.files, bytes: auditor.bytes, ms: Math.round(performance.now() - started), limits: auditor.limitsHit, unanalysed: done.unanalysed },
  };
}

/** Report order, and findings about the same thing told apart. */
function finishFindings(findings: Finding[]): Finding[] {
  return distinguishFingerprints(mergeRepeated(sortFindings(findings)));
}

/** A stub whose real code ships in per-platform optional dependencies: audit the platform build(s). */
async function followPlatformPackages(manifest: RootManifest, opts: AuditOptions, limits: Limits, auditor: Auditor, progress: (m: string) => void): Promise<void> {
  if (!manifest.optionalDependencies || Object.keys(manifest.optionalDependencies).length === 0) return;
  const cacheDir = opts.cacheDir ?? defaultCacheDir();
  // The same cache and registry fetchPackage uses, so --cache, --offline and TELLTALE_CACHE hold for manifests too.
  const pacoteOpts = pacoteOptions({ cacheDir, offline: opts.offline });
  const fetchManifest = async (s: string) => {
    const m = await (await loadPacote()).manifest(s, pacoteOpts);
    return { name: m.name, version: m.version, os: (m as { os?: string[] }).os, cpu: (m as { cpu?: string[] }).cpu, libc: (m as { libc?: string[] }).libc };
  };
  const platforms = await findPlatformPackages(manifest, opts.platform, fetchManifest);
  for (const p of platforms) {
    progress(`following platform package ${p.spec}`);
    const prefix = `node_modules/${p.name}/`;
    let fetched;
    try {
      fetched = await fetchPackage(p.spec, { offline: opts.offline, cacheDir, limits, onProgress: progress });
    } catch (e) {
      // The stub itself was audited; a platform build that cannot be fetched is noted, not fatal.
      auditor.findings.push(internalFinding(prefix + 'package.json', 'acquire-problem', 'Platform package could not be fetched', `${p.spec}: ${String((e as Error)?.message ?? e).split('\n')[0]}`));
      continue;
    }
    try {
      for (const pr of fetched.problems) auditor.findings.push(internalFinding(prefix + pr.file, 'acquire-problem', 'Entry skipped while reading the package', pr.message));
      const target = await acquireTarget(fetched.dir, { limits });
      try {
        for (const pr of target.problems) auditor.findings.push(internalFinding(prefix + pr.file, 'acquire-problem', 'Entry skipped while reading the package', pr.message));
        auditor.packageRules(await readPackageJson(target), prefix);
        await auditor.auditFiles(target.files, prefix);
      } finally {
        await target.dispose();
      }
    } finally {
      await fetched.dispose();
    }
  }
}
