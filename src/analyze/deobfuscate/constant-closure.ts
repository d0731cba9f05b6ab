// Values a decoder needs that the file computes from constants at run time: a key made by summing a
// string's char codes, a constant array reversed and joined, a helper function. A decoder run alone in
// the sandbox fails on such names; this finds their declarations, when everything they name is itself
// such a declaration or a standard global, so they can run in the sandbox before the decoder.
// Built on demand (one pass over the AST), only for files whose decoder runs missed a name.

import type { AnyNode } from '../../parse/parse.js';
import { isFunctionNode } from '../ast.js';

/** Globals the sandbox provides (QuickJS built-ins and its small Buffer/atob shim). */
const SANDBOX_GLOBALS = new Set([
  'String', 'Number', 'Math', 'Array', 'Object', 'JSON', 'parseInt', 'parseFloat', 'isNaN', 'Boolean', 'RegExp',
  'Uint8Array', 'Uint16Array', 'Uint32Array', 'Int8Array', 'Int32Array', 'ArrayBuffer', 'DataView',
  'atob', 'btoa', 'Buffer', 'TextDecoder', 'TextEncoder', 'decodeURIComponent', 'encodeURIComponent', 'escape', 'unescape',
  'undefined', 'NaN', 'Infinity',
]);
const MAX_DECLARATION_CHARS = 4000;
const MAX_TOTAL_CHARS = 32 * 1024;
const MAX_DEPTH = 4;
const SKIP_KEYS = new Set(['type', 'start', 'end', 'range', 'loc']);

interface Declaration {
  node: AnyNode;
  /** Source that recreates the binding in the sandbox. */
  source: string;
  /** Names it uses that it does not declare itself. */
  free: Set<string>;
}

/** Names a subtree uses and does not bind itself (parameters and declarations inside it are bound). */
function freeNames(root: AnyNode): Set<string> {
  const used = new Set<string>();
  const bound = new Set<string>();
  const bindPattern = (p: AnyNode): void => {
    if (!p) return;
    if (p.type === 'Identifier') bound.add(p.name);
    else if (p.type === 'ObjectPattern') for (const q of p.properties) bindPattern(q.type === 'RestElement' ? q.argument : q.value);
    else if (p.type === 'ArrayPattern') for (const q of p.elements) bindPattern(q);
    else if (p.type === 'RestElement') bindPattern(p.argument);
    else if (p.type === 'AssignmentPattern') bindPattern(p.left);
  };
  const visit = (n: AnyNode, parent: AnyNode, key: string): void => {
    if (!n || typeof n.type !== 'string') return;
    if (n.type === 'Identifier') {
      const naming =
        (parent?.type === 'MemberExpression' && key === 'property' && !parent.computed) ||
        (parent?.type === 'Property' && key === 'key' && !parent.computed) ||
        ((parent?.type === 'BreakStatement' || parent?.type === 'ContinueStatement' || parent?.type === 'LabeledStatement') && key === 'label');
      if (!naming) used.add(n.name);
      return;
    }
    if (isFunctionNode(n) || n.type === 'FunctionDeclaration') {
      if (n.id) bound.add(n.id.name);
      for (const p of n.params) bindPattern(p);
    } else if (n.type === 'VariableDeclarator') bindPattern(n.id);
    else if (n.type === 'CatchClause') bindPattern(n.param);
    for (const k in n) {
      if (SKIP_KEYS.has(k)) continue;
      const c = n[k];
      if (Array.isArray(c)) for (const x of c) visit(x, n, k);
      else if (c && typeof c === 'object') visit(c, n, k);
    }
  };
  visit(root, null, '');
  for (const b of bound) used.delete(b);
  return used;
}

/** Every name declared exactly once in the file (`var/let/const NAME = …` or `function NAME`), small enough to extract. */
function declarations(program: AnyNode, text: string): Map<string, Declaration | null> {
  const out = new Map<string, Declaration | null>();
  const add = (name: string, node: AnyNode, source: () => string): void => {
    if (out.has(name)) {
      out.set(name, null);
      return;
    }
    out.set(name, node.end - node.start <= MAX_DECLARATION_CHARS ? { node, source: source(), free: new Set() } : null);
  };
  const stack: AnyNode[] = [program];
  while (stack.length > 0) {
    const n = stack.pop();
    if (!n || typeof n.type !== 'string') continue;
    if (n.type === 'VariableDeclarator' && n.id.type === 'Identifier' && n.init) {
      const init = n.init;
      add(n.id.name, init, () => `var ${n.id.name} = ${text.slice(init.start, init.end)};`);
    } else if (n.type === 'FunctionDeclaration' && n.id) {
      add(n.id.name, n, () => text.slice(n.start, n.end));
    }
    for (const k in n) {
      if (SKIP_KEYS.has(k)) continue;
      const c = n[k];
      if (Array.isArray(c)) for (const x of c) stack.push(x);
      else if (c && typeof c === 'object') stack.push(c);
    }
  }
  for (const [name, d] of out) {
    if (!d) continue;
    d.free = freeNames(d.node);
    d.free.delete(name);
  }
  return out;
}

/**
 * For a file's AST: a function from the names a decoder uses to the declarations (in dependency
 * order) that define them from constants only. Names that are not such declarations are left out.
 */
export function constantClosure(program: AnyNode, text: string): (names: Iterable<string>) => string[] {
  let decls: Map<string, Declaration | null> | undefined;
  // Whether a declaration is closed: everything it names is a closed declaration or a sandbox global.
  const closed = new Map<string, boolean>();
  const isClosed = (name: string, depth: number, visiting: Set<string>): boolean => {
    const known = closed.get(name);
    if (known !== undefined) return known;
    const d = decls!.get(name);
    if (!d || depth > MAX_DEPTH) return false;
    if (visiting.has(name)) return true; // recursion among helpers
    visiting.add(name);
    let ok = true;
    for (const f of d.free) if (!SANDBOX_GLOBALS.has(f) && !isClosed(f, depth + 1, visiting)) ok = false;
    visiting.delete(name);
    closed.set(name, ok);
    return ok;
  };
  return (names) => {
    decls ??= declarations(program, text);
    const order: string[] = [];
    const seen = new Set<string>();
    let total = 0;
    const include = (name: string): void => {
      if (seen.has(name)) return;
      seen.add(name);
      const d = decls!.get(name);
      if (!d) return;
      for (const f of d.free) if (!SANDBOX_GLOBALS.has(f)) include(f);
      if (total + d.source.length > MAX_TOTAL_CHARS) return;
      total += d.source.length;
      order.push(d.source);
    };
    for (const n of names) if (!SANDBOX_GLOBALS.has(n) && isClosed(n, 0, new Set())) include(n);
    return order;
  };
}
