// One JavaScript file through the pipeline: parse → one walk (rules + flow graph) → decode hidden
// data → correlate into findings. A crash in a rule or a parse failure becomes a finding.

import type { Finding } from '../model/finding.js';
import type { FindingKind } from '../model/catalogue.js';
import { noteFinding } from '../model/create-finding.js';
import type { ComparedValues, Inventory } from '../model/report.js';
import { parseFile, type ParseResult } from '../parse/parse.js';
import { HUGE_LIST_KEEP_ELEMENTS, reduceHugeLists, type SkippedList } from '../parse/huge-lists.js';
import { capacityFor, FlowGraph } from '../flow/graph.js';
import { CONTROL_BITS, emptyFacts } from '../flow/facts.js';
import { LineIndex, excerpt } from '../files/lines.js';
import { Walker, type PropertyNames } from '../analyze/walker.js';
import { RULES } from '../analyze/registry.js';
import type { Rule, Visitor } from '../analyze/rule.js';
import { InventoryCollector } from '../analyze/inventory.js';
import { decodeDigests, decodeHidden, decodeInSandbox } from '../mechanisms/decode-hidden.js';
import { budgetedDecoder, type EvalDecoder, type FileDecoderBudget } from '../decode/sandbox.js';
import { correlateFile } from '../mechanisms/correlate.js';
import type { EgressResult } from '../mechanisms/egress.js';
import { inlineRecovered, recoverStringArrays, type Recovery, type RecoveredString, type StringArrayRun } from '../analyze/deobfuscate/string-array.js';
import type { ObfuscationSigns } from '../flow/facts.js';
import type { PackageExports } from '../analyze/package/chunk-exports.js';
import { constantClosure } from '../analyze/deobfuscate/constant-closure.js';
import { undoControlFlowObfuscation, type RewriteCounts } from '../analyze/deobfuscate/proxies.js';
import type { Phase } from './worker-messages.js';

export interface FileResult {
  findings: Finding[];
  /** The file's network calls and detached processes, for the package's egress map. */
  egress: EgressResult;
  inventory: Pick<Inventory, 'hosts' | 'urls' | 'envVars' | 'fingerprintSources'> & { comparisons: ComparedValues[] };
  limits: string[];
  timings: { parseMs: number; walkMs: number; correlateMs: number };
  nodes: number;
}

const NO_EGRESS: EgressResult = Object.freeze({ observations: [], spawns: [] }) as EgressResult;

export interface AnalyzeOptions {
  maxAstDepth: number;
  /** What all sandbox runs for the file may cost (default DEFAULT_FILE_DECODER_BUDGET). */
  decoderBudget?: FileDecoderBudget;
  rules?: readonly Rule[];
  /** Called as each phase starts (parse, analyse, decode, correlate), for a long file's progress. */
  onPhase?: (phase: Phase) => void;
  /** What the other files of the package export that this file may import: `process.env` under a name, opt-out helpers. */
  chunkExports?: PackageExports;
}

/** A note about one file's analysis (parse error, limit hit, failure): info, anchored at `offset` when given. */
export function internalFinding(file: string, kind: FindingKind, title: string, message: string, offset = 0, lines?: LineIndex): Finding {
  return noteFinding(kind, lines ? lines.locate(offset) : { file, offset, line: 1, column: 1 }, title, message);
}

/** A file after parse and walk, before correlation: either a finished result or the state to finish. */
type Prepared = { done: FileResult } | { done?: undefined; state: WalkState };

interface WalkState {
  file: string;
  text: string;
  lines: LineIndex;
  graph: FlowGraph;
  facts: ReturnType<typeof emptyFacts>;
  inventory: InventoryCollector;
  findings: Finding[];
  limits: string[];
  properties: PropertyNames;
  t0: number;
  t1: number;
  t2: number;
  nodes: number;
  /** Strings recovered from a string-array obfuscator, inlined before the walk. */
  recovered?: { strings: RecoveredString[]; runs: StringArrayRun[] };
}

