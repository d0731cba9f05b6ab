import { defineRule } from '../rule.js';
import { calleeName } from '../ast.js';

const EQUALITY = new Set(['===', '==', '!==', '!=']);
const MEMBERSHIP = new Set(['includes', 'endsWith', 'startsWith', 'indexOf', 'lastIndexOf', 'has', 'test', 'match', 'localeCompare', 'search']);

export default defineRule({
  meta: {
    id: 'value-comparison',
    category: 'region-targeting',
    severity: 'info',
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
        if (ev.left.length === 0 && ev.right.length === 0) return;
        ctx.facts.compares.push({ op: node.operator, left: ev.left, right: ev.right, node: ev.asNode(), start: node.start, end: node.end });
      },
      CallExpression(node, ev) {
        const name = calleeName(node);
        if (name === null || !MEMBERSHIP.has(name) || ev.args.length === 0) return;
        const right = ev.args.length === 1 ? ev.args[0]! : ev.args.reduce((a, b) => ctx.graph.join(a, b));
        if (ev.receiver.length === 0 && right.length === 0) return;
        ctx.facts.compares.push({ op: name, left: ev.receiver, right, node: ev.asNode(), start: node.start, end: node.end });
      },
    };
  },
});
