// A light scoped scan of an AST for the deobfuscation steps: which names a function scope binds to
// what (functions, aliases, constant objects, constants), and every call of a plain identifier with
// the scope it sits in. It runs only on files whose walk showed obfuscator signatures.

import type { AnyNode } from '../../parse/parse.js';
import { isFunctionNode } from '../ast.js';

export type Binding =
  | { kind: 'fn'; node: AnyNode; scope: Scope }
  | { kind: 'alias'; to: string; scope: Scope }
  | { kind: 'object'; node: AnyNode; scope: Scope }
  | { kind: 'const'; value: string | number }
  | { kind: 'array'; node: AnyNode; decl: AnyNode }
  | { kind: 'other' };

export class Scope {
  readonly bindings = new Map<string, Binding>();
  /** `fn`: the function node whose scope this is (null for the program). */
  constructor(
    readonly parent: Scope | null,
    readonly fn: AnyNode = null,
  ) {}

  /** A name bound twice in one scope with different meanings is opaque. */
  bind(name: string, b: Binding): void {
    const old = this.bindings.get(name);
    this.bindings.set(name, old && old.kind !== 'other' ? { kind: 'other' } : b);
  }

  lookup(name: string): Binding | undefined {
    return this.bindings.get(name) ?? this.parent?.lookup(name);
  }
}

export interface CallSite {
  node: AnyNode;
  scope: Scope;
}

/** `f(a, b)` followed by a statement like `(function (x, y) {…})(holder, 123)`: a setup call. */
export interface SetupCall {
  stmt: AnyNode;
  argNames: string[];
  scope: Scope;
}

/** An identifier in a reference position, with the node it sits in. */
export interface Ref {
  node: AnyNode;
  parent: AnyNode;
  scope: Scope;
}

export interface Scan {
  root: Scope;
  /** The scope of each function node (its parameters and body declarations). */
  scopeOf: Map<AnyNode, Scope>;
  calls: CallSite[];
  /** `name[…]` reads of a plain identifier (array holders are read this way). */
  indexReads: CallSite[];
  setupCalls: SetupCall[];
  /** `'…' + '…'` nodes in post-order (inner ones first), for folding once strings are known. */
  concats: AnyNode[];
  functions: { node: AnyNode; name: string; scope: Scope }[];
  /** Every identifier read or written (not declarations, property names or labels); only with `{ refs: true }`. */
  refs: Ref[];
}

/** Where an identifier under `parent[key]` only names something (a declaration, a property, a label), it is no reference. */
function isReference(parent: AnyNode, key: string): boolean {
  switch (parent?.type) {
    case 'MemberExpression':
      return key !== 'property' || parent.computed;
    case 'Property':
    case 'PropertyDefinition':
    case 'MethodDefinition':
      return key !== 'key' || parent.computed;
    case 'VariableDeclarator':
      return key !== 'id';
    case 'FunctionDeclaration':
    case 'FunctionExpression':
    case 'ArrowFunctionExpression':
    case 'ClassDeclaration':
    case 'ClassExpression':
      return key !== 'id' && key !== 'params';
    case 'LabeledStatement':
    case 'BreakStatement':
    case 'ContinueStatement':
      return key !== 'label';
    case 'CatchClause':
      return key !== 'param';
  }
  return true;
}

/** Scans stop descending below this depth (the walk reports deeper nesting itself). */
const MAX_DEPTH = 1500;
const SKIP_KEYS = new Set(['type', 'start', 'end', 'range', 'loc']);

function bindPatternNames(p: AnyNode, scope: Scope): void {
  if (!p) return;
  switch (p.type) {
    case 'Identifier':
      scope.bind(p.name, { kind: 'other' });
      return;
    case 'ObjectPattern':
      for (const prop of p.properties) bindPatternNames(prop.type === 'RestElement' ? prop.argument : prop.value, scope);
      return;
    case 'ArrayPattern':
      for (const el of p.elements) bindPatternNames(el, scope);
      return;
    case 'RestElement':
      bindPatternNames(p.argument, scope);
      return;
    case 'AssignmentPattern':
      bindPatternNames(p.left, scope);
      return;
  }
}

