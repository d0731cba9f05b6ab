import { defineRule, oneOf, type AnyNode } from '../rule.js';
import { calleeName, constString, memberName, propKey, span, unwrapChain } from '../ast.js';

const SPAWNS = new Set(['spawn', 'fork', 'exec', 'execFile']);
const SCRIPT = /^\.{0,2}\/?[\w./@-]+\.(c|m)?js$/;

/** `detached: true` among the options objects of a call. */
function detachedOption(node: AnyNode): boolean {
  for (const a of node.arguments) {
    if (a.type !== 'ObjectExpression') continue;
    for (const p of a.properties) if (p.type === 'Property' && propKey(p) === 'detached' && p.value.type === 'Literal' && p.value.value === true) return true;
  }
  return false;
}

/** `__filename`, `import.meta.url`, `fileURLToPath(import.meta.url)`: the running file itself. */
function isSelf(node: AnyNode): boolean {
  const n = unwrapChain(node);
  if (n.type === 'Identifier') return n.name === '__filename';
  if (n.type === 'MemberExpression') return memberName(n) === 'url' && n.object.type === 'MetaProperty';
  if (n.type === 'CallExpression') return n.arguments.length === 1 && isSelf(n.arguments[0]);
  return false;
}

/** A script literal among the arguments (also inside an argument array or a path.join/resolve call), or the file itself. */
function scriptOf(node: AnyNode): { script: string | null; self: boolean } {
  const args: AnyNode[] = [];
  for (const a of node.arguments) {
    if (a.type === 'ArrayExpression') args.push(...a.elements.filter(Boolean));
    else args.push(a);
  }
  for (const a of args) {
    if (isSelf(a)) return { script: null, self: true };
    const s = constString(a);
    if (s !== null && SCRIPT.test(s)) return { script: s, self: false };
    if (a.type === 'CallExpression' && a.arguments.length > 0) {
      const last = constString(a.arguments[a.arguments.length - 1]);
      if (last !== null && SCRIPT.test(last)) return { script: last, self: false };
    }
  }
  return { script: null, self: false };
}

export default defineRule({
  meta: {
    id: 'background-process',
    category: 'exfiltration',
    description: 'Child processes started detached (`detached: true`, or `.unref()` on the child): work that outlives the command.',
    docs:
      'A reporter that runs in a detached child process keeps sending after the command has returned, and is easy to ' +
      'miss. `spawn`/`fork`/`exec` calls with `detached: true`, or whose child is `.unref()`-ed at once, are recorded with ' +
      'the script they run (a literal path, or the file itself through `__filename` / `import.meta.url`); the egress map ' +
      'marks the destinations reached from that script as contacted from a background process.',
  },
  create(ctx) {
    const record = (call: AnyNode, how: string): void => {
      const { script, self } = scriptOf(call);
      ctx.facts.egress.spawns.push({ ...span(call), detail: `${calleeName(call) ?? 'spawn'} (${how})`, script, self });
    };
    return {
      only: { CallExpression: { names: oneOf(SPAWNS, ['unref']) } },
      CallExpression(node) {
        const name = calleeName(node);
        if (name === null) return;
        if (SPAWNS.has(name) && detachedOption(node)) {
          record(node, 'detached');
          return;
        }
        // spawn(...).unref(): the parent does not wait for the child.
        if (name !== 'unref' || node.arguments.length > 0) return;
        const callee = unwrapChain(node.callee);
        const inner = callee.type === 'MemberExpression' ? unwrapChain(callee.object) : null;
        if (inner && inner.type === 'CallExpression' && SPAWNS.has(calleeName(inner) ?? '') && !detachedOption(inner)) record(inner, 'unref');
      },
    };
  },
});
