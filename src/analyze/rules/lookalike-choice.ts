import { defineRule, type AnyNode, type RuleContext } from '../rule.js';
import { constString, span } from '../ast.js';
import { lookalikeGroup, describeCodePoint, invisibleChars } from '../../data/unicode.js';
import type { ChoiceKind } from '../../flow/facts.js';
import type { Val } from '../../flow/graph.js';

/** Constant strings at the leaves of a (nested) conditional, or null if any leaf is not constant. */
function conditionalLeaves(node: AnyNode, out: string[], depth = 0): boolean {
  if (depth > 16) return false;
  if (node.type === 'ConditionalExpression') {
    return conditionalLeaves(node.consequent, out, depth + 1) && conditionalLeaves(node.alternate, out, depth + 1);
  }
  const s = constString(node);
  if (s === null) return false;
  return out.includes(s) || out.push(s) <= MAX_ALTERNATIVES;
}

/** Describes how alike strings differ, e.g. `U+0061 LATIN SMALL LETTER A / U+0430 CYRILLIC SMALL LETTER A`. */
export function describeAlternatives(alts: string[]): string {
  const first = alts[0] ?? '';
  const parts: string[] = [];
  for (const a of alts) {
    if (a === first && parts.length > 0) continue;
    const diff = [...a].filter((ch, i) => ch !== [...first][i] || a.length !== first.length);
    const cps = (diff.length > 0 && diff.length <= 3 ? diff : [...a].slice(0, 3)).map((c) => describeCodePoint(c.codePointAt(0)!));
    parts.push(cps.join(' + ') || '(empty)');
  }
  return parts.join(' / ');
}

/** More distinct strings than this are a table of text, not a choice between variants of one. */
const MAX_ALTERNATIVES = 32;

function classify(alts: string[]): ChoiceKind | null {
  if (alts.length < 2 || alts.length > MAX_ALTERNATIVES) return null;
  if (alts.some((a) => a.length > 200)) return null;
  const g = lookalikeGroup(alts);
  if (!g.alike) return null;
  const stripped = alts.map((a) => {
    let out = '';
    let last = 0;
    for (const c of invisibleChars(a)) {
      out += a.slice(last, c.index);
      last = c.index + (c.cp > 0xffff ? 2 : 1);
    }
    return out + a.slice(last);
  });
  return stripped.every((s) => s === stripped[0]) ? 'invisible' : 'lookalike';
}

function record(ctx: RuleContext, alts: string[], cond: Val, node: number, at: AnyNode | { start: number; end: number }): void {
  const kind = classify(alts);
  if (!kind) return;
  ctx.facts.choices.push({
    kind,
    alternatives: alts,
    cond,
    node,
    start: at.start,
    end: at.end,
    describe: describeAlternatives(alts),
  });
}

export default defineRule({
  meta: {
    id: 'lookalike-choice',
    category: 'covert-channel',
    description: 'A choice between strings that render alike (homoglyphs) or differ only by invisible characters.',
    docs:
      'A typographic apostrophe in UI text is normal; code that *chooses* between an ASCII apostrophe and its ' +
      'look-alikes (or adds a zero-width character) depending on a condition is a way to encode a bit of ' +
      'information that a human reader of the output cannot see. Recognised shapes: a conditional whose branches ' +
      'are look-alike constants, a function whose returns are look-alike constants selected by `if` tests, and an ' +
      'array or object of look-alike constants indexed by a computed key. Look-alikes come from Unicode ' +
      'confusables data; invisible characters from the Default_Ignorable property. Whether the choice depends on ' +
      'the environment and reaches the network is decided by the mechanisms stage.',
  },
  create(ctx) {
    // Bindings initialised with a table of look-alike constants (`const Q = ["a", "\u0430"]`).
    const tables = new Map<number, string[]>();
    const tableAlternatives = (obj: AnyNode): string[] | null => {
      const alts: string[] = [];
      if (obj.type === 'ArrayExpression') {
        for (const e of obj.elements) {
          const s = e ? constString(e) : null;
          if (s === null) return null;
          if (alts.includes(s)) continue;
          // Past the limit the table cannot be a choice: stop before comparing every string with every other.
          if (alts.push(s) > MAX_ALTERNATIVES) return null;
        }
      } else if (obj.type === 'ObjectExpression') {
        for (const p of obj.properties) {
          const s = p.type === 'Property' ? constString(p.value) : null;
          if (s === null) return null;
          if (alts.includes(s)) continue;
          if (alts.push(s) > MAX_ALTERNATIVES) return null;
        }
      } else return null;
      return alts.length >= 2 && classify(alts) ? alts : null;
    };
    return {
      only: { MemberExpression: { computed: true } },
      VariableDeclarator(node, ev) {
        if (ev.binding === null || !node.init) return;
        const alts = tableAlternatives(node.init);
        if (alts) tables.set(ctx.graph.find(ev.binding), alts);
      },
      ConditionalExpression(node, ev) {
        const leaves: string[] = [];
        if (!conditionalLeaves(node, leaves) || leaves.length < 2) return;
        record(ctx, leaves, ev.test, ev.asNode(), span(node));
      },
      FunctionExit(_node, exit) {
        if (!exit.constReturns || exit.constReturns.length < 2) return;
        record(ctx, exit.constReturns, exit.tests, exit.ret, exit.span);
      },
      MemberExpression(node, ev) {
        if (!node.computed) return;
        const obj = node.object;
        let alts: string[] | null;
        if (obj.type === 'Identifier') {
          const table = ev.object.length === 1 ? tables.get(ctx.graph.find(ev.object[0]!)) : undefined;
          alts = table ?? null;
        } else alts = tableAlternatives(obj);
        if (!alts) return;
        record(ctx, alts, ev.value, ev.asNode(), span(node));
      },

    };
  },
});
