// Where a decision's or a choice's output goes: the most significant sink it reaches.

import { effectRank } from '../model/traits.js';
import type { SinkFact } from '../flow/facts.js';
import type { Val } from '../flow/graph.js';
import type { Context } from './context.js';
import { TRACE_LIMIT } from './limits.js';

/** The sink furthest from the user (model request > network > …) that `start` reaches, and how many steps away. */
export function mostSignificantSink(ctx: Context, start: Val, bit: number, bound?: number): { sink: SinkFact | null; steps: number } {
  let sink: SinkFact | null = null;
  let steps = 0;
  const opts = { limit: TRACE_LIMIT, guide: ctx.sinkDist(), ...(bound !== undefined ? { bound } : {}) };
  for (const path of ctx.graph.traceForward(start, bit, (n) => ctx.sinkAt.has(n), opts)) {
    for (const s of ctx.sinkAt.get(path[path.length - 1]!)!) {
      if (!sink || effectRank(s.kind) < effectRank(sink.kind)) {
        sink = s;
        steps = path.length - 1;
      }
    }
  }
  return { sink, steps };
}
