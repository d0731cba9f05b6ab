// The one walk over a file's AST. It resolves scopes, builds the value-flow graph and calls every
// rule's visitor for the node it has just evaluated, so detectors and data flow share a single pass.
//
// Scopes are resolved in the same pass: a name read before its declaration (hoisting, functions
// declared later in the module) gets a placeholder node that is merged with the declaration when
// the enclosing scope closes.

import type { AnyNode, CallEval, Eval, FunctionExit, RuleContext, Visitor } from './rule.js';
import { FlowGraph, NONE, type Val } from '../flow/graph.js';
import type { Facts } from '../flow/facts.js';

interface Scope {
  /** Declared names; created on the first declaration (most block scopes declare nothing). */
  vars: Map<string, number> | null;
  pending: Map<string, number> | null;
  parent: Scope | null;
  isFunction: boolean;
  depth: number;
}

interface FnInfo {
  params: number[];
  rest: number;
  ret: number;
  /** Node standing for the function object; carries its returns so wrappers pass them on. */
  value: number;
}

interface Frame {
  fn: FnInfo;
  constReturns: string[] | null;
  tests: Val;
  testCount: number;
}

interface CallRecord {
  callee: number; // binding node or -1
  prop: string | null;
  receiver: Val;
  calleeVal: Val;
  args: Val[];
  result: number;
}

/**
 * Standard globals whose values are the runtime's own. Reads of them (when the file declares no such
 * name) carry nothing of the package, so the walk makes no flow node for them or their members.
 */
const GLOBALS = new Set(
  (
    'Object Array Math JSON Number String Boolean Symbol Promise Reflect Proxy Error TypeError RangeError ' +
    'SyntaxError Map Set WeakMap WeakSet WeakRef Date RegExp BigInt Uint8Array Int8Array Uint16Array Int16Array ' +
    'Uint32Array Int32Array Float32Array Float64Array BigInt64Array BigUint64Array ArrayBuffer SharedArrayBuffer ' +
    'DataView Atomics Function isNaN isFinite parseInt parseFloat encodeURIComponent decodeURIComponent ' +
    'encodeURI decodeURI console setTimeout clearTimeout setInterval clearInterval setImmediate clearImmediate ' +
    'queueMicrotask structuredClone Infinity NaN globalThis AbortController AbortSignal TextEncoder TextDecoder ' +
    'URLSearchParams Event EventTarget'
  ).split(' '),
);

/** Names of built-in methods; calls to them are never resolved to same-named functions of the file. */
const BUILTIN_METHODS = new Set(
  (
    'replace replaceAll split join slice substring substr trim trimStart trimEnd toLowerCase toUpperCase ' +
    'includes indexOf lastIndexOf startsWith endsWith match matchAll search test exec charAt charCodeAt ' +
    'codePointAt concat padStart padEnd repeat normalize localeCompare toString valueOf map filter reduce ' +
    'reduceRight forEach some every find findIndex findLast findLastIndex flatMap flat sort reverse push pop ' +
    'shift unshift splice fill keys values entries get set has add delete then catch finally call apply bind ' +
    'from of assign freeze create defineProperty stringify parse resolve reject all allSettled race any ' +
    'toFixed toISOString getTime now'
  ).split(' '),
);

const CALLBACK_ELEMENT_METHODS = new Set([
  'map', 'filter', 'forEach', 'some', 'every', 'find', 'findIndex', 'findLast', 'findLastIndex', 'flatMap', 'sort', 'then',
]);
const RESULT_IS_RECEIVER = new Set(['filter', 'find', 'findLast', 'sort', 'slice', 'reverse', 'concat']);

export interface WalkLimits {
  maxDepth: number;
}

export interface WalkOutcome {
  depthExceeded: boolean;
  nodes: number;
}

type Hook = keyof Visitor;

export class Walker {
  readonly graph: FlowGraph;
  private scope: Scope;
  private frame: Frame | null = null;
  private readonly props = new Map<string, Val>();
  private readonly propWrites = new Set<number>();
  private readonly propFns = new Map<string, number[]>();
  private readonly fnRefs = new Map<number, number[]>();
  private readonly fns: FnInfo[] = [];
  private readonly calls: CallRecord[] = [];
  private readonly constants = new Map<number, number>();
  private readonly hooks: { [K in Hook]?: NonNullable<Visitor[K]>[] } = {};
  private extra: number[] | null = null;
  private readonly ev: EvalRecord;
  /** Per name, the bindings in scope as [depth, node] pairs, innermost last: one lookup per read. */
  private readonly visible = new Map<string, (number | Val)[]>();
  /** Nodes of the branch tests enclosing the current statement (innermost last). */
  private readonly control: number[] = [];
  private depth = 0;
  private nodes = 0;
  private depthExceeded = false;

  constructor(
    private readonly ctxBase: Omit<RuleContext, 'seed' | 'constantOf' | 'recordSource' | 'recordSink'>,
    private readonly limits: WalkLimits,
  ) {
    this.graph = ctxBase.graph;
    this.scope = { vars: null, pending: null, parent: null, isFunction: true, depth: 0 };
    this.ev = new EvalRecord(this.graph);
  }

