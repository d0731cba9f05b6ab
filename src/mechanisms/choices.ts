// Stage 3: covert choices — look-alike or invisible choices conditioned on a fingerprint or a
// targeting decision, format changes conditioned on targeting — grouped into mechanisms when their
// outputs meet (one mechanism, several tricks).

import { BIT_CHOICE, BIT_TARGETING, FINGERPRINT_BITS, type ChoiceFact } from '../flow/facts.js';
import type { Context } from './context.js';
import { CHOICE_GROUP_STEPS } from './limits.js';

export interface Choice {
  choice: ChoiceFact;
  /** Taint of the choice's condition. */
  mask: number;
}

export function groupChoices(ctx: Context): Choice[][] {
  const g = ctx.graph;
  const relevant: Choice[] = [];
  for (const ch of ctx.facts.choices) {
    const m = g.maskOf(ch.cond);
    const env = m & FINGERPRINT_BITS;
    if (!(ch.kind === 'format' ? (m & BIT_TARGETING) !== 0 : env !== 0 || (m & BIT_TARGETING) !== 0)) continue;
    // Nested conditionals report the same choice twice; keep the outermost.
    if (relevant.some((r) => r.choice.kind === ch.kind && r.choice.start <= ch.start && r.choice.end >= ch.end)) continue;
    for (let i = relevant.length - 1; i >= 0; i--) {
      const r = relevant[i]!.choice;
      if (r.kind === ch.kind && ch.start <= r.start && ch.end >= r.end) relevant.splice(i, 1);
    }
    relevant.push({ choice: ch, mask: m });
  }
  g.propagate(
    relevant.map((r) => r.choice.node),
    BIT_CHOICE,
  );

  const reach = relevant.map((r) => g.reach([r.choice.node], CHOICE_GROUP_STEPS));
  const parent = relevant.map((_, i) => i);
  const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i]!)));
  for (let i = 0; i < relevant.length; i++) {
    for (let j = i + 1; j < relevant.length; j++) {
      const [a, b] = reach[i]!.size < reach[j]!.size ? [reach[i]!, reach[j]!] : [reach[j]!, reach[i]!];
      for (const n of a.keys()) {
        if (b.has(n)) {
          parent[root(j)] = root(i);
          break;
        }
      }
    }
  }
  const groups = new Map<number, Choice[]>();
  for (let i = 0; i < relevant.length; i++) {
    const r = root(i);
    const list = groups.get(r);
    if (list) list.push(relevant[i]!);
    else groups.set(r, [relevant[i]!]);
  }
  return [...groups.values()];
}
