// Scope resolution during the one walk. A name read before its declaration (hoisting, functions
// declared later in the module) gets a placeholder node that is merged with the declaration's node
// when the enclosing scope closes. Visible bindings are kept per name as a depth-ordered stack, so a
// read is one map lookup and allocates nothing.

import type { FlowGraph, Val } from '../../flow/graph.js';

export interface Scope {
  /** Declared names; created on the first declaration (most block scopes declare nothing). */
  vars: Map<string, number> | null;
  /** Names read here before any declaration was seen: placeholder nodes, resolved on close. */
  pending: Map<string, number> | null;
  parent: Scope | null;
  isFunction: boolean;
  depth: number;
}

export class Scopes {
  current: Scope = { vars: null, pending: null, parent: null, isFunction: true, depth: 0 };
  /** Per name, the bindings in scope as [depth, value] pairs, innermost last. */
  private readonly visible = new Map<string, (number | Val)[]>();

  constructor(private readonly graph: FlowGraph) {}

  push(isFunction: boolean): Scope {
    this.current = { vars: null, pending: null, parent: this.current, isFunction, depth: this.current.depth + 1 };
    return this.current;
  }

  pop(): void {
    const s = this.current;
    this.close(s);
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
    this.current = s.parent!;
  }

  /** Resolves the placeholders of `s` against its own and its parent's declarations, or hands them up. */
  close(s: Scope): void {
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

  declare(name: string, at: number, scope = this.current): number {
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

  /** The current scope's own binding of `name`, or a new one. */
  ownOrDeclare(name: string, at: number): number {
    const own = this.current.vars?.get(name);
    return own !== undefined ? own : this.declare(name, at);
  }

  functionScope(): Scope {
    let s = this.current;
    while (!s.isFunction && s.parent) s = s.parent;
    return s;
  }

  /** True when some enclosing scope has declared `name` so far. */
  isVisible(name: string): boolean {
    const st = this.visible.get(name);
    return st !== undefined && st.length > 0;
  }

  lookup(name: string, at: number): number {
    const st = this.visible.get(name);
    if (st !== undefined && st.length > 0) return (st[st.length - 1] as Val)[0]!;
    return this.unresolved(name, at);
  }

  /** The value of reading `name`: shared for declared names, so a read allocates nothing. */
  lookupVal(name: string, at: number): Val {
    const st = this.visible.get(name);
    if (st !== undefined && st.length > 0) return st[st.length - 1] as Val;
    return [this.unresolved(name, at)];
  }

  /** A name not (yet) declared in any enclosing scope: a placeholder merged when its declaration closes. */
  private unresolved(name: string, at: number): number {
    const pend = (this.current.pending ??= new Map());
    let ph = pend.get(name);
    if (ph === undefined) {
      ph = this.graph.node(at);
      pend.set(name, ph);
    }
    return ph;
  }
}