function unwrapCallStatement(e: AnyNode): AnyNode {
  let x = e;
  for (let i = 0; i < 4 && x; i++) {
    if (x.type === 'UnaryExpression') x = x.argument;
    else if (x.type === 'SequenceExpression' && x.expressions.length === 1) x = x.expressions[0];
    else if (x.type === 'ParenthesizedExpression') x = x.expression;
    else break;
  }
  return x;
}

export function scan(program: AnyNode, options: { refs?: boolean } = {}): Scan {
  const root = new Scope(null);
  const out: Scan = { root, scopeOf: new Map(), calls: [], indexReads: [], setupCalls: [], concats: [], functions: [], refs: [] };
  const withRefs = options.refs === true;

  const declareVar = (d: AnyNode, scope: Scope): void => {
    if (d.id?.type !== 'Identifier') {
      bindPatternNames(d.id, scope);
      return;
    }
    const init = d.init;
    const name = d.id.name;
    if (!init) scope.bind(name, { kind: 'other' });
    else if (isFunctionNode(init)) scope.bind(name, { kind: 'fn', node: init, scope });
    else if (init.type === 'Identifier') scope.bind(name, { kind: 'alias', to: init.name, scope });
    else if (init.type === 'ObjectExpression') scope.bind(name, { kind: 'object', node: init, scope });
    else if (init.type === 'ArrayExpression') scope.bind(name, { kind: 'array', node: init, decl: d });
    else if (init.type === 'Literal' && (typeof init.value === 'string' || typeof init.value === 'number')) scope.bind(name, { kind: 'const', value: init.value });
    else scope.bind(name, { kind: 'other' });
  };

  const visit = (node: AnyNode, scope: Scope, depth: number, parent: AnyNode, parentKey: string): void => {
    if (!node || typeof node.type !== 'string' || depth > MAX_DEPTH) return;
    let inner = scope;
    switch (node.type) {
      case 'Identifier':
        if (withRefs && isReference(parent, parentKey)) out.refs.push({ node, parent, scope });
        return;
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression': {
        if (node.type === 'FunctionDeclaration' && node.id) scope.bind(node.id.name, { kind: 'fn', node, scope });
        inner = new Scope(scope, node);
        out.scopeOf.set(node, inner);
        if (node.type === 'FunctionExpression' && node.id) inner.bind(node.id.name, { kind: 'other' });
        for (const p of node.params) bindPatternNames(p, inner);
        if (node.type === 'FunctionDeclaration' && node.id) out.functions.push({ node, name: node.id.name, scope });
        break;
      }
      case 'VariableDeclarator':
        declareVar(node, scope);
        if (node.id?.type === 'Identifier' && node.init && isFunctionNode(node.init)) out.functions.push({ node: node.init, name: node.id.name, scope });
        break;
      case 'CatchClause':
        bindPatternNames(node.param, scope);
        break;
      case 'ClassDeclaration':
        if (node.id) scope.bind(node.id.name, { kind: 'other' });
        break;
      case 'ExpressionStatement': {
        const call = unwrapCallStatement(node.expression);
        if (call?.type === 'CallExpression' && isFunctionNode(call.callee)) {
          const argNames = call.arguments.filter((a: AnyNode) => a.type === 'Identifier').map((a: AnyNode) => a.name as string);
          if (argNames.length > 0) out.setupCalls.push({ stmt: node, argNames, scope });
        }
        break;
      }
      case 'CallExpression':
        if (node.callee.type === 'Identifier') out.calls.push({ node, scope });
        break;
      case 'MemberExpression':
        if (node.computed && node.object.type === 'Identifier') out.indexReads.push({ node, scope });
        break;
    }
    for (const key in node) {
      if (SKIP_KEYS.has(key)) continue;
      const child = node[key];
      if (Array.isArray(child)) {
        for (const c of child) if (c && typeof c === 'object') visit(c, inner, depth + 1, node, key);
      } else if (child && typeof child === 'object' && typeof child.type === 'string') visit(child, inner, depth + 1, node, key);
    }
    if (node.type === 'BinaryExpression' && node.operator === '+') out.concats.push(node);
  };
  visit(program, root, 0, null, '');
  return out;
}
