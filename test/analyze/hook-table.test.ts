// Dispatch by node shape: a hook with an interest is called for the nodes it declared (and only those), in the
// rules' order, and a rule that throws inside a filtered hook is still caught and dropped.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defineRule, oneOf, type Interest, type Rule } from '../../src/analyze/rule.js';
import { analyzeJs } from '../../src/audit/analyze-file.js';
import { factsFor } from '../helpers/analyze.js';

const meta = (id: string) => ({ id, category: 'hidden-data' as const, description: id, docs: id });

/** A rule that logs, as `hook text`, every node its hooks are called for. */
function recorder(id: string, only: Interest | undefined, log: string[]): Rule {
  return defineRule({
    meta: meta(id),
    create: (ctx) => {
      const at = (hook: string, n: { start: number; end: number }) => log.push(`${id} ${hook} ${ctx.text.slice(n.start, n.end)}`);
      return {
        only,
        Literal: (n) => at('Literal', n),
        CallExpression: (n) => at('CallExpression', n),
        NewExpression: (n) => at('NewExpression', n),
        MemberExpression: (n) => at('MemberExpression', n),
        BinaryExpression: (n) => at('BinaryExpression', n),
      };
    },
  });
}

function seen(code: string, only: Interest | undefined, hook: string): string[] {
  const log: string[] = [];
  factsFor(code, [recorder('r', only, log)]);
  return log.filter((l) => l.startsWith(`r ${hook} `)).map((l) => l.slice(`r ${hook} `.length));
}

describe('hooks dispatched by node shape', () => {
  const CASES: { what: string; code: string; only: Interest; hook: string; expect: string[] }[] = [
    {
      what: 'string literals by length (bounds inclusive), numbers and regular expressions apart',
      code: `f("ab", "abc", "abcde", "abcdef", 7, /x|y/, true, null, 9n);`,
      only: { Literal: { strings: { min: 3, max: 5 } } },
      hook: 'Literal',
      expect: ['"abc"', '"abcde"'],
    },
    {
      what: 'numbers and regular expressions when asked for',
      code: `f("ab", 7, /x|y/, true);`,
      only: { Literal: { numbers: true, regex: true } },
      hook: 'Literal',
      expect: ['7', '/x|y/'],
    },
    {
      what: 'a string longer than the per-length table',
      code: `f("${'a'.repeat(5000)}", "${'b'.repeat(10)}");`,
      only: { Literal: { strings: { min: 4096 } } },
      hook: 'Literal',
      expect: [`"${'a'.repeat(5000)}"`],
    },
    {
      what: 'calls by the callee name, method or plain function, computed with a constant name too',
      code: `a.push(1); push(2); a["push"](3); a.pop(); a[k](4); (0, a.push)(5);`,
      only: { CallExpression: { names: oneOf(['push']) } },
      hook: 'CallExpression',
      expect: ['a.push(1)', 'push(2)', 'a["push"](3)'],
    },
    {
      what: 'every call of a plain identifier, and named methods',
      code: `g(1); h(); a.push(1); a.pop(); a[k]();`,
      only: { CallExpression: { plainCallees: true, names: (n) => n === 'pop' } },
      hook: 'CallExpression',
      expect: ['g(1)', 'h()', 'a.pop()'],
    },
    {
      what: '`new` by its constructor name',
      code: `new WebSocket(u); new Map(); new ns.WebSocket(u);`,
      only: { NewExpression: { names: (n) => n === 'WebSocket' } },
      hook: 'NewExpression',
      expect: ['new WebSocket(u)', 'new ns.WebSocket(u)'],
    },
    {
      what: 'member reads by property name, by object name, and every computed read',
      code: `x = a.stack; y = process.env.HOME; z = process.env[k]; w = b.c; v = t[i]; u = t["c"];`,
      only: { MemberExpression: { names: (n) => n === 'stack', objects: ['env'], computed: true } },
      hook: 'MemberExpression',
      expect: ['a.stack', 'process.env.HOME', 'process.env[k]', 't[i]', 't["c"]'],
    },
    {
      what: 'binary expressions by operator',
      code: `p = a === b; q = a + b; r = a ^ 3; s = a == b;`,
      only: { BinaryExpression: { operators: ['===', '^'] } },
      hook: 'BinaryExpression',
      expect: ['a === b', 'a ^ 3'],
    },
  ];
  for (const c of CASES) {
    it(c.what, () => {
      assert.deepEqual(seen(c.code, c.only, c.hook), c.expect);
    });
  }

  it('a hook without an interest sees every node of its type', () => {
    assert.deepEqual(seen(`f("a", 1, /x/, true);`, { CallExpression: { names: () => false } }, 'Literal'), ['"a"', '1', '/x/', 'true']);
  });

  it('rules are called in their order whatever their interests', () => {
    const log: string[] = [];
    factsFor(`f("abcdef");`, [
      recorder('one', { Literal: { strings: { min: 6 } } }, log),
      recorder('two', undefined, log),
      recorder('three', { Literal: { strings: { max: 6 } } }, log),
    ]);
    assert.deepEqual(
      log.filter((l) => l.includes(' Literal ')),
      ['one Literal "abcdef"', 'two Literal "abcdef"', 'three Literal "abcdef"'],
    );
  });

  it('a rule that throws in a filtered hook is reported and dropped; the others go on', () => {
    const log: string[] = [];
    const boom = defineRule({
      meta: meta('boom'),
      create: () => ({
        only: { CallExpression: { names: (n) => n === 'bad' } },
        CallExpression() {
          log.push('boom');
          throw new Error('no');
        },
      }),
    });
    const src = `ok(); bad(); bad(); later();`;
    const r = analyzeJs('x.js', src, { maxAstDepth: 100, rules: [boom, recorder('after', { CallExpression: { plainCallees: true } }, log)] });
    assert.deepEqual(r.findings.filter((f) => f.ruleId === 'rule-error').map((f) => f.title), ['Rule boom failed on this file']);
    assert.deepEqual(log, ['after CallExpression ok()', 'boom', 'after CallExpression bad()', 'after CallExpression bad()', 'after CallExpression later()']);
  });
});
