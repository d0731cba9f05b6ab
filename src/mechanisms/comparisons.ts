// The comparisons of a fingerprint with region data, as report items below finding level: what the static
// audit saw compared, targeting or not. `telltale probe --static` makes a persona for each compared value.

import type { ComparedValues } from '../model/report.js';
import type { DataFact } from '../flow/facts.js';
import type { Context } from './context.js';
import type { Comparison } from './targeting.js';

/** Values kept per comparison, and reads per side: a persona needs one value, a reader a few. */
const MAX_VALUES = 16;
const MAX_READS = 3;
const MAX_TEXT = 200;

/** The constants a data fact stands for: a literal, a list's items, a table's keys, a decoded list's entries. */
function valuesOf(d: DataFact): string[] {
  if (d.kind === 'hidden') return d.digest ? [] : d.text.split(/[,\n;|]+/).map((x) => x.trim()).filter(Boolean);
  if (d.table) return d.text.split(',');
  return d.items ?? [d.text];
}

export function comparedValues(ctx: Context, comparisons: readonly Comparison[]): ComparedValues[] {
  return comparisons.map((c) => ({
    sources: [...new Set(c.sources.map((s) => s.kind))],
    reads: [...new Set(c.sources.map((s) => s.detail.slice(0, MAX_TEXT)))].slice(0, MAX_READS),
    op: c.compare.op,
    values: [...new Set(c.data.flatMap(valuesOf))].slice(0, MAX_VALUES).map((v) => v.slice(0, MAX_TEXT)),
    targeting: c.targeting,
    location: ctx.lines.locate(c.compare.start),
  }));
}
