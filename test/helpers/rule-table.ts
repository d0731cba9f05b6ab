// Valid/invalid tables for AST rules, in the spirit of ESLint's RuleTester: each case names what the
// rule must record (or that it records nothing), and duplicate cases are rejected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Rule } from '../../src/analyze/rule.js';
import type { Facts } from '../../src/flow/facts.js';
import type { InventoryCollector } from '../../src/analyze/inventory.js';
import { factsFor } from './analyze.js';

export interface Observed {
  facts: Facts;
  inventory: InventoryCollector;
}

/** Summarises what a rule recorded as short strings, e.g. `source timezone @12`, `sink network fetch`. */
export type Summarise = (o: Observed, code: string) => string[];

export interface Table {
  rule: Rule;
  summarise: Summarise;
  valid: string[];
  invalid: { code: string; expect: string[] }[];
}

export function ruleTable(t: Table): void {
  const seen = new Set<string>();
  for (const code of [...t.valid, ...t.invalid.map((c) => c.code)]) {
    assert.ok(!seen.has(code), `duplicate case in ${t.rule.meta.id}: ${code}`);
    seen.add(code);
  }
  for (const code of t.valid) {
    test(`${t.rule.meta.id} valid: ${code.slice(0, 70)}`, () => {
      assert.deepEqual(t.summarise(factsFor(code, [t.rule]), code), []);
    });
  }
  for (const c of t.invalid) {
    test(`${t.rule.meta.id} invalid: ${c.code.slice(0, 70)}`, () => {
      assert.deepEqual(t.summarise(factsFor(c.code, [t.rule]), c.code), c.expect);
    });
  }
}

export const sources: Summarise = (o, code) => o.facts.sources.map((s) => `${s.kind} ${code.slice(s.start, s.end)}`);
export const sinks: Summarise = (o, code) => o.facts.sinks.map((s) => `${s.kind} ${s.detail} ${code.slice(s.start, s.start + 12)}`);
