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
      const seen = factsFor(code, [t.rule]);
      assert.deepEqual(t.summarise(seen, code), []);
      sameWithoutInterest(t.rule, code, seen);
    });
  }
  for (const c of t.invalid) {
    test(`${t.rule.meta.id} invalid: ${c.code.slice(0, 70)}`, () => {
      const seen = factsFor(c.code, [t.rule]);
      assert.deepEqual(t.summarise(seen, c.code), c.expect);
      sameWithoutInterest(t.rule, c.code, seen);
    });
  }
}

/** The rule with its hooks called for every node, whatever interest it declares. */
export function withoutInterest(rule: Rule): Rule {
  return {
    meta: rule.meta,
    create(ctx) {
      const { only: _only, ...hooks } = rule.create(ctx);
      return hooks;
    },
  };
}

/**
 * A rule's interest (rule.ts `Interest`) only spares calls that record nothing: called for every node, the rule
 * records exactly the same facts and inventory. Checked on every case of every table.
 */
function sameWithoutInterest(rule: Rule, code: string, seen: Observed): void {
  const all = factsFor(code, [withoutInterest(rule)]);
  assert.deepEqual(seen.facts, all.facts, `${rule.meta.id}: its interest skipped a node it records facts for`);
  assert.deepEqual(seen.inventory, all.inventory, `${rule.meta.id}: its interest skipped a node it records inventory for`);
}

export const sources: Summarise = (o, code) => o.facts.sources.map((s) => `${s.kind} ${code.slice(s.start, s.end)}`);
export const sinks: Summarise = (o, code) => o.facts.sinks.map((s) => `${s.kind} ${s.detail} ${code.slice(s.start, s.start + 12)}`);
