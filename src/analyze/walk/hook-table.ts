// The rules' hooks, indexed by node shape. A bundle has millions of visits and most rules care about a few
// names or a range of literal lengths (`Interest` in rule.ts), so for each node the walker asks this table for
// the hooks that can act on it instead of calling every rule. Lists are built lazily per distinct key (a
// literal's length, a callee or property name, an operator) and keep the rules' order, so facts are recorded in
// the same order as with a call of every hook.

import type { AnyNode, CallInterest, Interest, LiteralInterest, MemberInterest, Visitor } from '../rule.js';

export type Hook = Exclude<keyof Visitor, 'only'>;
export type HookFn = (node: AnyNode, ev: unknown) => void;

/** One visitor method, the index of the visitor (rule) it belongs to, and what it declared interest in. */
export interface HookEntry {
  fn: HookFn;
  owner: number;
  interest: unknown;
}

const NONE: readonly HookEntry[] = Object.freeze([]) as readonly HookEntry[];
/** String lengths below this have their hook lists in an array; longer ones (rare) in a map. */
const LENGTH_TABLE = 4096;

type FilteredHook = 'Literal' | 'CallExpression' | 'NewExpression' | 'MemberExpression' | 'BinaryExpression';

function literalWants(i: LiteralInterest | undefined, kind: 'string' | 'number' | 'regex' | 'other', length: number): boolean {
  if (!i) return true;
  if (kind === 'number') return i.numbers === true;
  if (kind === 'regex') return i.regex === true;
  if (kind === 'other' || !i.strings) return false;
  return length >= (i.strings.min ?? 0) && length <= (i.strings.max ?? Infinity);
}

function callWants(i: CallInterest | undefined, name: string | null, plain: boolean): boolean {
  if (!i) return true;
  if (plain && i.plainCallees) return true;
  return name !== null && i.names !== undefined && i.names(name);
}

function memberWants(i: MemberInterest | undefined, name: string, object: string, computed: boolean): boolean {
  if (!i) return true;
  if (computed && i.computed) return true;
  if (name !== '' && i.names?.(name)) return true;
  return object !== '' && i.objects !== undefined && i.objects(object);
}

/** Per hook kind: a cache from a key to the hooks that want nodes with that key. */
class KeyedLists<K> {
  private readonly cache = new Map<K, readonly HookEntry[]>();
  constructor(private readonly build: (key: K) => readonly HookEntry[]) {}
  get(key: K): readonly HookEntry[] {
    let list = this.cache.get(key);
    if (list === undefined) {
      list = this.build(key);
      this.cache.set(key, list);
    }
    return list;
  }
  clear(): void {
    this.cache.clear();
  }
}

export class HookTable {
  private readonly hooks: { [K in Hook]?: HookEntry[] } = {};
  private stringsByLength: (readonly HookEntry[] | undefined)[] = [];
  private readonly longStrings = new KeyedLists<number>((n) => this.select('Literal', (i) => literalWants(i as LiteralInterest, 'string', n)));
  private literalKinds = new Map<string, readonly HookEntry[]>();
  private readonly plainCalls = new KeyedLists<string>((n) => this.select('CallExpression', (i) => callWants(i as CallInterest, n, true)));
  private readonly memberCalls = new KeyedLists<string | null>((n) => this.select('CallExpression', (i) => callWants(i as CallInterest, n, false)));
  private readonly plainNews = new KeyedLists<string>((n) => this.select('NewExpression', (i) => callWants(i as CallInterest, n, true)));
  private readonly memberNews = new KeyedLists<string | null>((n) => this.select('NewExpression', (i) => callWants(i as CallInterest, n, false)));
  /** Member reads by computed-ness, property name and object name ('' when there is none). */
  private readonly members = [new Map<string, KeyedLists<string>>(), new Map<string, KeyedLists<string>>()];
  private readonly operators = new KeyedLists<string>((op) => this.select('BinaryExpression', (i) => !i || (i as { operators: readonly string[] }).operators.includes(op)));
  /** Whether any member hook looks at the object's name (else the walker need not compute it). */
  objectNames = false;

