import { defineRule, oneOf } from '../rule.js';
import { span } from '../ast.js';

/** Clock reads that make a loop test a busy wait. */
const CLOCK = /\b(Date\.now|performance\.now|process\.hrtime|new Date)\b/;
/** Names of the calls that can delay; the dotted path is built only for these. */
const DELAY_NAMES = new Set(['setTimeout', 'setInterval', 'wait', 'sleep']);

export default defineRule({
  meta: {
    id: 'delay-sink',
    category: 'exfiltration',
    description: 'Delays: timers with a computed or branch-dependent delay, Atomics.wait, sleep(), busy-wait loops on the clock.',
    docs:
      'Recognises `setTimeout` / `setInterval` (the delay argument is what flows into the sink, so a delay computed ' +
      'from a region decision reaches it), `Atomics.wait(…)`, calls of a function named `sleep`, and loops with an empty ' +
      'body whose test reads the clock (`while (Date.now() < end) {}`). A region decision that slows the program down ' +
      'for users of some regions is an effect of that decision.',
  },
  create(ctx) {
    return {
      only: { CallExpression: { names: oneOf(DELAY_NAMES) } },
      CallExpression(node, ev) {
        const name = ev.name;
        if (name === null || !DELAY_NAMES.has(name)) return;
        const path = ev.path;
        if ((name === 'setTimeout' || name === 'setInterval') && node.arguments.length >= 2) {
          if (path !== name && path !== `globalThis.${name}` && path !== `window.${name}` && path !== `timers.${name}`) return;
          ctx.recordSink('delay', span(node), ev.args[1] ?? [], name);
        } else if (name === 'wait' && path === 'Atomics.wait') {
          ctx.recordSink('delay', span(node), ctx.graph.joinAll(ev.args), path);
        } else if (name === 'sleep' && node.arguments.length >= 1) {
          ctx.recordSink('delay', span(node), ctx.graph.joinAll(ev.args), path ?? name);
        }
      },
      Loop(node, ev) {
        const body = node.body;
        const empty = body.type === 'EmptyStatement' || (body.type === 'BlockStatement' && body.body.length === 0);
        if (!empty || !node.test) return;
        if (!CLOCK.test(ctx.slice(node.test, 200))) return;
        ctx.recordSink('delay', span(node), ev.test, 'busy-wait loop on the clock');
      },
    };
  },
});
