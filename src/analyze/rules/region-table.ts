import { defineRule } from '../rule.js';
import { propKey } from '../ast.js';
import type { AnyNode } from '../rule.js';
import type { DataFact } from '../../flow/facts.js';
import { classifyRegionString, isCountryCode } from '../../data/region.js';

/** A table is about regions when at least this many of its keys, and most of them, name one. */
const MIN_REGION_KEYS = 3;

type TableKind = NonNullable<DataFact['regionKind']>;

function keyRegion(key: string): { kind: TableKind; country: string | null } | null {
  if (/^[A-Z]{2}$/.test(key)) return isCountryCode(key) ? { kind: 'country-code', country: key } : null;
  const r = classifyRegionString(key);
  return r ? { kind: r.kind, country: r.country } : null;
}

/** A literal's value as text that tells values apart; JSON.stringify throws on a BigInt (`1n`) and makes every RegExp `{}`. */
function literalKey(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof RegExp) return String(value);
  return JSON.stringify(value) ?? String(value);
}

/** The one constant every value of a set-like table has (`true`, `1`, `!0`), or null. */
function constantValue(p: AnyNode): string | null {
  const v = p.value;
  if (v.type === 'Literal') return literalKey(v.value);
  if (v.type === 'UnaryExpression' && v.operator === '!' && v.argument.type === 'Literal') return `!${literalKey(v.argument.value)}`;
  return null;
}

export default defineRule({
  meta: {
    id: 'region-table',
    category: 'region-targeting',
    description: 'Object literals keyed by regions (time zones, country codes, locales) and the lookups of a value in them.',
    docs:
      'A table keyed by regions is how code maps every region somewhere (`{ "Europe/Berlin": euHost, "Asia/Tokyo": ' +
      'apHost, … }[zone] ?? defaultHost`): a *partition* of the world, which is routing, not targeting. A table whose ' +
      'values are all the same constant (`{ RU: true, BY: true }`) is a set: looking the user up in it *singles out* ' +
      'the regions listed. The rule records the table as region data (with its shape) and a lookup of a value in it ' +
      '(`table[value]`) as a comparison; the mechanisms stage decides which fingerprint is looked up and what follows.',
  },
  create(ctx) {
    /** Table data facts by the start offset of their object literal, until the binding they initialise is known. */
    const pending = new Map<number, DataFact>();
    /** Bindings that hold a region table. */
    const tables: { binding: number; fact: DataFact }[] = [];
    return {
      only: { MemberExpression: { computed: true } },
      ObjectExpression(node, ev) {
        const props = node.properties;
        const total = props.length;
        if (total < MIN_REGION_KEYS) return;
        const keys: string[] = [];
        const countries = new Set<string>();
        const kinds = new Map<TableKind, number>();
        for (let i = 0; i < total; i++) {
          const p = props[i];
          const k = p.type === 'Property' ? propKey(p) : null;
          const r = k === null ? null : keyRegion(k);
          if (r) {
            keys.push(k!);
            if (r.country) countries.add(r.country);
            kinds.set(r.kind, (kinds.get(r.kind) ?? 0) + 1);
          }
          // Most objects are not tables: stop as soon as the keys left cannot make one.
          const best = keys.length + (total - i - 1);
          if (best < MIN_REGION_KEYS || best * 2 < total) return;
        }
        const kind = [...kinds].sort((a, b) => b[1] - a[1])[0]![0];
        const values = new Set<string | null>();
        for (const p of props) if (p.type === 'Property') values.add(constantValue(p));
        const membership = values.size === 1 && !values.has(null);
        const fact: DataFact = {
          kind: 'region',
          regionKind: kind,
          node: ev.asNode(),
          start: node.start,
          end: node.end,
          text: keys.join(','),
          countries: [...countries],
          table: { keys: keys.length, membership },
        };
        ctx.facts.data.push(fact);
        pending.set(node.start, fact);
      },
      VariableDeclarator(node, ev) {
        if (ev.binding === null || !node.init) return;
        const fact = pending.get(node.init.start);
        if (fact) tables.push({ binding: ev.binding, fact });
        pending.delete(node.init.start);
      },
      MemberExpression(node, ev) {
        // table[value] where table is a binding initialised with a region table, or the literal itself.
        if (!node.computed || node.property.type === 'Literal' || (tables.length === 0 && node.object.type !== 'ObjectExpression')) return;
        const g = ctx.graph;
        const objects = new Set(ev.object.map((n) => g.find(n)));
        const table = node.object.type === 'ObjectExpression' ? pending.get(node.object.start) : tables.find((t) => objects.has(g.find(t.binding)));
        const fact = table && 'fact' in table ? table.fact : table;
        if (!fact) return;
        const key = ev.value.filter((n) => !objects.has(g.find(n)));
        if (key.length === 0) return;
        ctx.facts.compares.push({ op: 'lookup', left: key, right: ev.object, node: ev.asNode(), start: node.start, end: node.end });
      },
    };
  },
});