  /** Registers rule visitors (made from contexts this walker handed out) before `run`. */
  use(visitors: Visitor[]): void {
    for (const v of visitors) {
      for (const key of Object.keys(v) as Hook[]) {
        const list = (this.hooks[key] ??= []) as unknown[];
        list.push(v[key]);
      }
    }
  }

  /** Property-name nodes (field-based), for evidence such as "stored as property `x`". */
  propertyNodes(): Map<number, string> {
    const out = new Map<number, string>();
    for (const [name, v] of this.props) out.set(this.graph.find(v[0]!), name);
    return out;
  }

  get facts(): Facts {
    return this.ctxBase.facts;
  }

  /** Context handed to rules; `seed` adds to the node being visited. */
  makeContext(): RuleContext {
    const seed = (origin: number): number => {
      const n = this.graph.node(origin);
      (this.extra ??= []).push(n);
      return n;
    };
    const facts = this.ctxBase.facts;
    const inventory = this.ctxBase.inventory;
    return {
      ...this.ctxBase,
      seed,
      constantOf: (node: number) => this.constants.get(this.graph.find(node)),
      recordSource: (kind, at, detail) => {
        facts.sources.push({ kind, node: seed(at.start), start: at.start, end: at.end, detail });
        inventory.fingerprint(kind, at.start);
      },
      recordSink: (kind, at, value, detail) => {
        const n = this.graph.node(at.start);
        this.graph.flowInto(value, n);
        // A request made only on some branch is itself a decision's effect.
        if (this.control.length > 0) this.controlled(n);
        facts.sinks.push({ kind, node: n, start: at.start, end: at.end, detail });
      },
    };
  }

  run(program: AnyNode): WalkOutcome {
    this.hoist(program.body, this.scope);
    const programFn: FnInfo = { params: [], rest: -1, ret: this.graph.node(0), value: this.graph.node(0) };
    this.frame = { fn: programFn, constReturns: null, tests: NONE, testCount: 0 };
    for (const s of program.body) this.stmt(s);
    this.closeScope(this.scope);
    for (const h of this.hooks.ProgramExit ?? []) h();
    this.finishCalls();
    return { depthExceeded: this.depthExceeded, nodes: this.nodes };
  }

  // ---------------------------------------------------------------- scopes

  private pushScope(isFunction: boolean): Scope {
    this.scope = { vars: null, pending: null, parent: this.scope, isFunction, depth: this.scope.depth + 1 };
    return this.scope;
  }

  private popScope(): void {
    const s = this.scope;
    this.closeScope(s);
    if (s.vars) {
      for (const name of s.vars.keys()) {
        const st = this.visible.get(name)!;
        // Entries are [depth, value] pairs ordered by depth; this scope's is the top one.
        for (let i = st.length - 2; i >= 0; i -= 2) {
          if (st[i] === s.depth) {
            st.splice(i, 2);
            break;
          }
        }
      }
    }
    this.scope = s.parent!;
  }

  private closeScope(s: Scope): void {
    if (!s.pending) return;
    const parent = s.parent;
    for (const [name, ph] of s.pending) {
      const own = s.vars?.get(name);
      if (own !== undefined) {
        this.graph.union(own, ph);
        continue;
      }
      if (!parent) continue; // a global
      const declared = parent.vars?.get(name);
      if (declared !== undefined) {
        this.graph.union(declared, ph);
        continue;
      }
      const pp = (parent.pending ??= new Map());
      const other = pp.get(name);
      if (other !== undefined) this.graph.union(other, ph);
      else pp.set(name, ph);
    }
    s.pending = null;
  }

  private declare(name: string, at: number, scope = this.scope): number {
    const vars = (scope.vars ??= new Map());
    const existing = vars.get(name);
    if (existing !== undefined) return existing;
    const n = this.graph.node(at);
    vars.set(name, n);
    // Make it visible, below any inner scope's binding of the same name (a `var` declared from a block).
    let st = this.visible.get(name);
    if (!st) this.visible.set(name, (st = []));
    let i = st.length;
    while (i > 0 && (st[i - 2] as number) > scope.depth) i -= 2;
    // The binding's one-element value is made once here and shared by every read of the name.
    const v: Val = [n];
    if (i === st.length) st.push(scope.depth, v);
    else st.splice(i, 0, scope.depth, v);
    const ph = scope.pending?.get(name);
    if (ph !== undefined) {
      this.graph.union(n, ph);
      scope.pending!.delete(name);
    }
    return n;
  }

  private functionScope(): Scope {
    let s = this.scope;
    while (!s.isFunction && s.parent) s = s.parent;
    return s;
  }

  private lookup(name: string, at: number): number {
    const st = this.visible.get(name);
    if (st !== undefined && st.length > 0) return (st[st.length - 1] as Val)[0]!;
    return this.unresolved(name, at);
  }

  /** The value of reading `name`: shared for declared names, so a read allocates nothing. */
  private lookupVal(name: string, at: number): Val {
    const st = this.visible.get(name);
    if (st !== undefined && st.length > 0) return st[st.length - 1] as Val;
    return [this.unresolved(name, at)];
  }