  add(visitors: Visitor[]): void {
    visitors.forEach((v, owner) => {
      const only: Interest = v.only ?? {};
      for (const key of Object.keys(v) as (keyof Visitor)[]) {
        if (key === 'only') continue;
        const interest = (only as Record<string, unknown>)[key];
        (this.hooks[key] ??= []).push({ fn: v[key] as HookFn, owner, interest });
        if (key === 'MemberExpression' && (interest as MemberInterest | undefined)?.objects) this.objectNames = true;
      }
    });
    this.clearCaches();
  }

  /** Every hook of a kind (for the kinds without interests). */
  all(hook: Hook): readonly HookEntry[] | undefined {
    return this.hooks[hook];
  }

  literal(node: AnyNode): readonly HookEntry[] {
    if (!this.hooks.Literal) return NONE;
    const v = node.value;
    if (typeof v === 'string') {
      const n = v.length;
      if (n >= LENGTH_TABLE) return this.longStrings.get(n);
      let list = this.stringsByLength[n];
      if (list === undefined) list = this.stringsByLength[n] = this.select('Literal', (i) => literalWants(i as LiteralInterest, 'string', n));
      return list;
    }
    const kind = node.regex ? 'regex' : typeof v === 'number' ? 'number' : 'other';
    let list = this.literalKinds.get(kind);
    if (list === undefined) {
      list = this.select('Literal', (i) => literalWants(i as LiteralInterest, kind, 0));
      this.literalKinds.set(kind, list);
    }
    return list;
  }

  /** Hooks for a call or `new` with this static callee name; `plain` when the callee is an identifier. */
  call(hook: 'CallExpression' | 'NewExpression', name: string | null, plain: boolean): readonly HookEntry[] {
    if (!this.hooks[hook]) return NONE;
    if (hook === 'CallExpression') return plain && name !== null ? this.plainCalls.get(name) : this.memberCalls.get(name);
    return plain && name !== null ? this.plainNews.get(name) : this.memberNews.get(name);
  }

  /** Hooks for a member read; `name` and `object` are '' when not static. */
  member(name: string, object: string, computed: boolean): readonly HookEntry[] {
    if (!this.hooks.MemberExpression) return NONE;
    const byName = this.members[computed ? 1 : 0]!;
    let byObject = byName.get(name);
    if (byObject === undefined) {
      byObject = new KeyedLists<string>((o) => this.select('MemberExpression', (i) => memberWants(i as MemberInterest, name, o, computed)));
      byName.set(name, byObject);
    }
    return byObject.get(object);
  }

  binary(operator: string): readonly HookEntry[] {
    return this.hooks.BinaryExpression ? this.operators.get(operator) : NONE;
  }

  /** Removes a failed visitor's hooks (lists being dispatched are replaced, not changed, so their loops go on). */
  drop(owner: number): void {
    for (const key of Object.keys(this.hooks) as Hook[]) {
      const rest = this.hooks[key]!.filter((h) => h.owner !== owner);
      if (rest.length > 0) this.hooks[key] = rest;
      else delete this.hooks[key];
    }
    this.clearCaches();
  }

  private select(hook: FilteredHook, wants: (interest: unknown) => boolean): readonly HookEntry[] {
    const list = this.hooks[hook];
    if (!list) return NONE;
    const out = list.filter((h) => wants(h.interest));
    return out.length === list.length ? list : out.length === 0 ? NONE : out;
  }

  private clearCaches(): void {
    this.stringsByLength = [];
    this.longStrings.clear();
    this.literalKinds = new Map();
    this.plainCalls.clear();
    this.memberCalls.clear();
    this.plainNews.clear();
    this.memberNews.clear();
    for (const m of this.members) m.clear();
    this.operators.clear();
  }
}