function prepare(file: string, text: string, opts: AnalyzeOptions, t0 = performance.now(), parsed: ParseResult = parseFile(file, text)): Prepared {
  const lines = new LineIndex(file, text);
  const limits: string[] = [];
  const t1 = performance.now();
  const emptyInv = { hosts: [], urls: [], envVars: [], fingerprintSources: [], comparisons: [] };
  if (!parsed.ok) {
    return { done: {
      egress: NO_EGRESS,
      findings: [internalFinding(file, 'parse-error', 'File could not be parsed as JavaScript', `${parsed.message}. The file was not analysed.`, Math.min(parsed.offset, text.length), lines)],
      inventory: emptyInv,
      limits,
      timings: { parseMs: t1 - t0, walkMs: 0, correlateMs: 0 },
      nodes: 0,
    } };
  }

  const graph = new FlowGraph(CONTROL_BITS, capacityFor(text.length));
  const facts = emptyFacts();
  const inventory = new InventoryCollector();
  const failures = new Map<string, string>();
  const rules = opts.rules ?? RULES;
  const base = {
    file,
    text,
    graph,
    facts,
    inventory,
    slice: (s: { start: number; end: number }, max = 160) => excerpt(text, s.start, s.end, max),
  };
  const w = new Walker(base, { maxDepth: opts.maxAstDepth }, opts.chunkExports);
  const visitors: Visitor[] = rules.map((rule) => rule.create(w.makeContext()));
  // A crashing rule is reported with its id and the rest of the file is still analysed.
  w.use(visitors, (i, e, at) => failures.set(rules[i]!.meta.id, `${(e as Error)?.message ?? e} (at offset ${at?.start ?? '?'})`));
  let outcome;
  try {
    outcome = w.run(parsed.ast);
  } catch (e) {
    return { done: {
      egress: NO_EGRESS,
      findings: [internalFinding(file, 'analysis-error', 'Analysis of this file failed', String((e as Error)?.message ?? e).slice(0, 300))],
      inventory: emptyInv,
      limits,
      timings: { parseMs: t1 - t0, walkMs: performance.now() - t1, correlateMs: 0 },
      nodes: 0,
    } };
  }
  const t2 = performance.now();
  if (outcome.depthExceeded) limits.push(`${file}: AST nesting deeper than ${opts.maxAstDepth}; deeper parts were not analysed`);

  const findings: Finding[] = [];
  for (const [ruleId, msg] of failures) findings.push(internalFinding(file, 'rule-error', `Rule ${ruleId} failed on this file`, msg));
  if (outcome.depthExceeded)
    findings.push(internalFinding(file, 'depth-limit', 'AST nesting limit reached', `Nesting deeper than ${opts.maxAstDepth} levels was not analysed.`));

  const properties = w.propertyNodes();
  decodeHidden(facts, limits);
  decodeDigests(facts, inventory.hosts.keys());
  return { state: { file, text, lines, graph, facts, inventory, findings, limits, properties, t0, t1, t2, nodes: outcome.nodes } };
}

function finish(st: WalkState): FileResult {
  const { file, text, lines, graph, facts, inventory, findings, limits, properties, recovered } = st;
  graph.freeze();
  let egress = NO_EGRESS;
  let comparisons: ComparedValues[] = [];
  try {
    const r = correlateFile({ file, text, lines, graph, facts, properties, recovered: recovered?.strings ?? [] });
    findings.push(...r.findings);
    egress = r.egress;
    comparisons = r.comparisons;
  } catch (e) {
    findings.push(internalFinding(file, 'analysis-error', 'Correlation of this file failed', String((e as Error)?.message ?? e).slice(0, 300)));
  }
  const t3 = performance.now();
  const locate = (o: number) => lines.locate(o);
  return {
    findings,
    egress,
    inventory: {
      hosts: inventory.items(inventory.hosts, locate),
      urls: inventory.items(inventory.urls, locate),
      envVars: inventory.items(inventory.envVars, locate),
      fingerprintSources: inventory.items(inventory.fingerprints, locate),
      comparisons,
    },
    limits,
    timings: { parseMs: st.t1 - st.t0, walkMs: st.t2 - st.t1, correlateMs: t3 - st.t2 },
    nodes: st.nodes,
  };
}

/** Static analysis of one file; hidden data is decoded without running anything. */
export function analyzeJs(file: string, original: string, opts: AnalyzeOptions): FileResult {
  const { text, skipped } = reduceHugeLists(original);
  const p = prepare(file, text, opts);
  return reportSkipped(file, text, skipped, p.done ?? finish(p.state));
}

/** The lists whose tails were blanked before parsing (parse/huge-lists.ts), as notes on the file's result. */
function reportSkipped(file: string, text: string, skipped: readonly SkippedList[], r: FileResult): FileResult {
  if (skipped.length === 0) return r;
  const lines = new LineIndex(file, text);
  for (const l of skipped) {
    const msg = `${l.blanked.toLocaleString('en-US')} of the ${l.elements.toLocaleString('en-US')} elements of a list of plain names and numbers (${((l.end - l.start) / 1e6).toFixed(1)} MB) were not analysed; the first ${HUGE_LIST_KEEP_ELEMENTS.toLocaleString('en-US')} and the first occurrence of each name were`;
    r.findings.push(internalFinding(file, 'data-skipped', 'Part of a huge list was not analysed', msg + '.', l.start, lines));
    r.limits.push(`${file}: ${msg}`);
  }
  return r;
}