  /** A name not (yet) declared in any enclosing scope: a placeholder merged when its declaration closes. */
  private unresolved(name: string, at: number): number {
    const pend = (this.scope.pending ??= new Map());
    let ph = pend.get(name);
    if (ph === undefined) {
      ph = this.graph.node(at);
      pend.set(name, ph);
    }
    return ph;
  }

  /** Declares hoisted names (function declarations, `var`) of a statement list up front. */
  private hoist(body: AnyNode[], scope: Scope): void {
    for (const s of body) {
      let d = s;
      if (d.type === 'ExportNamedDeclaration' || d.type === 'ExportDefaultDeclaration') d = d.declaration;
      if (!d) continue;
      if (d.type === 'FunctionDeclaration' && d.id) this.declareFunction(d, scope);
      else if (d.type === 'VariableDeclaration' && d.kind === 'var') {
        for (const dec of d.declarations) if (dec.id.type === 'Identifier') this.declare(dec.id.name, dec.start, this.functionScope());
      } else if (d.type === 'ClassDeclaration' && d.id) this.declare(d.id.name, d.start, scope);
    }
  }

  private propNode(name: string): number {
    return this.propVal(name)[0]!;
  }

  /** The shared one-element value of a property-name node. */
  private propVal(name: string): Val {
    let v = this.props.get(name);
    if (v === undefined) {
      v = [this.graph.node(-1)];
      this.props.set(name, v);
    }
    return v;
  }

  private writeProp(name: string, v: Val): void {
    const p = this.propNode(name);
    this.propWrites.add(p);
    this.graph.flowInto(v, p);
  }

  // ---------------------------------------------------------------- visitors

  private visit<K extends Hook>(hook: K, node: AnyNode, ev: unknown): void {
    const list = this.hooks[hook];
    if (!list) return;
    for (const h of list) (h as (n: AnyNode, e: unknown) => void)(node, ev);
  }

  /** Runs the hooks for an evaluated expression and returns its (possibly seeded) value. */
  private after<K extends Hook>(hook: K, node: AnyNode, value: Val): Val {
    const list = this.hooks[hook];
    if (!list) return value;
    // One mutable record serves every visit: hooks run one node at a time and never re-enter the walk.
    const ev = this.ev;
    ev.node = node;
    ev.current = value;
    const saved = this.extra;
    this.extra = null;
    for (const h of list) (h as (n: AnyNode, e: Eval) => void)(node, ev as unknown as Eval);
    const added = this.extra as number[] | null;
    this.extra = saved;
    let current = ev.current;
    if (added) for (const n of added) current = this.graph.join(current, this.graph.one(n));
    ev.reset();
    return current;
  }


  // ---------------------------------------------------------------- statements

  private stmt(node: AnyNode): void {
    if (!node) return;
    if (++this.depth > this.limits.maxDepth) {
      this.depthExceeded = true;
      this.depth--;
      return;
    }
    this.nodes++;
    switch (node.type) {
      case 'ExpressionStatement':
        this.expr(node.expression);
        break;
      case 'VariableDeclaration':
        this.varDecl(node);
        break;
      case 'FunctionDeclaration': {
        const pre = this.hoisted.has(node.start);
        const fn = this.func(node);
        if (node.id && !pre) {
          const b = this.lookupOrDeclareHoisted(node.id.name, node.start);
          this.addFnRef(b, fn);
          this.graph.edge(this.fns[fn]!.value, b);
        }
        break;
      }
      case 'ClassDeclaration': {
        const v = this.classNode(node);
        if (node.id) this.graph.flowInto(v, this.declare(node.id.name, node.start));
        break;
      }
      case 'ReturnStatement': {
        const frame = this.frame!;
        if (this.control.length > 0) this.controlled(frame.fn.ret);
        if (node.argument) {
          const v = this.expr(node.argument);
          this.graph.flowInto(v, frame.fn.ret);
          this.noteReturn(frame, node.argument);
        } else this.noteReturn(frame, null);
        break;
      }
      case 'IfStatement': {
        const t = this.expr(node.test);
        this.test(t);
        this.underTest(t, () => {
          this.stmt(node.consequent);
          this.stmt(node.alternate);
        });
        break;
      }
      case 'BlockStatement':
        this.block(node.body);
        break;
      case 'ForStatement':
        this.pushScope(false);
        if (node.init) {
          if (node.init.type === 'VariableDeclaration') this.varDecl(node.init);
          else this.expr(node.init);
        }
        if (node.test) this.test(this.expr(node.test));
        if (node.update) this.expr(node.update);
        this.stmt(node.body);
        this.popScope();
        break;
      case 'ForInStatement':
      case 'ForOfStatement': {
        this.pushScope(false);
        const right = this.expr(node.right);
        if (node.left.type === 'VariableDeclaration') {
          const kind = node.left.kind;
          for (const d of node.left.declarations) this.bindPattern(d.id, right, kind);
        } else this.assignTarget(node.left, right);
        this.stmt(node.body);
        this.popScope();
        break;
      }
      case 'WhileStatement':
      case 'DoWhileStatement':
        this.test(this.expr(node.test));
        this.stmt(node.body);
        break;
      case 'SwitchStatement': {
        const d = this.expr(node.discriminant);
        this.test(d);
        this.pushScope(false);
        this.underTest(d, () => {
          for (const c of node.cases) {
            if (c.test) this.test(this.graph.join(d, this.expr(c.test)));
            this.hoistLexical(c.consequent);
            for (const s of c.consequent) this.stmt(s);
          }
        });
        this.popScope();
        break;
      }
      case 'TryStatement':
        this.stmt(node.block);
        if (node.handler) {
          this.pushScope(false);
          if (node.handler.param) this.bindPattern(node.handler.param, NONE, 'let');
          this.block(node.handler.body.body);
          this.popScope();
        }
        this.stmt(node.finalizer);
        break;
      case 'ThrowStatement':
        this.expr(node.argument);
        break;
      case 'LabeledStatement':
        this.stmt(node.body);
        break;
      case 'WithStatement':
        this.expr(node.object);
        this.stmt(node.body);
        break;
      case 'ExportNamedDeclaration':
        if (node.declaration) this.stmt(node.declaration);
        break;
      case 'ExportDefaultDeclaration':
        if (node.declaration.type.endsWith('Declaration')) this.stmt(node.declaration);
        else this.expr(node.declaration);
        break;
      case 'ImportDeclaration':
        for (const sp of node.specifiers) this.declare(sp.local.name, sp.start);
        break;
      case 'StaticBlock':
        this.block(node.body);
        break;
      default:
        // EmptyStatement, DebuggerStatement, Break/Continue, ExportAll: nothing flows.
        break;
    }
    this.depth--;
  }

