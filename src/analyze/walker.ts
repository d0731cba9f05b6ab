// The one walk over a file's AST. It evaluates every expression into the value-flow graph and calls
// every rule's visitor for the node it has just evaluated, so detectors and data flow share a single
// pass. Scopes (walk/scopes.ts), functions and call resolution (walk/functions.ts) and the runtime's
// built-ins (walk/builtins.ts) are resolved in the same pass.

import type { AnyNode, FunctionExit, RuleContext, Visitor } from './rule.js';
import { FlowGraph, NONE, type Val } from '../flow/graph.js';
import type { Facts } from '../flow/facts.js';
import { constString, isFunctionNode, isProcessEnv, memberName, propKey, unwrapChain } from './ast.js';
import { importedEntry, type ChunkExports, type PackageExports } from './package/chunk-exports.js';
import { Scopes, type Scope } from './walk/scopes.js';
import { Functions, type FnInfo } from './walk/functions.js';
import { BUILTIN_METHODS, modelBuiltinCall, RUNTIME_GLOBALS } from './walk/builtins.js';
import { EvalRecord } from './walk/eval-record.js';
import { HookTable, type Hook, type HookEntry } from './walk/hook-table.js';
import { NameTable, type ModuleFrame, type NameRecord } from './walk/names.js';
import { isExportTarget, isModuleRecord, moduleMapBodies, wrappedBodies } from './walk/modules.js';


interface Frame {
  fn: FnInfo;
  constReturns: string[] | null;
  tests: Val;
  testCount: number;
  /** The frame whose `this` this function sees (its own; an arrow function's enclosing one). */
  thisFrame: Frame | null;
  /** The node standing for `this` when something is known to become it (an event handler's object), else -1. */
  self: number;
}

/** Event-handler properties (`onload`, `onreadystatechange`): a handler assigned there runs with `this` set to the object. */
const HANDLER_PROPERTY = /^on[a-z]+$/;
/** Methods that register a handler run with `this` set to the receiver (DOM and Node event targets). */
const LISTENER_METHODS: ReadonlySet<string> = new Set(['addEventListener', 'on', 'once', 'addListener']);
/** `xhr.open('GET', url)`: a request object that is given its method and URL. */
const HTTP_METHOD = /^(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)$/i;

/** The arguments of every call without any (never changed: rules and call records only read them). */
const NO_ARGS: Val[] = Object.freeze([]) as unknown as Val[];

/** Branch tests recorded per function for FunctionExit (more say nothing new about a decoder). */
const MAX_TESTS_PER_FUNCTION = 64;
/** Enclosing branch tests that control an assignment (the innermost ones decide it). */
const CONTROL_DEPTH = 2;

export interface WalkLimits {
  maxDepth: number;
}

/** The name of a property-name node of the flow graph. */
export interface PropertyNames {
  get(node: number): string | undefined;
}

export interface WalkOutcome {
  depthExceeded: boolean;
  nodes: number;
}

export class Walker {
  readonly graph: FlowGraph;
  private readonly scopes: Scopes;
  private readonly functions: Functions;
  private frame: Frame | null = null;
  /** Every name's record: its property-name nodes and its hook lists, one lookup per node. */
  private readonly names = new NameTable();
  /** Every property-name node in creation order (ascending), and its name. */
  private readonly propIds: number[] = [];
  private readonly propNames: string[] = [];
  /** The module being walked (null: the file's own scope). */
  private module: ModuleFrame | null = null;
  /** Bindings of helpers that wrap CommonJS modules, and the start offsets of module functions still to walk. */
  private readonly wrapperHelpers: number[] = [];
  private readonly moduleBodies = new Set<number>();
  /** The top-level `var` whose initialiser is being walked (-1: none). */
  private topInit = -1;
  /** Start of the object literal assigned to `module.exports` (its properties are the module's exports). */
  private exportLiteral = -1;
  /**
   * Property nodes the file writes, each with one edge from `writtenMark` (a node that never carries taint): a graph
   * search tells a read of a property the file writes (with a value or a plain constant) from a read of one it never
   * does (`FlowGraph` option `preferStrong`).
   */
  private readonly propWrites = new Set<number>();
  private writtenMark = -1;
  private readonly constants = new Map<number, number>();
  /** The function about to be walked whose `this` is known (a handler being assigned or registered), and that value. */
  private thisFor: { start: number; val: Val } | null = null;
  private readonly hooks = new HookTable();
  private onFailure: (visitor: number, error: unknown, at: AnyNode) => void = (_v, e) => {
    throw e;
  };
  private extra: number[] | null = null;
  private readonly ev: EvalRecord;
  /** Nodes of the branch tests enclosing the current statement (innermost last). */
  private readonly control: number[] = [];
  private depth = 0;
  private nodes = 0;
  private depthExceeded = false;

