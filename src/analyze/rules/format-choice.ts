import { defineRule, type AnyNode } from '../rule.js';
import { calleeName, calleeObject, constString, unwrapChain } from '../ast.js';
import { formatVariantOf } from '../../data/unicode.js';

/** For `x.replace(/-/g, "/")` (or replaceAll with strings): the single-character substitution. */
function singleCharSubstitution(node: AnyNode): { from: string; to: string; subject: AnyNode } | null {
  node = unwrapChain(node);
  if (node.type !== 'CallExpression') return null;
  const name = calleeName(node);
  if (name !== 'replace' && name !== 'replaceAll') return null;
  const subject = calleeObject(node);
  if (!subject || node.arguments.length !== 2) return null;
  const [pattern, replacement] = node.arguments;
  const to = constString(replacement);
  if (to === null || [...to].length !== 1) return null;
  let from: string | null = null;
  if (pattern.type === 'Literal' && pattern.regex) {
    const src: string = pattern.regex.pattern;
    if (src.length === 1 && !/[.*+?^$()[\]{}|\\]/.test(src)) from = src;
    else if (src.length === 2 && src[0] === '\\' && /[^\w\s]/.test(src[1]!)) from = src[1]!;
  } else {
    from = constString(pattern);
  }
  if (from === null || [...from].length !== 1 || from === to) return null;
  return { from, to, subject };
}

export default defineRule({
  meta: {
    id: 'format-choice',
    category: 'covert-channel',
    description: 'A choice between two formats of the same value that differ by one substituted character (e.g. a date separator).',
    docs:
      'Recognises `cond ? x.replace(/-/g, "/") : x` (either order) and `cond ? "-" : "/"`-style choices between ' +
      'constant format variants. Such a change is easy to overlook in text sent to a server, so when the condition ' +
      'comes from region targeting, the mechanisms stage treats it as part of a covert channel.',
  },
  create(ctx) {
    const text = ctx.text;
    return {
      ConditionalExpression(node, ev) {
        for (const [a, b] of [
          [node.consequent, node.alternate],
          [node.alternate, node.consequent],
        ]) {
          const sub = singleCharSubstitution(a);
          if (!sub) continue;
          const other = unwrapChain(b);
          if (text.slice(sub.subject.start, sub.subject.end) !== text.slice(other.start, other.end)) continue;
          ctx.facts.choices.push({
            kind: 'format',
            alternatives: [sub.from, sub.to],
            cond: ev.test,
            node: ev.asNode(),
            start: node.start,
            end: node.end,
            describe: `'${sub.from}' replaced by '${sub.to}'` + (sub.subject.end - sub.subject.start <= 24 ? ` in \`${text.slice(sub.subject.start, sub.subject.end)}\`` : ''),
          });
          return;
        }
        const x = constString(node.consequent);
        const y = constString(node.alternate);
        if (x === null || y === null || x === y) return;
        // Bare symbols (tree lines, list markers) are layout; a format variant of *text* carries data.
        if ((x.match(/[\p{L}\p{N}]/gu)?.length ?? 0) < 2) return;
        const variant = formatVariantOf(x, y);
        if (!variant) return;
        ctx.facts.choices.push({
          kind: 'format',
          alternatives: [x, y],
          cond: ev.test,
          node: ev.asNode(),
          start: node.start,
          end: node.end,
          describe: variant.description,
        });
      },
    };
  },
});
