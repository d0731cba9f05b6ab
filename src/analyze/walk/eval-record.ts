// What a visitor is told about the node it visits (`Eval`, `CallEval` and the per-type extras), as
// one reusable record so the walk allocates nothing per visit.

import type { FlowGraph, Val } from '../../flow/graph.js';
import { NONE } from '../../flow/graph.js';
import type { AnyNode } from '../../parse/parse.js';
import { calleePath } from '../ast.js';

const NO_ARGS: Val[] = [];

export class EvalRecord {
  node: AnyNode = null;
  current: Val = NONE;
  receiver: Val = NONE;
  args: Val[] = [];
  name: string | null = null;
  callee: AnyNode = null;
  calleeValue: Val = NONE;
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
    this.calleeValue = NONE;
    this.pathCache = undefined;
    this.name = null;
    this.receiver = this.object = this.left = this.right = this.test = this.consequent = this.alternate = NONE;
    this.args = NO_ARGS;
  }
}
