// What control-flow obfuscation adds around the strings, undone on the AST once the strings are
// literals (javascript-obfuscator's control-flow flattening and object-key transform, and tools of
// their kind):
//
// - proxy objects: `const P = { abc: function (a, b) { return a + b; }, def: function (f, x) { return f(x); }, ghi: 'text' }`
//   read as `P['abc'](x, y)`, `P['def'](fetch, url)`, `P['ghi']` → `x + y`, `fetch(url)`, `'text'`;
// - objects built key by key right after they are made: `var o = {}; o['model'] = m; o['messages'] = l;`
//   → `var o = { model: m, messages: l };`
// - dispatch loops: `var order = '2|0|1'.split('|'), i = 0; while (true) { switch (order[i++]) { case '0': …; continue; … } break; }`
//   → the cases' statements in the order the string gives.
//
// Each rewrite moves existing nodes (offsets kept), so every location still points at the obfuscated
// code. Nothing runs: these are pattern rewrites that keep the program's meaning, applied only where
// the pattern is complete (a proxy object never written to or passed anywhere, every case ending in
// `continue` or `return`).

import type { AnyNode } from '../../parse/parse.js';
import { scan, type Binding } from './ast-scan.js';

export interface RewriteCounts {
  /** Proxy calls and reads replaced by what they stand for. */
  proxies: number;
  /** Properties moved into the object literal they were assigned to. */
  objectKeys: number;
  /** Dispatch loops replaced by their cases in order. */
  dispatchLoops: number;
  /** Literals copied from a proxy object to where it was read: from the literal's span to the read's. */
  copied: { from: Span; to: Span }[];
}

interface Span {
  start: number;
  end: number;
}

const MAX_PASSES = 4;
const SKIP_KEYS = new Set(['type', 'start', 'end', 'range', 'loc']);
const BINARY = new Set(['+', '-', '*', '/', '%', '**', '==', '!=', '===', '!==', '<', '<=', '>', '>=', '<<', '>>', '>>>', '&', '|', '^', 'in', 'instanceof']);
const LOGICAL = new Set(['&&', '||', '??']);

/** Replaces `node`'s content with `next`'s, keeping `node`'s offsets (parents keep pointing at it). */
function become(node: AnyNode, next: Record<string, unknown>): void {
  const { start, end } = node;
  for (const k of Object.keys(node)) delete node[k];
  Object.assign(node, next, { start, end });
}

function keyOf(member: AnyNode): string | null {
  if (!member.computed) return member.property.type === 'Identifier' ? member.property.name : null;
  const p = member.property;
  return p.type === 'Literal' && (typeof p.value === 'string' || typeof p.value === 'number') ? String(p.value) : null;
}

function propertyKey(p: AnyNode): string | null {
  if (p.type !== 'Property' || p.kind !== 'init' || p.method) return null;
  if (!p.computed && p.key.type === 'Identifier') return p.key.name;
  return p.key.type === 'Literal' && (typeof p.key.value === 'string' || typeof p.key.value === 'number') ? String(p.key.value) : null;
}

type Proxy =
  | { kind: 'binary'; operator: string; logical: boolean }
  | { kind: 'call'; arity: number }
  | { kind: 'literal'; node: AnyNode };

/** `function (a, b) { return a OP b; }` or `function (f, x, y) { return f(x, y); }`, or a literal. */
function proxyOf(value: AnyNode): Proxy | null {
  if (value.type === 'Literal' && (typeof value.value === 'string' || typeof value.value === 'number')) return { kind: 'literal', node: value };
  if (value.type !== 'FunctionExpression' && value.type !== 'ArrowFunctionExpression') return null;
  if (value.async || value.generator || !value.params.every((p: AnyNode) => p.type === 'Identifier')) return null;
  const params: string[] = value.params.map((p: AnyNode) => p.name as string);
  let ret: AnyNode;
  if (value.body.type === 'BlockStatement') {
    if (value.body.body.length !== 1 || value.body.body[0].type !== 'ReturnStatement') return null;
    ret = value.body.body[0].argument;
  } else ret = value.body;
  if (!ret) return null;
  const isParam = (n: AnyNode, i: number) => n?.type === 'Identifier' && n.name === params[i];
  if ((ret.type === 'BinaryExpression' || ret.type === 'LogicalExpression') && params.length === 2 && isParam(ret.left, 0) && isParam(ret.right, 1)) {
    const logical = LOGICAL.has(ret.operator);
    if (!logical && !BINARY.has(ret.operator)) return null;
    return { kind: 'binary', operator: ret.operator, logical };
  }
  if (ret.type === 'CallExpression' && !ret.optional && params.length >= 1 && isParam(ret.callee, 0) && ret.arguments.length === params.length - 1 && ret.arguments.every((a: AnyNode, i: number) => isParam(a, i + 1))) {
    return { kind: 'call', arity: params.length - 1 };
  }
  return null;
}