  private lookupOrDeclareHoisted(name: string, at: number): number {
    const own = this.scope.vars?.get(name);
    return own !== undefined ? own : this.declare(name, at);
  }

  private hoistLexical(body: AnyNode[]): void {
    for (const s of body) if (s.type === 'FunctionDeclaration' && s.id) this.declareFunction(s, this.scope);
  }

  /**
   * Declares a hoisted function and makes its parameter and return nodes now, so that calls met
   * before its body is walked are resolved on the spot instead of being kept for later.
   */
  private declareFunction(d: AnyNode, scope: Scope): void {
    const b = this.declare(d.id.name, d.start, scope);
    if (this.hoisted.has(d.start)) return;
    const fn = this.newFn(d);
    this.hoisted.set(d.start, fn);
    this.addFnRef(b, fn);
    this.graph.edge(this.fns[fn]!.value, b);
  }

  private newFn(node: AnyNode): number {
    const graph = this.graph;
    const info: FnInfo = { params: [], rest: -1, ret: graph.node(node.start), value: graph.node(node.start) };
    for (const p of node.params) {
      const pn = graph.node(p.start);
      if (p.type === 'RestElement') info.rest = pn;
      else info.params.push(pn);
    }
    graph.edge(info.ret, info.value);
    this.fns.push(info);
    return this.fns.length - 1;
  }

  /** Function ids by the start offset of their AST node (no two function nodes start at one offset). */
  private readonly hoisted = new Map<number, number>();

  private block(body: AnyNode[]): void {
    this.pushScope(false);
    this.hoistLexical(body);
    for (const s of body) this.stmt(s);
    this.popScope();
  }

  private varDecl(node: AnyNode): void {
    for (const d of node.declarations) {
      const v = d.init ? this.expr(d.init) : NONE;
      const binding = this.bindPattern(d.id, v, node.kind, d.init);
      if (binding !== null && d.init) {
        const init = d.init;
        if (init.type === 'Literal' && typeof init.value === 'number') this.constants.set(binding, init.value);
      }
      this.visit('VariableDeclarator', d, { binding });
    }
  }

  /** Edges from the enclosing branch tests into `to`: what a branch assigns is decided by its test. */
  private controlled(to: number): void {
    const c = this.control;
    for (let i = Math.max(0, c.length - 2); i < c.length; i++) this.graph.controlEdge(c[i]!, to);
  }

  /** Walks `body` with `test` as its controlling condition. */
  private underTest(test: Val, body: () => void): void {
    if (test.length === 0) return body();
    this.control.push(test.length === 1 ? test[0]! : this.graph.fold(test)[0]!);
    try {
      body();
    } finally {
      this.control.pop();
    }
  }

  private test(v: Val): void {
    const frame = this.frame!;
    if (v.length === 0 || frame.testCount >= 64) return;
    frame.testCount++;
    frame.tests = this.graph.join(frame.tests, v);
  }

  private noteReturn(frame: Frame, arg: AnyNode | null): void {
    if (frame.constReturns === null) return;
    const s = arg ? constString(arg) : null;
    if (s === null) {
      frame.constReturns = null;
      return;
    }
    if (!frame.constReturns.includes(s)) frame.constReturns.push(s);
  }

  // ---------------------------------------------------------------- patterns

