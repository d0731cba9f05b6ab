import { analyzeJs, type FileResult } from '../../src/audit/analyze-file.js';
import { FlowGraph } from '../../src/flow/graph.js';
import { CONTROL_BITS, emptyFacts, type Facts } from '../../src/flow/facts.js';
import { Walker } from '../../src/analyze/walker.js';
import { InventoryCollector } from '../../src/analyze/inventory.js';
import { parseJs } from '../../src/parse/parse.js';
import type { Rule } from '../../src/analyze/rule.js';
import { sortFindings, type Finding } from '../../src/model/finding.js';

/** Runs the walk with the given rules and returns the facts they recorded. */
export function factsFor(code: string, rules: Rule[]): { facts: Facts; inventory: InventoryCollector; graph: FlowGraph } {
  const parsed = parseJs(code);
  if (!parsed.ok) throw new Error('fixture does not parse: ' + parsed.message);
  const graph = new FlowGraph(CONTROL_BITS);
  const facts = emptyFacts();
  const inventory = new InventoryCollector();
  const w = new Walker(
    { file: 'test.js', text: code, graph, facts, inventory, slice: (s) => code.slice(s.start, s.end) },
    { maxDepth: 2000 },
  );
  w.use(rules.map((r) => r.create(w.makeContext())));
  w.run(parsed.ast);
  return { facts, inventory, graph };
}

export function analyze(code: string, file = 'test.js'): FileResult {
  return analyzeJs(file, code, { maxAstDepth: 2000 });
}

/** Findings that matter (info and internal findings left out). */
export function significant(code: string): Finding[] {
  return sortFindings(analyze(code).findings.filter((f) => f.severity !== 'info'));
}

/** base64 of `text` with every byte XOR-ed with `key`. */
export function xorBase64(text: string, key: number): string {
  return Buffer.from(Buffer.from(text, 'utf8').map((b) => b ^ key)).toString('base64');
}

/** 1-based line and column of the first occurrence of `needle` in `code`. */
export function lineColOf(code: string, needle: string): { line: number; column: number } {
  const i = code.indexOf(needle);
  if (i < 0) throw new Error('needle not in fixture: ' + needle);
  const before = code.slice(0, i).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}
