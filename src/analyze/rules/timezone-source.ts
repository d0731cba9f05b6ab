import { defineRule } from '../rule.js';
import { calleeName, memberName, span, unwrapChain } from '../ast.js';

export default defineRule({
  meta: {
    id: 'timezone-source',
    category: 'fingerprint',
    description: "Reads of the user's time zone.",
    docs:
      'The time zone is a strong region signal. Recognised reads: `Intl.DateTimeFormat().resolvedOptions().timeZone`, ' +
      '`Date.prototype.getTimezoneOffset()`, formatting with a `timeZoneName` option, and `process.env.TZ` (see env-read). ' +
      'A read is inventory; it matters when it is compared with region data or conditions what is sent.',
  },
  create(ctx) {
    return {
      MemberExpression(node) {
        if (memberName(node) !== 'timeZone') return;
        const obj = unwrapChain(node.object);
        if (obj.type === 'CallExpression' && calleeName(obj) === 'resolvedOptions') {
          ctx.recordSource('timezone', span(node), ctx.slice(span(node), 120));
        }
      },
      CallExpression(node) {
        const name = calleeName(node);
        if (name === 'getTimezoneOffset') ctx.recordSource('timezone', span(node), ctx.slice(span(node), 120));
      },
      ObjectExpression(node) {
        // { timeZoneName: 'short' } makes formatted dates show the zone. The options object is not the
        // zone itself, so it is inventory only: as a flow source it would taint every formatter.
        for (const p of node.properties) {
          if (p.type === 'Property' && !p.computed && p.key.type === 'Identifier' && p.key.name === 'timeZoneName') {
            ctx.inventory.fingerprint('timezone', p.start);
            return;
          }
        }
      },
    };
  },
});