  /** Binds a declaration pattern; returns the binding node for a plain identifier. */
  private bindPattern(p: AnyNode, v: Val, kind: string, init?: AnyNode): number | null {
    switch (p.type) {
      case 'Identifier': {
        const scope = kind === 'var' ? this.functionScope() : this.scope;
        const b = this.declare(p.name, p.start, scope);
        this.graph.flowInto(v, b);
        if (init) this.noteFnRef(b, init);
        return b;
      }
      case 'ObjectPattern':
        for (const prop of p.properties) {
          if (prop.type === 'RestElement') this.bindPattern(prop.argument, v, kind);
          else {
            const key = propKey(prop);
            if (prop.computed) this.expr(prop.key);
            this.bindPattern(prop.value, key !== null ? this.readProp(key, v, prop.start) : v, kind);
          }
        }
        return null;
      case 'ArrayPattern':
        for (const el of p.elements) if (el) this.bindPattern(el, v, kind);
        return null;
      case 'RestElement':
        return this.bindPattern(p.argument, v, kind);
      case 'AssignmentPattern':
        return this.bindPattern(p.left, this.graph.join(v, this.expr(p.right)), kind, p.right);
      default:
        this.assignTarget(p, v);
        return null;
    }
  }

  private assignTarget(t: AnyNode, v: Val): void {
    switch (t.type) {
      case 'Identifier': {
        const b = this.lookup(t.name, t.start);
        this.graph.flowInto(v, b);
        if (this.control.length > 0) this.controlled(b);
        return;
      }
      case 'MemberExpression': {
        const obj = this.expr(t.object);
        const key = t.computed ? constString(t.property) : t.property.name;
        if (t.computed) this.expr(t.property);
        if (key !== null) {
          this.writeProp(key, v);
          if (this.control.length > 0) this.controlled(this.propNode(key));
        }
        // The object as a whole now carries the value too (objects are collapsed for taint).
        for (const n of obj) this.graph.flowInto(v, n);
        return;
      }
      case 'ObjectPattern':
      case 'ArrayPattern':
      case 'AssignmentPattern':
      case 'RestElement':
        this.bindPatternAssign(t, v);
        return;
      default:
        this.expr(t);
    }
  }

  private bindPatternAssign(p: AnyNode, v: Val): void {
    switch (p.type) {
      case 'ObjectPattern':
        for (const prop of p.properties) {
          if (prop.type === 'RestElement') this.assignTarget(prop.argument, v);
          else {
            const key = propKey(prop);
            this.assignTarget(prop.value, key !== null ? this.readProp(key, v, prop.start) : v);
          }
        }
        return;
      case 'ArrayPattern':
        for (const el of p.elements) if (el) this.assignTarget(el, v);
        return;
      case 'AssignmentPattern':
        this.assignTarget(p.left, this.graph.join(v, this.expr(p.right)));
        return;
      case 'RestElement':
        this.assignTarget(p.argument, v);
        return;
    }
  }

  private readProp(key: string, object: Val, at: number): Val {
    const pv = this.propVal(key);
    if (object.length === 0) return pv;
    const p = pv[0]!;
    const n = this.graph.node(at);
    this.graph.edge(p, n);
    for (let i = 0; i < object.length; i++) this.graph.edge(object[i]!, n, true);
    return this.graph.one(n);
  }

  // ---------------------------------------------------------------- functions

  private func(node: AnyNode): number {
    const graph = this.graph;
    const id = this.hoisted.get(node.start) ?? this.newFn(node);
    const info = this.fns[id]!;
    const savedFrame = this.frame;
    const savedScope = this.scope;
    this.frame = { fn: info, constReturns: [], tests: NONE, testCount: 0 };
    this.pushScope(true);
    if (node.type === 'FunctionExpression' && node.id) this.declare(node.id.name, node.start);
    let positional = 0;
    for (const p of node.params) {
      const pn = p.type === 'RestElement' ? info.rest : info.params[positional++]!;
      this.bindPattern(p.type === 'RestElement' ? p.argument : p, graph.one(pn), 'let');
    }
    const body = node.body;
    if (body.type === 'BlockStatement') {
      this.hoist(body.body, this.scope);
      for (const s of body.body) this.stmt(s);
    } else {
      const v = this.expr(body);
      graph.flowInto(v, info.ret);
      this.noteReturn(this.frame, body);
    }
    const frame = this.frame;
    this.popScope();
    this.scope = savedScope;
    this.frame = savedFrame;
    if (this.hooks.FunctionExit) {
      const exit: FunctionExit = {
        constReturns: frame.constReturns && frame.constReturns.length > 0 ? frame.constReturns : null,
        tests: frame.tests,
        ret: info.ret,
        span: { start: node.start, end: node.end },
      };
      this.visit('FunctionExit', node, exit);
    }
    return id;
  }

  private addFnRef(binding: number, fn: number): void {
    const list = this.fnRefs.get(binding);
    if (list) list.push(fn);
    else this.fnRefs.set(binding, [fn]);
  }

  /** Remembers `x = function/arrow` so calls of `x(...)` bind arguments to parameters. */
  private noteFnRef(binding: number, init: AnyNode): void {
    if (init.type === 'FunctionExpression' || init.type === 'ArrowFunctionExpression') {
      const fn = this.lastFnFor.get(init.start);
      if (fn !== undefined) this.addFnRef(binding, fn);
    }
  }

  /** Function expressions evaluated so far, by start offset (looked up right after evaluation). */
  private readonly lastFnFor = new Map<number, number>();