  /** Bindings that hold `process.env` (an alias in this file, or an import of another file's alias). */
  private readonly envAliases = new Set<number>();

  constructor(
    private readonly ctxBase: Omit<RuleContext, 'seed' | 'constantOf' | 'recordSource' | 'recordSink' | 'isEnv' | 'importedChunk'>,
    private readonly limits: WalkLimits,
    /** What the other files of the package export that this file may import (package/chunk-exports.ts). */
    private readonly chunkExports: PackageExports = {},
  ) {
    this.graph = ctxBase.graph;
    this.scopes = new Scopes(this.graph);
    this.functions = new Functions(this.graph);
    this.ev = new EvalRecord(this.graph);
  }

  /**
   * Registers rule visitors (made from contexts this walker handed out) before `run`. A visitor method that
   * throws is reported to `onFailure` (by the visitor's index, with the node it was visiting, or the exit record
   * for ProgramExit) and that visitor is not called again; without `onFailure` the error ends the walk.
   */
  use(visitors: Visitor[], onFailure?: (visitor: number, error: unknown, at: AnyNode) => void): void {
    this.hooks.add(visitors);
    if (onFailure) this.onFailure = onFailure;
  }

  /**
   * Calls every hook of a list. Errors are caught here, once per visit, rather than by a wrapper around each
   * rule's methods: a bundle has millions of visits, and a wrapper doubles the calls of each.
   */
  private dispatch(list: readonly HookEntry[], node: AnyNode, ev: unknown): void {
    for (let i = 0; i < list.length; i++) {
      const h = list[i]!;
      try {
        h.fn(node, ev);
      } catch (e) {
        this.hooks.drop(h.owner);
        this.onFailure(h.owner, e, node);
      }
    }
  }

