// Small, allocation-free helpers over ESTree nodes (as meriyah produces them), shared by the walk and
// the rules. Every AST helper of the analysis lives here.
import type { AnyNode } from '../parse/parse.js';

/** The value of a string literal or an expression-free template literal. */
export function constString(node: AnyNode): string | null {
  if (!node) return null;
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0]?.value.cooked ?? null;
  return null;
}

/** The static key of an object property or pattern property, else null. */
export function propKey(p: AnyNode): string | null {
  if (p.computed) return constString(p.key);
  if (p.key.type === 'Identifier') return p.key.name;
  if (p.key.type === 'Literal') return String(p.key.value);
  return null;
}

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

export function isFunctionNode(node: AnyNode): boolean {
  return node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression';
}

/** Most segments a dotted callee path is built from. */
const MAX_PATH_SEGMENTS = 8;

/** `a.b.c` for a chain of identifiers and static members, else null (`require('os').hostname` → `os.hostname`). */
export function calleePath(node: AnyNode): string | null {
  const parts: string[] = [];
  let cur = node;
  for (let i = 0; i < MAX_PATH_SEGMENTS; i++) {
    if (cur.type === 'ChainExpression') cur = cur.expression;
    if (cur.type === 'Identifier') {
      parts.push(cur.name);
      return parts.reverse().join('.');
    }
    if (cur.type === 'ThisExpression') {
      parts.push('this');
      return parts.reverse().join('.');
    }
    if (cur.type === 'MemberExpression') {
      const key = cur.computed ? constString(cur.property) : cur.property.name;
      if (key === null || key === undefined) return null;
      parts.push(key);
      cur = cur.object;
      continue;
    }
    if (cur.type === 'CallExpression' || cur.type === 'NewExpression') {
      if (cur.callee.type === 'Identifier' && cur.callee.name === 'require' && cur.arguments[0]) {
        const mod = constString(cur.arguments[0]);
        if (mod !== null) {
          parts.push(mod.replace(/^node:/, ''));
          return parts.reverse().join('.');
        }
      }
      const inner = calleePath(cur.callee);
      if (inner === null) return null;
      parts.push(inner + '()');
      return parts.reverse().join('.');
    }
    return null;
  }
  return null;
}

/** The text of a template literal without interpolations (a command written with backquotes), else null. */
export function templateText(node: AnyNode): string | null {
  if (node.type !== 'TemplateLiteral' || node.expressions.length > 0 || node.quasis.length !== 1) return null;
  const cooked = node.quasis[0].value.cooked;
  return typeof cooked === 'string' ? cooked : null;
}
