// The shape of a rule: a typed declaration plus a visitor over the one shared walk.
//
// Rules are detectors. They look at one node at a time (after the walker has computed the node's
// value in the flow graph) and record facts: a fingerprint source, region data, an encoded literal,
// a look-alike choice, a sink. They make no findings themselves: src/mechanisms turns facts into
// findings, and src/model/severity-policy.ts decides every severity.

import type { Category } from '../model/finding.js';
import type { Facts, SinkKind, SourceKind, Span } from '../flow/facts.js';
import type { FlowGraph, Val } from '../flow/graph.js';
import type { ChunkExports } from './package/chunk-exports.js';

export interface RuleMeta {
  /** kebab-case; equals the file name and the docs page name. */
  id: string;
  category: Category;
  description: string;
  /** Why it matters and what it looks for; rendered into docs/rules.md. */
  docs: string;
}

export interface InventorySink {
  host(value: string, at: number): void;
  url(value: string, at: number): void;
  envVar(name: string, at: number): void;
  fingerprint(kind: SourceKind, at: number): void;
}

/** What the walker tells a visitor about the node it just evaluated. */
export interface Eval {
  /** The node's value in the flow graph (empty for constants). */
  value: Val;
  /** Folds the value into a single node (creating one if needed) and returns it; the walker keeps it. */
  asNode(): number;
}

export interface CallEval extends Eval {
  receiver: Val;
  args: Val[];
  /** Method or function name when statically known (`fetch`, `request`, `replace`). */
  name: string | null;
  /** Dotted callee path when statically known (`process.stdout.write`, `https.request`). */
  path: string | null;
  /** The callee's value: its binding for a name (`f()`), the property for a method, else the expression's value. */
  calleeValue: Val;
}

export interface FunctionExit {
  /** Distinct constant strings the function returns (null when it also returns other things). */
  constReturns: string[] | null;
  /** Values of the branch tests inside the function body (not nested functions). */
  tests: Val;
  /** The function's return node. */
  ret: number;
  span: Span;
}

export interface RuleContext {
  readonly file: string;
  readonly text: string;
  readonly graph: FlowGraph;
  readonly facts: Facts;
  readonly inventory: InventorySink;
  /** Seeds a fresh node into the value of the node being visited and returns it. */
  seed(origin: number): number;
  /** Source text of a node, clipped. */
  slice(span: Span, max?: number): string;
  recordSource(kind: SourceKind, span: Span, detail: string): void;
  recordSink(kind: SinkKind, span: Span, value: Val, detail: string): void;
  /** The numeric constant a binding node was initialised with, when known. */
  constantOf(node: number): number | undefined;
  /**
   * `process.env` itself, or a name holding it: a variable initialised with it, or an import of another file's
   * export of it (the package's env exports). `value` is the expression's value from the walk.
   */
  isEnv(node: AnyNode, value: Val): boolean;
  /** What the package's file an import names (`node.source.value`) exports for other chunks: see analyze/package/chunk-exports.ts. */
  importedChunk(source: unknown): ChunkExports | undefined;
}

export type { AnyNode } from '../parse/parse.js';
import type { AnyNode } from '../parse/parse.js';

/**
 * Which nodes of a hook a rule can act on: a necessary condition the walker tests cheaply (from a literal's type
 * and length, once per distinct name, once per operator), so a rule is not called for every node of a bundle
 * only to return at its first test. The hook still makes all its own checks: the interest may let through more
 * than the rule acts on, never less. A hook without an interest sees every node of its type.
 */
export interface Interest {
  Literal?: LiteralInterest;
  CallExpression?: CallInterest;
  NewExpression?: CallInterest;
  MemberExpression?: MemberInterest;
  BinaryExpression?: { operators: readonly string[] };
}

export interface LiteralInterest {
  /** String literals whose length is within these bounds (inclusive). */
  strings?: { min?: number; max?: number };
  numbers?: boolean;
  /** Regular expression literals. */
  regex?: boolean;
}

export interface CallInterest {
  /** Calls whose callee has a static name (`f` of `f()`, `a.f()`, `a['f']()`) that passes this test. */
  names?: (name: string) => boolean;
  /** Also every call of a plain identifier (`f(…)`), whatever its name. */
  plainCallees?: boolean;
  /** Also every call whose callee has no static name (`(0, o.f)(…)`, `f()(…)`, `a[k](…)`). */
  unnamed?: boolean;
}

export interface MemberInterest {
  /** Reads of a property whose static name (`b` of `a.b`, `a['b']`) passes this test. */
  names?: (name: string) => boolean;
  /** Reads from an object with one of these names (`env` of `process.env.X`, `a` of `a.b`). */
  objects?: readonly string[];
  /** Every computed read `a[k]`. */
  computed?: boolean;
}

/** A test for `names` from a list of names. */
export function oneOf(...lists: Iterable<string>[]): (name: string) => boolean {
  const set = new Set<string>();
  for (const l of lists) for (const n of l) set.add(n);
  return (name) => set.has(name);
}

export interface Visitor {
  /** What the hooks below can act on (see Interest); read once when the visitor is registered. */
  only?: Interest;
  Literal?(node: AnyNode, ev: Eval): void;
  TemplateLiteral?(node: AnyNode, ev: Eval): void;
  Identifier?(node: AnyNode, ev: Eval): void;
  MemberExpression?(node: AnyNode, ev: Eval & { object: Val }): void;
  CallExpression?(node: AnyNode, ev: CallEval): void;
  NewExpression?(node: AnyNode, ev: CallEval): void;
  BinaryExpression?(node: AnyNode, ev: Eval & { left: Val; right: Val }): void;
  /** A `case` of a switch, after its test was evaluated: `left` is the discriminant, `right` the test (empty for constants). */
  SwitchCase?(node: AnyNode, ev: Eval & { left: Val; right: Val }): void;
  ConditionalExpression?(node: AnyNode, ev: Eval & { test: Val; consequent: Val; alternate: Val }): void;
  /** `target = right` (and compound assignments), after the target was written. */
  AssignmentExpression?(node: AnyNode, ev: Eval & { right: Val }): void;
  /** A while / do-while / for loop, with the value of its test (empty for `for (;;)`). */
  Loop?(node: AnyNode, ev: { test: Val }): void;
  ObjectExpression?(node: AnyNode, ev: Eval): void;
  ArrayExpression?(node: AnyNode, ev: Eval): void;
  VariableDeclarator?(node: AnyNode, ev: { binding: number | null }): void;
  /** An import declaration; `bindings[i]` is the binding node of `node.specifiers[i]`. */
  ImportDeclaration?(node: AnyNode, ev: { bindings: number[] }): void;
  FunctionExit?(node: AnyNode, exit: FunctionExit): void;
  /** After the whole file; `tests` are the branch tests at its top level. */
  ProgramExit?(exit: { tests: Val }): void;
}

export interface Rule {
  meta: RuleMeta;
  create(ctx: RuleContext): Visitor;
}

export function defineRule(rule: Rule): Rule {
  return rule;
}