  /**
   * Property-name nodes (field-based), for evidence such as "stored as property `x`". Looked up by binary
   * search over the nodes in creation order: a bundle has hundreds of thousands and evidence asks for a few.
   * Property nodes are never merged (only bindings are), so each is its own representative.
   */
  propertyNodes(): PropertyNames {
    const ids = this.propIds;
    const names = this.propNames;
    return {
      get(node: number): string | undefined {
        let lo = 0;
        let hi = ids.length - 1;
        while (lo <= hi) {
          const mid = (lo + hi) >>> 1;
          const id = ids[mid]!;
          if (id === node) return names[mid];
          if (id < node) lo = mid + 1;
          else hi = mid - 1;
        }
        return undefined;
      },
    };
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
      importedChunk: (source: unknown) => this.importedChunk(source),
      isEnv: (node: AnyNode, value: Val) => isProcessEnv(node) || (value.length === 1 && this.envAliases.size > 0 && this.envAliases.has(value[0]!)),
      recordSource: (kind, at, detail) => {
        facts.sources.push({ kind, node: seed(at.start), start: at.start, end: at.end, detail });
        inventory.fingerprint(kind, at.start);
      },
      recordSink: (kind, at, value, detail) => {
        const n = this.graph.node(at.start);
        this.graph.flowInto(value, n);
        // A request made only on some branch, or in a function called only on some branch, is itself a decision's effect.
        if (this.control.length > 0) this.controlled(n);
        const entry = this.frame!.fn.entry;
        if (entry >= 0) this.graph.controlEdge(entry, n);
        facts.sinks.push({ kind, node: n, start: at.start, end: at.end, detail });
      },
    };
  }

  /** What the package's file that an import's `source` names exports for other chunks (undefined: not a file of the package, or nothing). */
  private importedChunk(source: unknown): ChunkExports | undefined {
    return typeof source === 'string' ? importedEntry(this.ctxBase.file, source, (f) => this.chunkExports[f]) : undefined;
  }

  run(program: AnyNode): WalkOutcome {
    this.hoist(program.body, this.scopes.current);
    const programFn: FnInfo = { params: [], rest: -1, ret: this.graph.node(0), value: this.graph.node(0), entry: -1 };
    this.frame = { fn: programFn, constReturns: null, tests: NONE, testCount: 0, thisFrame: null, self: -1 };
    for (const s of program.body) this.stmt(s);
    this.scopes.close(this.scopes.current);
    const exit = { tests: this.frame.tests };
    const atExit = this.hooks.all('ProgramExit');
    // ProgramExit's only argument is the exit record (it has no node).
    if (atExit) this.dispatch(atExit, exit, undefined);
    this.functions.finish();
    return { depthExceeded: this.depthExceeded, nodes: this.nodes };
  }

  // ---------------------------------------------------------------- scopes

  /** Declares hoisted names (function declarations, `var`) of a statement list up front. */
  private hoist(body: AnyNode[], scope: Scope): void {
    for (const s of body) {
      let d = s;
      if (d.type === 'ExportNamedDeclaration' || d.type === 'ExportDefaultDeclaration') d = d.declaration;
      if (!d) continue;
      if (d.type === 'FunctionDeclaration' && d.id) this.declareFunction(d, scope);
      else if (d.type === 'VariableDeclaration' && d.kind === 'var') {
        for (const dec of d.declarations) if (dec.id.type === 'Identifier') this.scopes.declare(dec.id.name, dec.start, this.scopes.functionScope());
      } else if (d.type === 'ClassDeclaration' && d.id) this.scopes.declare(d.id.name, d.start, scope);
    }
  }

  /** The shared one-element value of a property-name node (of the bundled module being walked, if any). */
  private propVal(r: NameRecord): Val {
    const m = this.module;
    if (m === null) return this.fileProp(r);
    if (r.module === m) return r.moduleProp!;
    let v = m.props.get(r.name);
    if (v === undefined) {
      v = this.newProp(r.name);
      m.props.set(r.name, v);
    }
    r.module = m;
    r.moduleProp = v;
    return v;
  }

  /** The property-name node of the whole file (what a bundled module's exports are also visible as). */
  private fileProp(r: NameRecord): Val {
    return (r.prop ??= this.newProp(r.name));
  }

  private newProp(name: string): Val {
    const n = this.graph.node(-1);
    this.propIds.push(n);
    this.propNames.push(name);
    return [n];
  }

  /** Writes property `name`; an export of a bundled module is also visible to the rest of the file. */
  private writeProp(name: string, v: Val, exported = false): number {
    const r = this.names.get(name);
    const p = this.propVal(r)[0]!;
    if (!this.propWrites.has(p)) {
      this.propWrites.add(p);
      if (this.writtenMark === -1) this.writtenMark = this.graph.node(-1);
      this.graph.edge(this.writtenMark, p);
    }
    this.graph.flowInto(v, p);
    if (exported && this.module) this.graph.flowInto(v, this.fileProp(r)[0]!);
    return p;
  }

  private isModuleParam = (id: AnyNode): boolean => {
    const m = this.module;
    if (!m) return false;
    const b = this.graph.find(this.scopes.lookup(id.name, id.start));
    return m.params.some((p) => this.graph.find(p) === b);
  };

  // ---------------------------------------------------------------- visitors

  private visit(hook: Hook, node: AnyNode, ev: unknown): void {
    const list = this.hooks.all(hook);
    if (list) this.dispatch(list, node, ev);
  }

  /** Runs the hooks for an evaluated expression and returns its (possibly seeded) value. */
  private after(list: readonly HookEntry[] | undefined, node: AnyNode, value: Val): Val {
    if (!list || list.length === 0) return value;
    // One mutable record serves every visit: hooks run one node at a time and never re-enter the walk.
    const ev = this.ev;
    ev.node = node;
    ev.current = value;
    const saved = this.extra;
    this.extra = null;
    this.dispatch(list, node, ev);
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
        const pre = this.functions.at(node.start) !== undefined;
        const fn = this.func(node);
        if (node.id && !pre) {
          const b = this.scopes.ownOrDeclare(node.id.name, node.start);
          this.functions.addRef(b, fn);
          this.graph.edge(this.functions.info(fn).value, b);
        }
        break;
      }
      case 'ClassDeclaration': {
        const v = this.classNode(node);
        if (node.id) this.graph.flowInto(v, this.scopes.declare(node.id.name, node.start));
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
        const under = this.enterTest(t);
        this.stmt(node.consequent);
        this.stmt(node.alternate);
        if (under) this.control.pop();
        break;
      }
      case 'BlockStatement':
        this.block(node.body);
        break;
      case 'ForStatement':
        this.scopes.push(false);
        if (node.init) {
          if (node.init.type === 'VariableDeclaration') this.varDecl(node.init);
          else this.expr(node.init);
        }
        {
          const t = node.test ? this.expr(node.test) : NONE;
          this.test(t);
          if (node.update) this.expr(node.update);
          this.stmt(node.body);
          if (this.hooks.all('Loop')) this.visit('Loop', node, { test: t });
        }
        this.scopes.pop();
        break;
      case 'ForInStatement':
      case 'ForOfStatement': {
        this.scopes.push(false);
        const right = this.expr(node.right);
        if (node.left.type === 'VariableDeclaration') {
          const kind = node.left.kind;
          for (const d of node.left.declarations) this.bindPattern(d.id, right, kind);
        } else this.assignTarget(node.left, right);
        this.stmt(node.body);
        this.scopes.pop();
        break;
      }
      case 'WhileStatement':
      case 'DoWhileStatement': {
        const t = this.expr(node.test);
        this.test(t);
        this.stmt(node.body);
        if (this.hooks.all('Loop')) this.visit('Loop', node, { test: t });
        break;
      }
      case 'SwitchStatement':
        this.switchStmt(node);
        break;
      case 'TryStatement':
        this.stmt(node.block);
        if (node.handler) {
          this.scopes.push(false);
          if (node.handler.param) this.bindPattern(node.handler.param, NONE, 'let');
          this.block(node.handler.body.body);
          this.scopes.pop();
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
      case 'ImportDeclaration': {
        const bindings = node.specifiers.map((sp: AnyNode) => this.scopes.declare(sp.local.name, sp.start));
        const env = this.importedChunk(node.source.value)?.env;
        if (env && env.length > 0) {
          node.specifiers.forEach((sp: AnyNode, i: number) => {
            const imported = sp.type === 'ImportSpecifier' ? (sp.imported.name ?? sp.imported.value) : null;
            if (imported !== null && env.includes(imported)) this.envAliases.add(bindings[i]!);
          });
        }
        this.visit('ImportDeclaration', node, { bindings });
        break;
      }
      case 'StaticBlock':
        this.block(node.body);
        break;
      default:
        // EmptyStatement, DebuggerStatement, Break/Continue, ExportAll: nothing flows.
        break;
    }
    this.depth--;
  }

  /**
   * `switch (d) { case a: case b: body }`: each case is a comparison of `d` with its test (a node the
   * SwitchCase visitors see, like `d === a`), and a body is decided by the cases that fall into it;
   * `default` by every case before it and the discriminant.
   */
  private switchStmt(node: AnyNode): void {
    const graph = this.graph;
    const d = this.expr(node.discriminant);
    this.test(d);
    this.scopes.push(false);
    let all = d;
    let falling = NONE;
    for (const c of node.cases) {
      if (c.test) {
        const t = this.expr(c.test);
        const n = graph.node(c.start);
        graph.flowInto(d, n);
        graph.flowInto(t, n);
        let v = graph.one(n);
        const onCase = this.hooks.all('SwitchCase');
        if (onCase) {
          this.ev.left = d;
          this.ev.right = t;
          v = graph.fold(this.after(onCase, c, v), c.start);
        }
        this.test(v);
        falling = graph.join(falling, v);
        all = graph.join(all, v);
      } else falling = graph.join(falling, all);
      this.hoistLexical(c.consequent);
      const under = this.enterTest(falling.length > 0 ? falling : d);
      for (const s of c.consequent) this.stmt(s);
      if (under) this.control.pop();
      // A body that ends the case (break, return, throw, continue) is not fallen into by the next one.
      if (c.consequent.length > 0 && endsCase(c.consequent[c.consequent.length - 1])) falling = NONE;
    }
    this.scopes.pop();
  }

  private hoistLexical(body: AnyNode[]): void {
    for (const s of body) if (s.type === 'FunctionDeclaration' && s.id) this.declareFunction(s, this.scopes.current);
  }

  /**
   * Declares a hoisted function and makes its parameter and return nodes now, so that calls met
   * before its body is walked are resolved on the spot instead of being kept for later.
   */
  private declareFunction(d: AnyNode, scope: Scope): void {
    const b = this.scopes.declare(d.id.name, d.start, scope);
    if (this.functions.at(d.start) !== undefined) return;
    const fn = this.functions.create(d);
    this.functions.addRef(b, fn);
    this.graph.edge(this.functions.info(fn).value, b);
  }



  private block(body: AnyNode[]): void {
    this.scopes.push(false);
    this.hoistLexical(body);
    for (const s of body) this.stmt(s);
    this.scopes.pop();
  }

  private varDecl(node: AnyNode): void {
    for (const d of node.declarations) {
      const top = node.kind === 'var' && this.module === null && this.scopes.current.depth === 0 && d.id.type === 'Identifier' && d.init;
      const savedTop = this.topInit;
      if (top) this.topInit = this.scopes.lookup(d.id.name, d.id.start);
      const v = d.init ? this.expr(d.init) : NONE;
      this.topInit = savedTop;
      const binding = this.bindPattern(d.id, v, node.kind, d.init);
      if (binding !== null && d.init) {
        const init = d.init;
        if (init.type === 'Literal' && typeof init.value === 'number') this.constants.set(binding, init.value);
        else if (isProcessEnv(init)) this.envAliases.add(binding);
      }
      this.visit('VariableDeclarator', d, { binding });
    }
  }

  /** Edges from the enclosing branch tests into `to`: what a branch assigns is decided by its test. */
  private controlled(to: number): void {
    const c = this.control;
    for (let i = Math.max(0, c.length - CONTROL_DEPTH); i < c.length; i++) this.graph.controlEdge(c[i]!, to);
  }

  /**
   * Makes `test` the controlling condition of what is walked next; true when it was pushed on `control`
   * (the caller pops it after the body: no closure per branch, a bundle has a hundred thousand).
   */
  private enterTest(test: Val): boolean {
    if (test.length === 0) return false;
    this.control.push(test.length === 1 ? test[0]! : this.graph.fold(test)[0]!);
    return true;
  }

  private test(v: Val): void {
    const frame = this.frame!;
    if (v.length === 0 || frame.testCount >= MAX_TESTS_PER_FUNCTION) return;
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
        const scope = kind === 'var' ? this.scopes.functionScope() : this.scopes.current;
        const b = this.scopes.declare(p.name, p.start, scope);
        this.graph.flowInto(v, b);
        if (init) this.functions.noteInit(b, init);
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
        const b = this.scopes.lookup(t.name, t.start);
        this.graph.flowInto(v, b);
        if (this.control.length > 0) this.controlled(b);
        return;
      }
      case 'MemberExpression': {
        const obj = this.expr(t.object);
        const key = t.computed ? constString(t.property) : t.property.name;
        if (t.computed) this.expr(t.property);
        if (key !== null) {
          const p = this.writeProp(key, v, this.module !== null && isExportTarget(t, this.isModuleParam));
          if (this.control.length > 0) this.controlled(p);
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

  private readProp(key: string | NameRecord, object: Val, at: number): Val {
    const r = typeof key === 'string' ? this.names.get(key) : key;
    const pv = this.propVal(r);
    // Inside a bundled module, a property may also come from another module's exports.
    const shared = this.module ? this.fileProp(r)[0]! : -1;
    if (object.length === 0 && shared === -1) return pv;
    const p = pv[0]!;
    const n = this.graph.node(at);
    this.graph.edge(p, n);
    if (shared !== -1) this.graph.edge(shared, n);
    for (let i = 0; i < object.length; i++) this.graph.edge(object[i]!, n, true);
    return this.graph.one(n);
  }

  // ---------------------------------------------------------------- functions

  private func(node: AnyNode): number {
    const graph = this.graph;
    const id = this.functions.create(node);
    const info = this.functions.info(id);
    const savedFrame = this.frame;
    const savedScope = this.scopes.current;
    const savedModule = this.module;
    const isModule = this.moduleBodies.delete(node.start);
    if (isModule) {
      this.module = { props: new Map(), params: [] };
    }
    const frame0: Frame = { fn: info, constReturns: [], tests: NONE, testCount: 0, thisFrame: null, self: -1 };
    const knownThis = this.thisFor;
    this.thisFor = null;
    if (knownThis !== null && knownThis.start === node.start) {
      frame0.self = graph.node(node.start);
      graph.flowInto(knownThis.val, frame0.self, true);
    }
    frame0.thisFrame = node.type === 'ArrowFunctionExpression' ? (savedFrame?.thisFrame ?? null) : frame0;
    this.frame = frame0;
    this.scopes.push(true);
    if (node.type === 'FunctionExpression' && node.id) this.scopes.declare(node.id.name, node.start);
    let positional = 0;
    for (const p of node.params) {
      const pn = p.type === 'RestElement' ? info.rest : info.params[positional++]!;
      const b = this.bindPattern(p.type === 'RestElement' ? p.argument : p, graph.one(pn), 'let');
      if (isModule && b !== null) this.module!.params.push(b);
    }
    const body = node.body;
    if (body.type === 'BlockStatement') {
      this.hoist(body.body, this.scopes.current);
      for (const s of body.body) this.stmt(s);
    } else {
      const v = this.expr(body);
      graph.flowInto(v, info.ret);
      this.noteReturn(this.frame, body);
    }
    const frame = this.frame;
    this.scopes.pop();
    this.scopes.current = savedScope;
    this.frame = savedFrame;
    this.module = savedModule;
    if (this.hooks.all('FunctionExit')) {
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


  private classNode(node: AnyNode): Val {
    const graph = this.graph;
    const cls = graph.node(node.start);
    if (node.superClass) graph.flowInto(this.expr(node.superClass), cls);
    this.scopes.push(false);
    if (node.id && node.type === 'ClassExpression') this.scopes.declare(node.id.name, node.start);
    for (const m of node.body.body) {
      if (m.type === 'StaticBlock') {
        this.block(m.body);
        continue;
      }
      if (m.computed) this.expr(m.key);
      const key = m.key && !m.computed ? (m.key.type === 'Identifier' ? m.key.name : constString(m.key)) : null;
      if (m.type === 'MethodDefinition' && m.value) {
        const fn = this.func(m.value);
        if (key !== null) this.functions.addMethod(key, fn);
      } else if (m.value) {
        const v = this.expr(m.value);
        if (key !== null) this.writeProp(key, v);
      }
    }
    this.scopes.pop();
    return graph.one(cls);
  }

  /** `xhr.open('GET', url)`: the request object carries its URL (its response is read from it later). */
  private requestObject(node: AnyNode, receiver: Val, args: Val[]): void {
    const method = args.length >= 2 ? constString(node.arguments[0]) : null;
    if (method !== null && HTTP_METHOD.test(method)) for (const r of receiver) this.graph.flowInto(args[1]!, r);
  }

  private isWrapperHelper(binding: number): boolean {
    const b = this.graph.find(binding);
    return this.wrapperHelpers.some((h) => this.graph.find(h) === b);
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
        // Built-in globals (Math, JSON, Object, …) carry no data of the package's: no node for them.
        if (RUNTIME_GLOBALS.has(name) && !this.scopes.isVisible(name)) return this.after(this.hooks.all('Identifier'), node, NONE);
        const v = this.scopes.lookupVal(name, node.start);
        return this.after(this.hooks.all('Identifier'), node, v);
      }
      case 'Literal':
        return this.after(this.hooks.literal(node), node, NONE);
      case 'TemplateLiteral': {
        let v = NONE;
        for (const e of node.expressions) v = graph.join(v, this.expr(e));
        return this.after(this.hooks.all('TemplateLiteral'), node, v);
      }
      case 'TaggedTemplateExpression': {
        const tag = this.expr(node.tag);
        let v = tag;
        for (const e of node.quasi.expressions) v = graph.join(v, this.expr(e));
        return v;
      }
      case 'ArrayExpression': {
        for (const b of moduleMapBodies(node)) this.moduleBodies.add(b.start);
        let v = NONE;
        for (const e of node.elements) if (e) v = graph.join(v, this.expr(e.type === 'SpreadElement' ? e.argument : e));
        return this.after(this.hooks.all('ArrayExpression'), node, v.length > 1 ? graph.fold(v, node.start) : v);
      }
      case 'ObjectExpression':
        return this.object(node);
      case 'FunctionExpression':
      case 'ArrowFunctionExpression': {
        const fn = this.func(node);
        return graph.one(this.functions.info(fn).value);
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
        const hooks = this.hooks.binary(node.operator);
        if (hooks.length === 0) return v;
        this.ev.left = left;
        this.ev.right = right;
        return this.after(hooks, node, v);
      }
      case 'LogicalExpression': {
        const left = this.expr(node.left);
        this.test(left);
        return graph.join(left, this.expr(node.right));
      }
      case 'AssignmentExpression': {
        const t = node.left;
        // `xhr.onload = function () { this.responseText }`: the handler's `this` is the object.
        if (t.type === 'MemberExpression' && !t.computed && t.object.type === 'Identifier' && HANDLER_PROPERTY.test(t.property.name) && isFunctionNode(node.right) && node.right.type !== 'ArrowFunctionExpression') {
          this.thisFor = { start: node.right.start, val: this.scopes.lookupVal(t.object.name, t.object.start) };
        }
        const savedExport = this.exportLiteral;
        if (this.module && node.right.type === 'ObjectExpression' && t.type === 'MemberExpression' && isExportTarget(t, this.isModuleParam)) this.exportLiteral = node.right.start;
        const right = this.expr(node.right);
        this.exportLiteral = savedExport;
        if (t.type === 'Identifier' && isFunctionNode(node.right)) {
          const b = this.scopes.lookup(t.name, t.start);
          this.functions.noteInit(b, node.right);
        }
        if (t.type === 'MemberExpression' && !t.computed && isFunctionNode(node.right)) {
          const fn = this.functions.at(node.right.start);
          if (fn !== undefined) this.functions.addMethod(t.property.name, fn);
        }
        this.assignTarget(t, right);
        const v = node.operator === '=' || t.type !== 'Identifier' ? right : graph.join(graph.one(this.scopes.lookup(t.name, t.start)), right);
        const hooks = this.hooks.all('AssignmentExpression');
        if (!hooks) return v;
        this.ev.right = right;
        return this.after(hooks, node, v);
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
        const hooks = this.hooks.all('ConditionalExpression');
        if (!hooks) return v;
        this.ev.test = test;
        this.ev.consequent = consequent;
        this.ev.alternate = alternate;
        return this.after(hooks, node, v);
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
      case 'JSXElement':
      case 'JSXFragment':
        this.jsx(node);
        return NONE;
      case 'ThisExpression': {
        // Tracked only where something is known to become `this` (an event handler's object).
        const f = this.frame!.thisFrame;
        return f && f.self >= 0 ? graph.one(f.self) : NONE;
      }
      default:
        // Super, MetaProperty, PrivateIdentifier: no tracked value.
        return NONE;
    }
  }

  /** A JSX element carries no tracked value, but the code in its attributes and children runs. */
  private jsx(node: AnyNode): void {
    for (const a of node.openingElement?.attributes ?? []) {
      if (a.type === 'JSXSpreadAttribute') this.expr(a.argument);
      else if (a.value) this.jsxChild(a.value);
    }
    for (const c of node.children) this.jsxChild(c);
  }

  private jsxChild(node: AnyNode): void {
    if (node.type === 'JSXExpressionContainer' || node.type === 'JSXSpreadChild') {
      if (node.expression.type !== 'JSXEmptyExpression') this.expr(node.expression);
    } else if (node.type === 'JSXElement' || node.type === 'JSXFragment') this.expr(node);
  }

  private object(node: AnyNode): Val {
    const graph = this.graph;
    let whole = NONE;
    const exported = this.exportLiteral === node.start;
    this.exportLiteral = -1;
    if (this.topInit !== -1 && isModuleRecord(node)) this.wrapperHelpers.push(this.topInit);
    for (const b of moduleMapBodies(node)) this.moduleBodies.add(b.start);
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
        if (key !== null) this.functions.addMethod(key, fn);
        v = graph.one(this.functions.info(fn).ret);
      } else {
        v = this.expr(valueNode);
        if (key !== null && isFunctionNode(valueNode)) {
          const fn = this.functions.at(valueNode.start);
          if (fn !== undefined) this.functions.addMethod(key, fn);
        }
      }
      if (key !== null) this.writeProp(key, v, exported);
      whole = graph.join(whole, v);
    }
    const folded = whole.length > 1 ? graph.fold(whole, node.start) : whole;
    return this.after(this.hooks.all('ObjectExpression'), node, folded);
  }

  private member(node: AnyNode): Val {
    const object = this.expr(node.object);
    let named: NameRecord | null = null;
    let v: Val;
    if (node.computed) {
      const k = this.expr(node.property);
      const key = constString(node.property);
      if (key !== null) named = this.names.get(key);
      // obj[dynamic]: the element could be anything in obj; the key itself selects it.
      v = named === null ? this.graph.join(object, k) : this.readProp(named, object, node.start);
    } else {
      named = this.names.get(node.property.type === 'PrivateIdentifier' ? '#' + node.property.name : node.property.name);
      v = this.readProp(named, object, node.start);
    }
    // A variable holding process.env is read as 'env', so rules interested in environment reads still see it.
    const objName =
      this.hooks.objectNames.length === 0 ? null : this.envAliases.size > 0 && object.length === 1 && this.envAliases.has(object[0]!) ? 'env' : objectName(node.object);
    const hooks = this.hooks.member(named, objName, node.computed);
    if (hooks.length === 0) return v;
    this.ev.object = object;
    return this.after(hooks, node, v);
  }

  private call(node: AnyNode): Val {
    const graph = this.graph;
    const callee = node.callee;
    let receiver = NONE;
    let calleeVal: Val;
    let binding = -1;
    let prop: string | null = null;
    let named: NameRecord | null = null;
    if (callee.type === 'MemberExpression' || (callee.type === 'ChainExpression' && callee.expression.type === 'MemberExpression')) {
      const m = callee.type === 'ChainExpression' ? callee.expression : callee;
      receiver = this.expr(m.object);
      if (m.computed) {
        this.expr(m.property);
        prop = constString(m.property);
      } else prop = m.property.name;
      named = prop !== null ? this.names.get(prop) : null;
      calleeVal = named !== null ? this.propVal(named) : NONE;
    } else if (callee.type === 'Identifier') {
      binding = this.scopes.lookup(callee.name, callee.start);
      calleeVal = graph.one(binding);
      named = this.names.get(callee.name);
      if (this.wrapperHelpers.length > 0 && this.isWrapperHelper(binding)) for (const b of wrappedBodies(node)) this.moduleBodies.add(b.start);
    } else calleeVal = this.expr(callee);

    const argNodes: AnyNode[] = node.arguments;
    // Made at its final size (a bundle has hundreds of thousands of calls); calls without arguments share one.
    const args: Val[] = argNodes.length === 0 ? NO_ARGS : new Array<Val>(argNodes.length);
    let fnArg: number | undefined;
    // `target.addEventListener('load', function () { this.… })`: the handler runs with `this` set to the target.
    const listener = prop !== null && receiver.length > 0 && LISTENER_METHODS.has(prop);
    for (let i = 0; i < argNodes.length; i++) {
      const a = argNodes[i]!;
      if (listener && a.type === 'FunctionExpression') this.thisFor = { start: a.start, val: receiver };
      args[i] = this.expr(a.type === 'SpreadElement' ? a.argument : a);
      if (fnArg === undefined && isFunctionNode(a)) fnArg = this.functions.at(a.start);
    }

    if (prop === 'open' && receiver.length > 0) this.requestObject(node, receiver, args);
    const result = graph.node(node.start);
    // What decides whether the callee (and a callback handed to it) runs: the innermost branch test, else the caller running.
    const entry = this.frame!.fn.entry;
    const ctl = this.control.length > 0 ? this.control[this.control.length - 1]! : entry;
    if (fnArg !== undefined && ctl >= 0) graph.controlEdge(ctl, this.functions.info(fnArg).entry);
    // Under a branch inside a function, the callee runs only when both do: the function's callers decide too.
    const callerCtl = ctl !== entry ? entry : -1;
    if (fnArg !== undefined && callerCtl >= 0) graph.controlEdge(callerCtl, this.functions.info(fnArg).entry);
    if (prop !== null && BUILTIN_METHODS.has(prop)) {
      modelBuiltinCall(graph, prop, receiver, args, fnArg !== undefined ? this.functions.info(fnArg) : undefined, result);
    } else if (binding !== -1 && this.functions.known(binding)) {
      // A function already known (hoisted declarations, earlier `const f = () => …`): bind now.
      this.functions.bind(this.functions.known(binding)!, args, result, ctl, callerCtl);
    } else {
      const callback = fnArg !== undefined ? this.functions.info(fnArg) : undefined;
      this.functions.record({ callee: binding, prop: binding === -1 ? prop : null, receiver, calleeVal, args, result, ctl, callerCtl, callback });
      // A wrapper called with a function (memoize, once, lazy) hands back something that yields its returns.
      if (fnArg !== undefined) graph.edge(this.functions.info(fnArg).value, result);
    }
    let v: Val = graph.one(result);
    const hooks = this.hooks.call(node.type === 'NewExpression' ? 'NewExpression' : 'CallExpression', named, callee.type === 'Identifier');
    if (hooks.length > 0) {
      const ev = this.ev;
      ev.receiver = receiver;
      ev.args = args;
      ev.name = named === null ? null : named.name;
      ev.callee = callee;
      ev.calleeValue = calleeVal;
      v = this.after(hooks, node, v);
    }
    return v;
  }

}

/** The name of what a member is read from (`env` of `process.env.X`, `a` of `a.b`), null when it has none. */
function objectName(object: AnyNode): string | null {
  const o = unwrapChain(object);
  if (o.type === 'Identifier') return o.name;
  return memberName(o);
}

/** A statement after which control does not fall into the next case. */
function endsCase(s: AnyNode): boolean {
  switch (s.type) {
    case 'BreakStatement':
    case 'ReturnStatement':
    case 'ThrowStatement':
    case 'ContinueStatement':
      return true;
    case 'BlockStatement':
      return s.body.length > 0 && endsCase(s.body[s.body.length - 1]);
    default:
      return false;
  }
}