  private classNode(node: AnyNode): Val {
    const graph = this.graph;
    const cls = graph.node(node.start);
    if (node.superClass) graph.flowInto(this.expr(node.superClass), cls);
    this.pushScope(false);
    if (node.id && node.type === 'ClassExpression') this.declare(node.id.name, node.start);
    for (const m of node.body.body) {
      if (m.type === 'StaticBlock') {
        this.block(m.body);
        continue;
      }
      if (m.computed) this.expr(m.key);
      const key = m.key && !m.computed ? (m.key.type === 'Identifier' ? m.key.name : constString(m.key)) : null;
      if (m.type === 'MethodDefinition' && m.value) {
        const fn = this.func(m.value);
        if (key !== null) this.addPropFn(key, fn);
      } else if (m.value) {
        const v = this.expr(m.value);
        if (key !== null) this.writeProp(key, v);
      }
    }
    this.popScope();
    return graph.one(cls);
  }

  private addPropFn(name: string, fn: number): void {
    const list = this.propFns.get(name);
    // Only the first two are kept: a method name defined more than once cannot be resolved by name.
    if (list) {
      if (list.length < 2) list.push(fn);
    } else this.propFns.set(name, [fn]);
  }

  // ---------------------------------------------------------------- expressions

  expr(node: AnyNode): Val {
    if (!node) return NONE;
    if (++this.depth > this.limits.maxDepth) {
      this.depthExceeded = true;
      this.depth--;
      return NONE;
    }
    this.nodes++;
    const v = this.exprInner(node);
    this.depth--;
    return v;
  }

  private exprInner(node: AnyNode): Val {
    const graph = this.graph;
    switch (node.type) {
      case 'Identifier': {
        const name = node.name;
        if (name === 'undefined') return NONE;
        const st = this.visible.get(name);
        // Built-in globals (Math, JSON, Object, …) carry no data of the package's: no node for them.
        if ((st === undefined || st.length === 0) && GLOBALS.has(name)) return this.hooks.Identifier ? this.after('Identifier', node, NONE) : NONE;
        const v = this.lookupVal(name, node.start);
        return this.hooks.Identifier ? this.after('Identifier', node, v) : v;
      }
      case 'Literal':
        return this.hooks.Literal ? this.after('Literal', node, NONE) : NONE;
      case 'TemplateLiteral': {
        let v = NONE;
        for (const e of node.expressions) v = graph.join(v, this.expr(e));
        return this.after('TemplateLiteral', node, v);
      }
      case 'TaggedTemplateExpression': {
        const tag = this.expr(node.tag);
        let v = tag;
        for (const e of node.quasi.expressions) v = graph.join(v, this.expr(e));
        return v;
      }
      case 'ArrayExpression': {
        let v = NONE;
        for (const e of node.elements) if (e) v = graph.join(v, this.expr(e.type === 'SpreadElement' ? e.argument : e));
        return this.after('ArrayExpression', node, v.length > 1 ? graph.fold(v, node.start) : v);
      }
      case 'ObjectExpression':
        return this.object(node);
      case 'FunctionExpression':
      case 'ArrowFunctionExpression': {
        const fn = this.func(node);
        this.lastFnFor.set(node.start, fn);
        return graph.one(this.fns[fn]!.value);
      }
      case 'ClassExpression':
        return this.classNode(node);
      case 'UnaryExpression': {
        const v = this.expr(node.argument);
        return node.operator === 'void' || node.operator === 'delete' ? NONE : v;
      }
      case 'UpdateExpression':
        return this.expr(node.argument);
      case 'BinaryExpression': {
        const left = this.expr(node.left);
        const right = this.expr(node.right);
        const v = graph.join(left, right);
        if (!this.hooks.BinaryExpression) return v;
        this.ev.left = left;
        this.ev.right = right;
        return this.after('BinaryExpression', node, v);
      }
      case 'LogicalExpression': {
        const left = this.expr(node.left);
        this.test(left);
        return graph.join(left, this.expr(node.right));
      }
      case 'AssignmentExpression': {
        const right = this.expr(node.right);
        const t = node.left;
        if (t.type === 'Identifier' && (node.right.type === 'FunctionExpression' || node.right.type === 'ArrowFunctionExpression')) {
          const b = this.lookup(t.name, t.start);
          this.noteFnRef(b, node.right);
        }
        if (t.type === 'MemberExpression' && !t.computed && (node.right.type === 'FunctionExpression' || node.right.type === 'ArrowFunctionExpression')) {
          const fn = this.lastFnFor.get(node.right.start);
          if (fn !== undefined) this.addPropFn(t.property.name, fn);
        }
        this.assignTarget(t, right);
        if (node.operator === '=') return right;
        return t.type === 'Identifier' ? graph.join(graph.one(this.lookup(t.name, t.start)), right) : right;
      }
      case 'ConditionalExpression': {
        const test = this.expr(node.test);
        this.test(test);
        const consequent = this.expr(node.consequent);
        const alternate = this.expr(node.alternate);
        let v = graph.join(consequent, alternate);
        if (test.length > 0) {
          // Which branch is taken depends on the test: the result is control-dependent on it.
          const r = graph.node(node.start);
          graph.flowInto(v, r);
          for (const t of test) graph.controlEdge(t, r);
          v = graph.one(r);
        }
        if (!this.hooks.ConditionalExpression) return v;
        this.ev.test = test;
        this.ev.consequent = consequent;
        this.ev.alternate = alternate;
        return this.after('ConditionalExpression', node, v);
      }
      case 'SequenceExpression': {
        let v = NONE;
        for (const e of node.expressions) v = this.expr(e);
        return v;
      }
      case 'MemberExpression':
        return this.member(node);
      case 'ChainExpression':
        return this.expr(node.expression);
      case 'CallExpression':
      case 'NewExpression':
        return this.call(node);
      case 'AwaitExpression':
      case 'SpreadElement':
        return this.expr(node.argument);
      case 'YieldExpression':
        if (node.argument) graph.flowInto(this.expr(node.argument), this.frame!.fn.ret);
        return NONE;
      case 'ImportExpression':
        this.expr(node.source);
        return NONE;
      case 'ParenthesizedExpression':
        return this.expr(node.expression);
      default:
        // ThisExpression, Super, MetaProperty, PrivateIdentifier, JSX: no tracked value.
        return NONE;
    }
  }