/** The proxies of an object literal whose every property is one; null otherwise. */
function proxyTable(obj: AnyNode): Map<string, Proxy> | null {
  if (obj.properties.length === 0) return null;
  const out = new Map<string, Proxy>();
  for (const p of obj.properties) {
    const k = propertyKey(p);
    const proxy = k === null ? null : proxyOf(p.value);
    if (k === null || !proxy || out.has(k)) return null;
    out.set(k, proxy);
  }
  return out;
}

/** The object literal a name stands for, through aliases (`var Q = P`). */
function objectBinding(b: Binding | undefined): Binding | null {
  for (let i = 0; b?.kind === 'alias' && i < 8; i++) b = b.scope.lookup(b.to);
  return b?.kind === 'object' ? b : null;
}

function inlineProxies(program: AnyNode, copied: RewriteCounts['copied']): number {
  const s = scan(program, { refs: true });
  // Every reference of an object binding must be `P[key]` read (or called): then P is never changed.
  const uses = new Map<Binding, AnyNode[] | null>();
  for (const r of s.refs) {
    const p = r.parent;
    // `var Q = P;`: Q is another name of P (its reads are followed below), not a use of P.
    if (p.type === 'VariableDeclarator' && p.init === r.node && p.id.type === 'Identifier' && r.scope.lookup(p.id.name)?.kind === 'alias') continue;
    const b = objectBinding(r.scope.lookup(r.node.name));
    if (!b) continue;
    const list = uses.get(b);
    if (list === null) continue;
    const read = p.type === 'MemberExpression' && p.object === r.node;
    if (!read) {
      uses.set(b, null);
      continue;
    }
    if (list) list.push(p);
    else uses.set(b, [p]);
  }
  // Members written to, deleted or updated make the object not a proxy table.
  const written = new Set<AnyNode>();
  const parents = parentsOf(program, new Set([...uses.values()].flatMap((l) => l ?? [])));
  for (const [member, parent] of parents) {
    if ((parent.type === 'AssignmentExpression' && parent.left === member) || parent.type === 'UpdateExpression' || (parent.type === 'UnaryExpression' && parent.operator === 'delete')) {
      written.add(member);
    }
  }
  let replaced = 0;
  for (const [b, members] of uses) {
    if (!members || b.kind !== 'object' || members.some((m) => written.has(m))) continue;
    const table = proxyTable(b.node);
    if (!table) continue;
    for (const m of members) {
      const k = keyOf(m);
      const proxy = k === null ? undefined : table.get(k);
      if (!proxy) continue;
      const parent = parents.get(m);
      if (proxy.kind === 'literal') {
        copied.push({ from: { start: proxy.node.start, end: proxy.node.end }, to: { start: m.start, end: m.end } });
        become(m, { type: 'Literal', value: proxy.node.value, raw: JSON.stringify(proxy.node.value), recovered: proxy.node.recovered === true });
        replaced++;
        continue;
      }
      if (parent?.type !== 'CallExpression' || parent.callee !== m || parent.optional) continue;
      const args: AnyNode[] = parent.arguments;
      if (args.some((a) => a.type === 'SpreadElement')) continue;
      if (proxy.kind === 'binary') {
        if (args.length !== 2) continue;
        become(parent, { type: proxy.logical ? 'LogicalExpression' : 'BinaryExpression', operator: proxy.operator, left: args[0], right: args[1] });
      } else {
        if (args.length !== proxy.arity + 1) continue;
        become(parent, { type: 'CallExpression', callee: args[0], arguments: args.slice(1), optional: false });
      }
      replaced++;
    }
  }
  return replaced;
}