/**
 * The same, and encoded literals that no static decoding explained but that are passed to a small
 * function of the file are decoded by running that function alone in the injected sandbox.
 */
export async function analyzeJsWithSandbox(file: string, original: string, opts: AnalyzeOptions, sandboxDecoder: EvalDecoder): Promise<FileResult> {
  const { text, skipped } = reduceHugeLists(original);
  return reportSkipped(file, text, skipped, await analyzeText(file, text, opts, sandboxDecoder));
}

async function analyzeText(file: string, text: string, opts: AnalyzeOptions, sandboxDecoder: EvalDecoder): Promise<FileResult> {
  const t0 = performance.now();
  // Every decoder run for this file, string-array recovery included, draws on one budget.
  const evalDecoder = budgetedDecoder(sandboxDecoder, opts.decoderBudget);
  opts.onPhase?.('parse');
  const parsed = parseFile(file, text);
  opts.onPhase?.('analyse');
  let p = prepare(file, text, opts, t0, parsed);
  if (p.done) return p.done;
  const signs = p.state.facts.obfuscation;
  const arrays = showsStringArray(signs);
  if (parsed.ok && (arrays || signs.dispatchOrders > 0)) {
    let recovery: Pick<Recovery, 'strings' | 'runs' | 'limits'> = { strings: [], runs: [], limits: [] };
    if (arrays) {
      try {
        recovery = await recoverStringArrays(parsed.ast, text, evalDecoder);
      } catch (e) {
        // The file is still analysed as written; the failure is reported with it.
        p.state.findings.push(internalFinding(file, 'analysis-error', 'String-array recovery failed on this file', String((e as Error)?.message ?? e).slice(0, 300)));
      }
    }
    const notes = recovery.limits.map((l) => `${file}: ${l}`);
    // Every recovered call site becomes the string literal it returns; then proxies and dispatch
    // loops, whose keys and orders were among those strings, are undone.
    const strings = recovery.strings.length > 0 ? inlineRecovered(recovery as Recovery) : [];
    let rewrites: RewriteCounts | null = null;
    try {
      rewrites = undoControlFlowObfuscation(parsed.ast);
    } catch (e) {
      p.state.findings.push(internalFinding(file, 'analysis-error', 'Control-flow deobfuscation failed on this file', String((e as Error)?.message ?? e).slice(0, 300)));
    }
    if (strings.length > 0 || (rewrites && rewrites.proxies + rewrites.objectKeys + rewrites.dispatchLoops > 0)) {
      // The file again, as if written plainly.
      const again = prepare(file, text, opts, t0, parsed);
      if (again.done) return again.done;
      p = again;
      if (strings.length > 0) p.state.recovered = { strings: withCopies(strings, rewrites?.copied ?? []), runs: recovery.runs };
    }
    p.state.limits.push(...notes);
  }
  opts.onPhase?.('decode');
  const needed = parsed.ok ? constantClosure(parsed.ast, text) : undefined;
  const stopped = await decodeInSandbox(p.state.facts, text, evalDecoder, p.state.limits, needed);
  for (const d of stopped) {
    const more = d.skipped ? ` ${d.skipped} more calls of it were not run.` : '';
    p.state.findings.push(
      internalFinding(file, 'decoder-stopped', `Decoder ${d.fn} was stopped in the sandbox`, `${d.error}. What it would decode is not reported; the rest of the file is.${more}`, d.start, p.state.lines),
    );
  }
  opts.onPhase?.('correlate');
  return finish(p.state);
}

/** A recovered string read through a proxy object is recovered where it is read, too. */
function withCopies(strings: RecoveredString[], copied: RewriteCounts['copied']): RecoveredString[] {
  if (copied.length === 0) return strings;
  const byStart = new Map(strings.map((s) => [s.start, s]));
  const out = [...strings];
  for (const { from, to } of copied) {
    const s = byStart.get(from.start);
    if (s && s.end === from.end) out.push({ ...s, start: to.start, end: to.end });
  }
  return out.sort((a, b) => a.start - b.start);
}

/**
 * A string array plus its rotation, or plus hex-indexed lookups making a good share of the file's
 * calls: worth the recovery step. A large bundle with a few hex arguments somewhere does not qualify.
 */
function showsStringArray(s: ObfuscationSigns): boolean {
  return s.stringArrays > 0 && (s.rotations > 0 || (s.hexCalls >= 3 && s.hexCalls * 10 >= s.calls));
}
