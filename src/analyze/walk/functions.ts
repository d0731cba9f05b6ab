// Functions and call resolution. Each function has parameter, rest, return and value nodes. A call
// of a function already known (hoisted declarations, `const f = () => …` seen earlier) binds its
// arguments on the spot; other calls are recorded and resolved when the walk ends and every
// declaration is known: by binding, or by method name when exactly one function of the file has it.

import type { FlowGraph, Val } from '../../flow/graph.js';
import type { AnyNode } from '../../parse/parse.js';
import { isFunctionNode } from '../ast.js';

export interface FnInfo {
  params: number[];
  rest: number;
  ret: number;
  /** Node standing for the function object; carries its returns so wrappers pass them on. */
  value: number;
  /**
   * Node standing for "the function runs": control edges come in from the decisions its calls are made
   * under and go out to the effects in its body (-1 for the program itself, which always runs).
   */
  entry: number;
}

interface CallRecord {
  /** Binding node of an identifier callee, or -1. */
  callee: number;
  /** Method name when the callee is a member and not an identifier. */
  prop: string | null;
  receiver: Val;
  calleeVal: Val;
  args: Val[];
  result: number;
  /** The decision (or the calling function's entry) the call is made under, or -1. */
  ctl: number;
  /** The calling function's entry when the call is also under a branch in it, or -1. */
  callerCtl: number;
  /** The first function written as an argument (`get(url, (res) => …)`), if any. */
  callback?: FnInfo;
}

/** A method name defined more than this many times in a file cannot be resolved by name. */
const MAX_METHODS_PER_NAME = 2;
/** Method names this short (`a`, `fn`) are too common in minified code to resolve by name. */
const MIN_METHOD_NAME = 3;

export class Functions {
  private readonly fns: FnInfo[] = [];
  private readonly fnRefs = new Map<number, number[]>();
  private readonly propFns = new Map<string, number[]>();
  private readonly calls: CallRecord[] = [];
  /** Function ids by the start offset of their AST node (no two function nodes start at one offset). */
  private readonly byStart = new Map<number, number>();

  constructor(private readonly graph: FlowGraph) {}

  info(id: number): FnInfo {
    return this.fns[id]!;
  }

  /** The function made for the AST node starting at `start`, if any yet. */
  at(start: number): number | undefined {
    return this.byStart.get(start);
  }

  /** Makes the nodes of a function (once per AST node) and returns its id. */
  create(node: AnyNode): number {
    const known = this.byStart.get(node.start);
    if (known !== undefined) return known;
    const graph = this.graph;
    const info: FnInfo = { params: [], rest: -1, ret: graph.node(node.start), value: graph.node(node.start), entry: graph.node(node.start) };
    for (const p of node.params) {
      const pn = graph.node(p.start);
      if (p.type === 'RestElement') info.rest = pn;
      else info.params.push(pn);
    }
    graph.edge(info.ret, info.value);
    this.fns.push(info);
    const id = this.fns.length - 1;
    this.byStart.set(node.start, id);
    return id;
  }

  /** `binding` may hold function `fn`: calls through it bind to it. */
  addRef(binding: number, fn: number): void {
    const list = this.fnRefs.get(binding);
    if (list) list.push(fn);
    else this.fnRefs.set(binding, [fn]);
  }

  /** Remembers `x = function/arrow` so calls of `x(...)` bind arguments to parameters. */
  noteInit(binding: number, init: AnyNode): void {
    if (!isFunctionNode(init)) return;
    const fn = this.byStart.get(init.start);
    if (fn !== undefined) this.addRef(binding, fn);
  }

  /** A method `name` defined by function `fn` (class method, object method, `obj.name = function`). */
  addMethod(name: string, fn: number): void {
    const list = this.propFns.get(name);
    if (list) {
      if (list.length < MAX_METHODS_PER_NAME) list.push(fn);
    } else this.propFns.set(name, [fn]);
  }

  /** Functions already known to be held by `binding`. */
  known(binding: number): number[] | undefined {
    return this.fnRefs.get(binding);
  }

  record(call: CallRecord): void {
    this.calls.push(call);
  }

  /**
   * Arguments flow into the parameters of each possible callee, its return into the call's result;
   * the decision the call is made under (`ctl`) decides whether the callee runs.
   */
  bind(targets: number[], args: Val[], result: number, ctl: number, callerCtl = -1): void {
    const graph = this.graph;
    for (const t of targets) {
      const fn = this.fns[t]!;
      if (ctl >= 0) graph.controlEdge(ctl, fn.entry);
      if (callerCtl >= 0) graph.controlEdge(callerCtl, fn.entry);
      for (let i = 0; i < args.length; i++) {
        const p = i < fn.params.length ? fn.params[i] : fn.rest >= 0 ? fn.rest : undefined;
        if (p !== undefined) graph.flowInto(args[i]!, p);
      }
      graph.edge(fn.ret, result);
    }
  }

  /** Resolves recorded calls now that every declaration is known. */
  finish(): void {
    const graph = this.graph;
    const refs = new Map<number, number[]>();
    this.fnRefs.forEach((list, b) => {
      const r = graph.find(b);
      const existing = refs.get(r);
      refs.set(r, existing ? existing.concat(list) : list);
    });
    for (const c of this.calls) {
      let targets: number[] | undefined;
      if (c.callee !== -1) targets = refs.get(graph.find(c.callee));
      else if (c.prop !== null) {
        const byName = this.propFns.get(c.prop);
        if (byName && byName.length === 1 && c.prop.length >= MIN_METHOD_NAME) targets = byName;
      }
      if (targets && targets.length > 0) {
        this.bind(targets, c.args, c.result, c.ctl, c.callerCtl);
      } else {
        // An unknown function's result may derive from its arguments and receiver. The callee's own
        // value counts only for plain identifiers (`lazy()` where lazy = memo(() => ...)); for methods
        // it would be every same-named method of the file.
        if (c.callee !== -1) graph.flowInto(c.calleeVal, c.result);
        graph.flowInto(c.receiver, c.result);
        for (const a of c.args) graph.flowInto(a, c.result);
        if (c.callback) feedCallback(graph, c.callback, c.receiver, c.args);
      }
    }
    this.calls.length = 0;
  }
}

/**
 * A callback handed to a function the file does not define is called with what that function was
 * given, as a result promised to it is (`get(url, (res) => …)`, `request(url, (err, res, body) => …)`,
 * `stream.on('data', (chunk) => …)`): the other arguments flow into its parameters, the receiver
 * weakly (an emitter is an object, collapsed for taint).
 */
export function feedCallback(graph: FlowGraph, fn: FnInfo, receiver: Val, args: Val[]): void {
  const params = fn.rest >= 0 ? [...fn.params, fn.rest] : fn.params;
  if (params.length === 0) return;
  let given: Val = [];
  for (const a of args) if (!(a.length === 1 && a[0] === fn.value)) given = graph.join(given, a);
  if (given.length === 0 && receiver.length === 0) return;
  const input = graph.fold(given, -1);
  const object = graph.fold(receiver, -1);
  for (const p of params) {
    graph.flowInto(input, p);
    graph.flowInto(object, p, true);
  }
}
