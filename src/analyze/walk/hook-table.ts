// The rules' hooks, indexed by node shape. A bundle has millions of visits and most rules care about a few
// names or a range of literal lengths (`Interest` in rule.ts), so for each node the walker asks this table for
// the hooks that can act on it instead of calling every rule. Lists are built lazily per distinct key (a
// literal's length, a callee or property name, an operator) and keep the rules' order, so facts are recorded in
// the same order as with a call of every hook.

import type { AnyNode, CallInterest, Interest, LiteralInterest, MemberInterest, Visitor } from '../rule.js';
import { NameRecord } from './names.js';

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
  if (name === null) return !plain && i.unnamed === true;
  return i.names !== undefined && i.names(name);
}

function memberWants(i: MemberInterest | undefined, name: string | null, object: string | null, computed: boolean): boolean {
  if (!i) return true;
  if (computed && i.computed) return true;
  if (name !== null && i.names?.(name)) return true;
  return object !== null && i.objects !== undefined && i.objects.includes(object);
}

export class HookTable {
  private readonly hooks: { [K in Hook]?: HookEntry[] } = {};
  private stringsByLength: (readonly HookEntry[] | undefined)[] = [];
  private readonly longStrings = new Map<number, readonly HookEntry[]>();
  private readonly literalKinds = new Map<string, readonly HookEntry[]>();
  /** Lists for calls and member reads without a static name. */
  private readonly unnamed = new NameRecord('');
  /**
   * The hook lists of one name are kept on its NameRecord (walk/names.ts: the walker looks the name up once per
   * node for its property node too); they are valid while the record's `hooks` equals this generation.
   */
  private generation = 0;
  /** Member reads from an object of interest, by object name and then property name ('' for none). */
  private readonly fromObjects = new Map<string, Map<string, readonly HookEntry[]>>();
  private readonly operators = new Map<string, readonly HookEntry[]>();
  /** Object names some member hook is interested in (`objectName` is computed only when there are any): a few, compared in turn. */
  readonly objectNames: string[] = [];

  add(visitors: Visitor[]): void {
    visitors.forEach((v, owner) => {
      const only: Interest = v.only ?? {};
      for (const key of Object.keys(v) as (keyof Visitor)[]) {
        if (key === 'only') continue;
        const interest = (only as Record<string, unknown>)[key];
        (this.hooks[key] ??= []).push({ fn: v[key] as HookFn, owner, interest });
        if (key === 'MemberExpression') for (const o of (interest as MemberInterest | undefined)?.objects ?? []) if (!this.objectNames.includes(o)) this.objectNames.push(o);
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
      if (n >= LENGTH_TABLE) return cached(this.longStrings, n, () => this.select('Literal', (i) => literalWants(i as LiteralInterest, 'string', n)));
      let list = this.stringsByLength[n];
      if (list === undefined) list = this.stringsByLength[n] = this.select('Literal', (i) => literalWants(i as LiteralInterest, 'string', n));
      return list;
    }
    const kind = node.regex ? 'regex' : typeof v === 'number' ? 'number' : 'other';
    return cached(this.literalKinds, kind, () => this.select('Literal', (i) => literalWants(i as LiteralInterest, kind, 0)));
  }

  /** Hooks for a call or `new` with this static callee name (null: none); `plain` when the callee is an identifier. */
  call(hook: 'CallExpression' | 'NewExpression', named: NameRecord | null, plain: boolean): readonly HookEntry[] {
    if (!this.hooks[hook]) return NONE;
    const lists = this.listsOf(named);
    const name = named === null ? null : named.name;
    const slot = hook === 'CallExpression' ? (plain ? 'plainCall' : 'memberCall') : plain ? 'plainNew' : 'memberNew';
    return (lists[slot] ??= this.select(hook, (i) => callWants(i as CallInterest, name, plain)));
  }

  /** Hooks for a member read; `object` is the name of what it reads from, when one of `objectNames`. */
  member(named: NameRecord | null, object: string | null, computed: boolean): readonly HookEntry[] {
    if (!this.hooks.MemberExpression) return NONE;
    const name = named === null ? null : named.name;
    if (object !== null && this.objectNames.includes(object)) {
      const byName = cached(this.fromObjects, object, () => new Map<string, readonly HookEntry[]>());
      const key = (computed ? '[' : '.') + (name ?? '');
      return cached(byName, key, () => this.select('MemberExpression', (i) => memberWants(i as MemberInterest, name, object, computed)));
    }
    const lists = this.listsOf(named);
    const slot = computed ? 'computedMember' : 'member';
    return (lists[slot] ??= this.select('MemberExpression', (i) => memberWants(i as MemberInterest, name, null, computed)));
  }

  binary(operator: string): readonly HookEntry[] {
    return this.hooks.BinaryExpression ? cached(this.operators, operator, () => this.select('BinaryExpression', (i) => !i || (i as { operators: readonly string[] }).operators.includes(operator))) : NONE;
  }

  private listsOf(named: NameRecord | null): NameRecord {
    const r = named ?? this.unnamed;
    if (r.hooks !== this.generation) {
      r.hooks = this.generation;
      r.plainCall = r.memberCall = r.plainNew = r.memberNew = r.member = r.computedMember = undefined;
    }
    return r;
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
    this.literalKinds.clear();
    this.generation++;
    this.fromObjects.clear();
    this.operators.clear();
  }
}

function cached<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) {
    v = make();
    map.set(key, v);
  }
  return v;
}