  private object(node: AnyNode): Val {
    const graph = this.graph;
    let whole = NONE;
    for (const p of node.properties) {
      if (p.type === 'SpreadElement') {
        whole = graph.join(whole, this.expr(p.argument));
        continue;
      }
      if (p.computed) this.expr(p.key);
      const key = propKey(p);
      const valueNode = p.value;
      let v: Val;
      if (p.kind === 'get' || p.kind === 'set' || p.method) {
        const fn = this.func(valueNode);
        if (key !== null) this.addPropFn(key, fn);
        v = graph.one(this.fns[fn]!.ret);
      } else {
        v = this.expr(valueNode);
        if (key !== null && (valueNode.type === 'FunctionExpression' || valueNode.type === 'ArrowFunctionExpression')) {
          const fn = this.lastFnFor.get(valueNode.start);
          if (fn !== undefined) this.addPropFn(key, fn);
        }
      }
      if (key !== null) this.writeProp(key, v);
      whole = graph.join(whole, v);
    }
    const folded = whole.length > 1 ? graph.fold(whole, node.start) : whole;
    return this.hooks.ObjectExpression ? this.after('ObjectExpression', node, folded) : folded;
  }

  private member(node: AnyNode): Val {
    const object = this.expr(node.object);
    let key: string | null;
    if (node.computed) {
      const k = this.expr(node.property);
      key = constString(node.property);
      if (key === null) {
        // obj[dynamic]: the element could be anything in obj; the key itself selects it.
        const v = this.graph.join(object, k);
        if (!this.hooks.MemberExpression) return v;
        this.ev.object = object;
        return this.after('MemberExpression', node, v);
      }
    } else key = node.property.type === 'PrivateIdentifier' ? '#' + node.property.name : node.property.name;
    const v = this.readProp(key!, object, node.start);
    if (!this.hooks.MemberExpression) return v;
    this.ev.object = object;
    return this.after('MemberExpression', node, v);
  }

  private call(node: AnyNode): Val {
    const graph = this.graph;
    const callee = node.callee;
    let receiver = NONE;
    let calleeVal: Val;
    let binding = -1;
    let prop: string | null = null;
    let name: string | null = null;
    if (callee.type === 'MemberExpression' || (callee.type === 'ChainExpression' && callee.expression.type === 'MemberExpression')) {
      const m = callee.type === 'ChainExpression' ? callee.expression : callee;
      receiver = this.expr(m.object);
      if (m.computed) {
        this.expr(m.property);
        prop = constString(m.property);
      } else prop = m.property.name;
      name = prop;
      calleeVal = prop !== null ? graph.one(this.propNode(prop)) : NONE;
    } else if (callee.type === 'Identifier') {
      binding = this.lookup(callee.name, callee.start);
      calleeVal = graph.one(binding);
      name = callee.name;
    } else calleeVal = this.expr(callee);

    const args: Val[] = [];
    let fnArg: number | undefined;
    for (const a of node.arguments) {
      const av = this.expr(a.type === 'SpreadElement' ? a.argument : a);
      args.push(av);
      if (fnArg === undefined && (a.type === 'ArrowFunctionExpression' || a.type === 'FunctionExpression')) fnArg = this.lastFnFor.get(a.start);
    }

    const result = graph.node(node.start);
    if (prop !== null && BUILTIN_METHODS.has(prop)) {
      this.builtinCall(prop, receiver, args, fnArg, result);
    } else if (binding !== -1 && this.fnRefs.has(binding)) {
      // A function already known (hoisted declarations, earlier `const f = () => …`): bind now.
      this.bindCall(this.fnRefs.get(binding)!, args, result);
    } else {
      this.calls.push({ callee: binding, prop: binding === -1 ? prop : null, receiver, calleeVal, args, result });
      // A wrapper called with a function (memoize, once, lazy) hands back something that yields its returns.
      if (fnArg !== undefined) graph.edge(this.fns[fnArg]!.value, result);
    }
    let v: Val = graph.one(result);
    const hook = node.type === 'NewExpression' ? 'NewExpression' : 'CallExpression';
    if (this.hooks[hook]) {
      const ev = this.ev;
      ev.receiver = receiver;
      ev.args = args;
      ev.name = name;
      ev.callee = callee;
      v = this.after(hook, node, v);
    }
    return v;
  }