/** The parent of each node of `wanted`, found in one pass. */
function parentsOf(program: AnyNode, wanted: Set<AnyNode>): Map<AnyNode, AnyNode> {
  const out = new Map<AnyNode, AnyNode>();
  if (wanted.size === 0) return out;
  eachNode(program, (node, parent) => {
    if (wanted.has(node)) out.set(node, parent);
  });
  return out;
}

function eachNode(root: AnyNode, fn: (node: AnyNode, parent: AnyNode) => void): void {
  const stack: [AnyNode, AnyNode][] = [[root, null]];
  while (stack.length > 0) {
    const [node, parent] = stack.pop()!;
    fn(node, parent);
    for (const key in node) {
      if (SKIP_KEYS.has(key)) continue;
      const child = node[key];
      if (Array.isArray(child)) {
        for (let i = child.length - 1; i >= 0; i--) if (child[i] && typeof child[i].type === 'string') stack.push([child[i], node]);
      } else if (child && typeof child === 'object' && typeof child.type === 'string') stack.push([child, node]);
    }
  }
}

/** Statement lists: a program's, a block's, a case's. */
function statementLists(root: AnyNode): AnyNode[][] {
  const out: AnyNode[][] = [];
  eachNode(root, (node) => {
    if (node.type === 'Program' || node.type === 'BlockStatement' || node.type === 'StaticBlock') out.push(node.body);
    else if (node.type === 'SwitchCase') out.push(node.consequent);
  });
  return out;
}

/** `X[key] = value` with a constant key: the key and value. */
function keyAssignment(e: AnyNode, name: string): { key: string; member: AnyNode; value: AnyNode } | null {
  if (e?.type !== 'AssignmentExpression' || e.operator !== '=' || e.left.type !== 'MemberExpression') return null;
  if (e.left.object.type !== 'Identifier' || e.left.object.name !== name) return null;
  const key = keyOf(e.left);
  return key === null ? null : { key, member: e.left, value: e.right };
}

function foldObjectKeys(program: AnyNode): number {
  let moved = 0;
  for (const list of statementLists(program)) {
    for (let i = 0; i < list.length; i++) {
      const decl = list[i];
      if (decl.type !== 'VariableDeclaration') continue;
      const last = decl.declarations[decl.declarations.length - 1];
      if (last?.id.type !== 'Identifier' || last.init?.type !== 'ObjectExpression') continue;
      const name: string = last.id.name;
      const obj = last.init;
      for (let j = i + 1; j < list.length; j++) {
        const st = list[j];
        if (st.type === 'FunctionDeclaration') continue; // hoisted: its place does not matter
        if (st.type !== 'ExpressionStatement') break;
        const exprs: AnyNode[] = st.expression.type === 'SequenceExpression' ? st.expression.expressions : [st.expression];
        const assigned = exprs.map((e) => keyAssignment(e, name));
        if (assigned.some((a) => a === null)) break;
        for (const a of assigned) {
          const { member, value } = a!;
          obj.properties.push({ type: 'Property', key: member.property, value, computed: false, kind: 'init', method: false, shorthand: false, start: member.start, end: value.end });
          moved++;
        }
        become(st, { type: 'EmptyStatement' });
      }
    }
  }
  return moved;
}

function isTrue(n: AnyNode): boolean {
  if (n?.type === 'Literal') return n.value === true || n.value === 1;
  // `!![]`, `!0`
  return n?.type === 'UnaryExpression' && n.operator === '!' && (n.argument.type === 'ArrayExpression' || (n.argument.type === 'UnaryExpression' && n.argument.operator === '!' && n.argument.argument.type === 'ArrayExpression') || (n.argument.type === 'Literal' && n.argument.value === 0));
}

/** `'2|0|1'.split('|')`: the order. */
function dispatchOrder(init: AnyNode): string[] | null {
  if (init?.type !== 'CallExpression' || init.callee.type !== 'MemberExpression' || keyOf(init.callee) !== 'split') return null;
  const str = init.callee.object;
  const sep = init.arguments[0];
  if (str?.type !== 'Literal' || typeof str.value !== 'string' || sep?.type !== 'Literal' || typeof sep.value !== 'string' || sep.value === '') return null;
  return str.value.split(sep.value);
}

