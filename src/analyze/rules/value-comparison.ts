import { defineRule } from '../rule.js';
import { calleeName } from '../ast.js';
import type { AnyNode, RuleContext } from '../rule.js';
import { countriesAtOffset, formatOffset, isCountryCode } from '../../data/region.js';

/**
 * Constants that are region data only in a comparison: a UTC offset in minutes (what
 * getTimezoneOffset returns; 0 and small counts are left out) and an upper-case ISO country code.
 * They are seeded into the compared value so the mechanisms stage can match them with a time-zone or
 * locale source; compared with anything else they mean nothing.
 */
function comparedConstant(ctx: RuleContext, side: AnyNode): number[] {
  if (side.type === 'UnaryExpression' && side.operator === '-' && side.argument.type === 'Literal' && typeof side.argument.value === 'number') {
    return offsetData(ctx, side, -side.argument.value);
  }
  if (side.type !== 'Literal') return [];
  if (typeof side.value === 'number') return offsetData(ctx, side, side.value);
  if (typeof side.value === 'string' && /^[A-Z]{2}$/.test(side.value) && isCountryCode(side.value)) {
    const n = ctx.graph.node(side.start);
    ctx.facts.data.push({ kind: 'region', regionKind: 'country-code', node: n, start: side.start, end: side.end, text: side.value, countries: [side.value] });
    return [n];
  }
  return [];
}

function offsetData(ctx: RuleContext, side: AnyNode, minutesWest: number): number[] {
  if (!Number.isInteger(minutesWest) || minutesWest === 0 || minutesWest % 30 !== 0 || minutesWest < -840 || minutesWest > 720) return [];
  const east = -minutesWest;
  const countries = countriesAtOffset(east);
  if (countries.length === 0) return [];
  const n = ctx.graph.node(side.start);
  ctx.facts.data.push({ kind: 'region', regionKind: 'utc-offset', node: n, start: side.start, end: side.end, text: `${minutesWest} (${formatOffset(east)})`, countries });
  return [n];
}

const EQUALITY = new Set(['===', '==', '!==', '!=']);
const MEMBERSHIP = new Set(['includes', 'endsWith', 'startsWith', 'indexOf', 'lastIndexOf', 'has', 'test', 'match', 'localeCompare', 'search']);

export default defineRule({
  meta: {
    id: 'value-comparison',
    category: 'region-targeting',
    description: 'Comparisons and membership tests, the places where a fingerprint can be matched against region data.',
    docs:
      'Records equality tests (`===`, `==`, `!==`, `!=`) and membership tests (`includes`, `endsWith`, `startsWith`, ' +
      '`indexOf`, `has`, `test`, `match`) with the values on both sides. After taint propagation, a comparison with a ' +
      'fingerprint source on one side and region data or decoded hidden data on the other is region targeting.',
  },
  create(ctx) {
    return {
      BinaryExpression(node, ev) {
        if (!EQUALITY.has(node.operator)) return;
        let left = ev.left;
        let right = ev.right;
        if (left.length === 0 && right.length > 0) left = comparedConstant(ctx, node.left);
        else if (right.length === 0 && left.length > 0) right = comparedConstant(ctx, node.right);
        if (left.length === 0 && right.length === 0) return;
        ctx.facts.compares.push({ op: node.operator, left, right, node: ev.asNode(), start: node.start, end: node.end });
      },
      CallExpression(node, ev) {
        const name = calleeName(node);
        if (name === null || !MEMBERSHIP.has(name) || ev.args.length === 0) return;
        const right = ctx.graph.joinAll(ev.args);
        if (ev.receiver.length === 0 && right.length === 0) return;
        ctx.facts.compares.push({ op: name, left: ev.receiver, right, node: ev.asNode(), start: node.start, end: node.end });
      },
    };
  },
});
