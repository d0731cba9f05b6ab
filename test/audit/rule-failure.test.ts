// A rule that throws is reported as a rule-error finding with its id and where it failed; it is not called
// again for the file, and every other rule still sees the whole file.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeJs } from '../../src/audit/analyze-file.js';
import { defineRule, type Rule } from '../../src/analyze/rule.js';

function rules(): { boom: Rule; counter: Rule; seen: { boom: string[]; counter: string[] } } {
  const seen = { boom: [] as string[], counter: [] as string[] };
  const meta = (id: string) => ({ id, category: 'hidden-data' as const, description: id, docs: id });
  const boom = defineRule({
    meta: meta('boom'),
    create: () => ({
      Literal(node) {
        seen.boom.push(String(node.value));
        if (node.value === 'bad') throw new Error('cannot read this literal');
      },
      ProgramExit(exit) {
        seen.boom.push(`exit with ${Array.isArray(exit.tests) ? 'tests' : 'nothing'}`);
      },
    }),
  });
  const counter = defineRule({
    meta: meta('counter'),
    create: () => ({
      Literal(node) {
        seen.counter.push(String(node.value));
      },
    }),
  });
  return { boom, counter, seen };
}

describe('a rule that throws', () => {
  it('becomes one rule-error finding at the offset it failed, and only that rule stops', () => {
    const { boom, counter, seen } = rules();
    const src = "f('ok');\ng('bad');\nh('later');\n";
    const r = analyzeJs('x.js', src, { maxAstDepth: 100, rules: [boom, counter] });
    const errors = r.findings.filter((f) => f.ruleId === 'rule-error');
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.title, /boom/);
    assert.match(errors[0]!.message, new RegExp(`cannot read this literal \\(at offset ${src.indexOf("'bad'")}\\)`));
    assert.deepEqual(seen.boom, ['ok', 'bad']);
    assert.deepEqual(seen.counter, ['ok', 'bad', 'later']);
  });

  it('a file where it does not throw has no rule-error, and every hook of it runs', () => {
    const { boom, counter, seen } = rules();
    const r = analyzeJs('x.js', "f('ok');\n", { maxAstDepth: 100, rules: [boom, counter] });
    assert.equal(r.findings.filter((f) => f.ruleId === 'rule-error').length, 0);
    assert.deepEqual(seen.boom, ['ok', 'exit with tests']);
  });
});