function unflattenDispatch(program: AnyNode): number {
  let done = 0;
  for (const list of statementLists(program)) {
    const orders = new Map<string, { order: string[]; counter: string | null }>();
    for (const st of list) {
      if (st.type === 'VariableDeclaration') {
        // `var order = '…'.split('|'), i = 0;`
        for (let k = 0; k < st.declarations.length; k++) {
          const d = st.declarations[k];
          const order = d.id.type === 'Identifier' ? dispatchOrder(d.init) : null;
          if (!order) continue;
          const next = st.declarations[k + 1];
          const counter = next?.id.type === 'Identifier' && next.init?.type === 'Literal' && next.init.value === 0 ? (next.id.name as string) : null;
          orders.set(d.id.name, { order, counter });
        }
        continue;
      }
      const loop = st;
      const forever = (loop.type === 'WhileStatement' && isTrue(loop.test)) || (loop.type === 'ForStatement' && !loop.init && !loop.test && !loop.update);
      if (!forever || loop.body.type !== 'BlockStatement') continue;
      const [sw, brk] = loop.body.body;
      if (loop.body.body.length !== 2 || sw.type !== 'SwitchStatement' || brk.type !== 'BreakStatement' || brk.label) continue;
      const disc = sw.discriminant;
      if (disc.type !== 'MemberExpression' || !disc.computed || disc.object.type !== 'Identifier') continue;
      const o = orders.get(disc.object.name);
      const counter = disc.property;
      if (!o || !o.counter || counter.type !== 'UpdateExpression' || counter.operator !== '++' || counter.prefix || counter.argument.name !== o.counter) continue;
      const cases = new Map<string, AnyNode[]>();
      let complete = true;
      for (const c of sw.cases) {
        const body: AnyNode[] = c.consequent;
        const end = body[body.length - 1];
        if (c.test?.type !== 'Literal' || !end || (end.type !== 'ContinueStatement' && end.type !== 'ReturnStatement') || end.label) {
          complete = false;
          break;
        }
        cases.set(String(c.test.value), end.type === 'ContinueStatement' ? body.slice(0, -1) : body);
      }
      if (!complete || !o.order.every((k) => cases.has(k)) || hasLoopJump(sw)) continue;
      become(loop, { type: 'BlockStatement', body: o.order.flatMap((k) => cases.get(k)!) });
      done++;
    }
  }
  return done;
}

/** A `break` or `continue` inside a case other than the one ending it would change meaning once the loop is gone. */
function hasLoopJump(sw: AnyNode): boolean {
  let found = false;
  const visit = (n: AnyNode, top: boolean): void => {
    if (found || !n || typeof n.type !== 'string') return;
    if (/Function|Class/.test(n.type)) return;
    if (!top && (n.type === 'WhileStatement' || n.type === 'ForStatement' || n.type === 'DoWhileStatement' || n.type === 'ForInStatement' || n.type === 'ForOfStatement' || n.type === 'SwitchStatement')) return;
    if (n.type === 'BreakStatement' || n.type === 'ContinueStatement') {
      found = true;
      return;
    }
    for (const key in n) {
      if (SKIP_KEYS.has(key)) continue;
      const child = n[key];
      if (Array.isArray(child)) child.forEach((c) => visit(c, false));
      else if (child && typeof child === 'object') visit(child, false);
    }
  };
  for (const c of sw.cases) {
    const body: AnyNode[] = c.consequent;
    const last = body[body.length - 1];
    for (const st of body) if (st !== last || last.type !== 'ContinueStatement') visit(st, false);
  }
  return found;
}

/**
 * Rewrites proxy objects, key-by-key objects and dispatch loops in place, repeating while a pass
 * changes something (inlining a proxy can complete a dispatch order or another proxy's key).
 */
export function undoControlFlowObfuscation(program: AnyNode): RewriteCounts {
  const counts: RewriteCounts = { proxies: 0, objectKeys: 0, dispatchLoops: 0, copied: [] };
  counts.objectKeys += foldObjectKeys(program);
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const p = inlineProxies(program, counts.copied);
    const d = unflattenDispatch(program);
    counts.proxies += p;
    counts.dispatchLoops += d;
    if (p + d === 0) break;
  }
  return counts;
}
