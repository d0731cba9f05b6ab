// Where a decision's or a choice's output goes: the most significant sink it reaches.

import { effectRank } from '../model/traits.js';
import type { SinkFact } from '../flow/facts.js';
import type { Val } from '../flow/graph.js';
import type { Context } from './context.js';
import { TRACE_LIMIT } from './limits.js';

/**
 * The sink furthest from the user (model request > network > …) that `start` reaches, how many steps
 * away, and the path to it (graph nodes, start → sink). `counts` leaves out sinks that are not an effect here.
 */
export function mostSignificantSink(
  ctx: Context,
  start: Val,
  bit: number,
  bound?: number,
  counts?: (s: SinkFact, path: readonly number[]) => boolean,
): { sink: SinkFact | null; steps: number; path: number[] } {
  let sink: SinkFact | null = null;
  let steps = 0;
  let best: number[] = [];
  const opts = { limit: TRACE_LIMIT, guide: ctx.sinkDist(), ...(bound !== undefined ? { bound } : {}) };
  for (const path of ctx.graph.traceForward(start, bit, (n) => ctx.sinkAt.has(n), opts)) {
    for (const s of ctx.sinkAt.get(path[path.length - 1]!)!) {
      if (counts && !counts(s, path)) continue;
      if (!sink || effectRank(s.kind) < effectRank(sink.kind)) {
        sink = s;
        steps = path.length - 1;
        best = path;
      }
    }
  }
  return { sink, steps, path: best };
}

/**
 * The cheapest path (graph nodes, `from` → `to`) along nodes carrying `bit`, no costlier than `bound`,
 * or null. `from` is a fingerprint read: its distance field guides the search.
 */
export function pathBetween(ctx: Context, from: number, to: number, bit: number, bound: number): number[] | null {
  const g = ctx.graph;
  const target = g.find(from);
  const back = g.traceBack(g.one(to), bit, (n) => n === target, { limit: TRACE_LIMIT, maxTargets: 1, guide: ctx.fpDist, bound })[0];
  return back ? back.reverse() : null;
}