  private builtinCall(prop: string, receiver: Val, args: Val[], fnArg: number | undefined, result: number): void {
    const graph = this.graph;
    if (fnArg !== undefined && CALLBACK_ELEMENT_METHODS.has(prop)) {
      const fn = this.fns[fnArg]!;
      if (fn.params[0] !== undefined) graph.flowInto(receiver, fn.params[0]);
      graph.edge(fn.ret, result);
      if (RESULT_IS_RECEIVER.has(prop)) graph.flowInto(receiver, result);
      return;
    }
    if (fnArg !== undefined && (prop === 'reduce' || prop === 'reduceRight')) {
      const fn = this.fns[fnArg]!;
      if (fn.params[1] !== undefined) graph.flowInto(receiver, fn.params[1]);
      if (fn.params[0] !== undefined) {
        graph.edge(fn.ret, fn.params[0]);
        if (args[1]) graph.flowInto(args[1], fn.params[0]);
      }
      graph.edge(fn.ret, result);
      return;
    }
    if (prop === 'push' || prop === 'unshift' || prop === 'add' || prop === 'set' || prop === 'splice' || prop === 'fill') {
      for (const a of args) for (const r of receiver) graph.flowInto(a, r);
    }
    graph.flowInto(receiver, result);
    for (const a of args) graph.flowInto(a, result);
  }

  /** Arguments flow into the parameters of each possible callee, its return into the call's result. */
  private bindCall(targets: number[], args: Val[], result: number): void {
    const graph = this.graph;
    for (const t of targets) {
      const fn = this.fns[t]!;
      for (let i = 0; i < args.length; i++) {
        const p = i < fn.params.length ? fn.params[i] : fn.rest >= 0 ? fn.rest : undefined;
        if (p !== undefined) graph.flowInto(args[i]!, p);
      }
      graph.edge(fn.ret, result);
    }
  }

  /** Resolves recorded calls now that every declaration is known. */
  private finishCalls(): void {
    const graph = this.graph;
    const refs = new Map<number, number[]>();
    for (const [b, list] of this.fnRefs) {
      const r = graph.find(b);
      const existing = refs.get(r);
      refs.set(r, existing ? existing.concat(list) : list);
    }
    for (const c of this.calls) {
      let targets: number[] | undefined;
      if (c.callee !== -1) targets = refs.get(graph.find(c.callee));
      else if (c.prop !== null) {
        // By name only when exactly one function of the file has that method name.
        const byName = this.propFns.get(c.prop);
        if (byName && byName.length === 1 && c.prop.length > 2) targets = byName;
      }
      if (targets && targets.length > 0) {
        this.bindCall(targets, c.args, c.result);
      } else {
        // An unknown function's result may derive from its arguments and receiver. The callee's own
        // value counts only for plain identifiers (`lazy()` where lazy = memo(() => ...)); for methods
        // it would be every same-named method of the file.
        if (c.callee !== -1) graph.flowInto(c.calleeVal, c.result);
        graph.flowInto(c.receiver, c.result);
        for (const a of c.args) graph.flowInto(a, c.result);
      }
    }
    this.calls.length = 0;
  }
}

/**
 * What a visitor is told about the node it visits (`Eval`, `CallEval` and the per-type extras), as
 * one reusable record so the walk allocates nothing per visit.
 */
const NO_ARGS: Val[] = [];

class EvalRecord {
  node: AnyNode = null;
  current: Val = NONE;
  receiver: Val = NONE;
  args: Val[] = [];
  name: string | null = null;
  callee: AnyNode = null;
  private pathCache: string | null | undefined = undefined;
  object: Val = NONE;
  left: Val = NONE;
  right: Val = NONE;
  test: Val = NONE;
  consequent: Val = NONE;
  alternate: Val = NONE;

  constructor(private readonly graph: FlowGraph) {}

  get value(): Val {
    return this.current;
  }

  get path(): string | null {
    if (this.pathCache === undefined) this.pathCache = this.callee ? calleePath(this.callee) : null;
    return this.pathCache;
  }

  asNode(): number {
    const cur = this.current;
    if (cur.length === 1) return cur[0]!;
    const n = this.graph.node(this.node.start);
    this.graph.flowInto(cur, n);
    this.current = this.graph.one(n);
    return n;
  }

  reset(): void {
    this.node = null;
    this.callee = null;
    this.pathCache = undefined;
    this.name = null;
    this.receiver = this.object = this.left = this.right = this.test = this.consequent = this.alternate = NONE;
    this.args = NO_ARGS;
  }
}

/** The value of a string literal or an expression-free template literal. */
export function constString(node: AnyNode): string | null {
  if (!node) return null;
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0]?.value.cooked ?? null;
  return null;
}

function propKey(p: AnyNode): string | null {
  if (p.computed) return constString(p.key);
  if (p.key.type === 'Identifier') return p.key.name;
  if (p.key.type === 'Literal') return String(p.key.value);
  return null;
}

/** `a.b.c` for a chain of identifiers and static members, else null. */
export function calleePath(node: AnyNode): string | null {
  const parts: string[] = [];
  let cur = node;
  for (let i = 0; i < 8; i++) {
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
      // require('os').hostname → os.hostname
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
