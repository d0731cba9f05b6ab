// Small, allocation-free predicates over ESTree nodes shared by rules.
import type { AnyNode } from './rule.js';
import { constString } from './walker.js';

export { constString };

/** Name of a static member access (`a.b` → 'b', `a['b']` → 'b'), else null. */
export function memberName(node: AnyNode): string | null {
  if (!node || node.type !== 'MemberExpression') return null;
  if (!node.computed) return node.property.type === 'Identifier' ? node.property.name : null;
  return constString(node.property);
}

/** `process.env` (also `globalThis.process.env`). */
export function isProcessEnv(node: AnyNode): boolean {
  if (!node) return false;
  if (node.type === 'ChainExpression') node = node.expression;
  if (memberName(node) !== 'env') return false;
  const obj = node.object;
  if (obj.type === 'Identifier') return obj.name === 'process';
  return memberName(obj) === 'process';
}

/** The callee's last name for `f()` / `a.f()`. */
export function calleeName(call: AnyNode): string | null {
  let c = call.callee;
  if (c.type === 'ChainExpression') c = c.expression;
  if (c.type === 'Identifier') return c.name;
  return memberName(c);
}

/** The object of a method call `obj.f()`, else null. */
export function calleeObject(call: AnyNode): AnyNode | null {
  let c = call.callee;
  if (c.type === 'ChainExpression') c = c.expression;
  return c.type === 'MemberExpression' ? c.object : null;
}

export function unwrapChain(node: AnyNode): AnyNode {
  return node && node.type === 'ChainExpression' ? node.expression : node;
}

export function span(node: AnyNode): { start: number; end: number } {
  return { start: node.start, end: node.end };
}
