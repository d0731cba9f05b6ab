// Module boundaries inside a bundle. Bundlers keep each CommonJS module in a function of its own:
// esbuild and Bun pass it to a helper that creates `{ exports: {} }` (`__commonJS`, renamed when
// minified), webpack keeps a map (object or array) of `function (module, exports, require)`. The
// walk gives each such module its own property names, so that two unrelated modules that both use
// `.value` are not joined through it; only what a module exports is visible to the rest of the file.
//
// Every check here is shallow (the node and its direct children): the walk still visits each node once.

import type { AnyNode } from '../../parse/parse.js';
import { isFunctionNode, propKey } from '../ast.js';

/** A webpack module function takes (module, exports, require) or fewer. */
const MAX_MODULE_PARAMS = 3;

/** `{ exports: {} }`: the module record a CommonJS wrapper helper creates. */
export function isModuleRecord(node: AnyNode): boolean {
  if (node.type !== 'ObjectExpression' || node.properties.length !== 1) return false;
  const p = node.properties[0];
  return p.type === 'Property' && propKey(p) === 'exports' && p.value.type === 'ObjectExpression' && p.value.properties.length === 0;
}

/** The module bodies passed to a wrapper helper: `h((exports, module) => …)` or `h({ "path"(exports, module) {…} })`. */
export function wrappedBodies(call: AnyNode): AnyNode[] {
  if (call.arguments.length !== 1) return [];
  const a = call.arguments[0];
  if (isFunctionNode(a)) return [a];
  if (a.type === 'ObjectExpression' && a.properties.length === 1) {
    const p = a.properties[0];
    if (p.type === 'Property' && isFunctionNode(p.value)) return [p.value];
  }
  return [];
}

function moduleFunction(n: AnyNode): boolean {
  return isFunctionNode(n) && n.params.length >= 1 && n.params.length <= MAX_MODULE_PARAMS && n.params.every((p: AnyNode) => p.type === 'Identifier');
}

/**
 * The module functions of a webpack module map: an object whose keys are all module ids (numbers or
 * paths) or an array of two or more, every value a function of (module, exports, require).
 */
export function moduleMapBodies(node: AnyNode): AnyNode[] {
  if (node.type === 'ObjectExpression') {
    if (node.properties.length === 0) return [];
    const out: AnyNode[] = [];
    for (const p of node.properties) {
      if (p.type !== 'Property' || p.computed || !moduleFunction(p.value)) return [];
      const k = p.key;
      const id = k.type === 'Literal' ? k.value : null;
      if (!(typeof id === 'number' || (typeof id === 'string' && /^(\d+|\.{0,2}\/.*|.*\/.*\.[cm]?[jt]sx?)$/.test(id)))) return [];
      out.push(p.value);
    }
    return out;
  }
  if (node.type === 'ArrayExpression') {
    if (node.elements.length < 2) return [];
    const out: AnyNode[] = [];
    for (const e of node.elements) {
      if (e === null) continue;
      // webpack 4 chunks: `function (e, t, n) {…}`; arrays of arrows are ordinary callback lists.
      if (e.type !== 'FunctionExpression' || !moduleFunction(e)) return [];
      out.push(e);
    }
    return out.length >= 2 ? out : [];
  }
  return [];
}

/** A target of `x.y = …` that exports from the module: `exports.y`, `module.exports`, `module.exports.y`. */
export function isExportTarget(member: AnyNode, isParam: (id: AnyNode) => boolean): boolean {
  const obj = member.object;
  if (obj.type === 'Identifier') return isParam(obj);
  return obj.type === 'MemberExpression' && !obj.computed && obj.property.name === 'exports' && obj.object.type === 'Identifier' && isParam(obj.object);
}
