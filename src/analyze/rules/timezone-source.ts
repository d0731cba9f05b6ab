import { defineRule, oneOf, type AnyNode } from '../rule.js';
import type { Val } from '../../flow/graph.js';
import { calleeName, memberName, span, templateText, unwrapChain } from '../ast.js';

/** Commands and files that print the system's zone: `timedatectl`, `tzutil /g`, `Get-TimeZone`, `systemsetup -gettimezone`, /etc/timezone. */
const ZONE_COMMAND = /^\s*(?:timedatectl\b[^\n]*|tzutil\s+\/g|readlink\s+(?:-f\s+)?\/etc\/localtime)\s*$|\bGet-TimeZone\b|\bsystemsetup\s+-gettimezone\b|^\/etc\/(?:timezone|localtime)$/i;

/**
 * An options object literal with `timeZoneName: 'long'` (or `'longGeneric'`): formatted dates then end
 * with the zone's long name ("China Standard Time"). Short names (`GMT+8`) stay inventory.
 */
function hasLongZoneNameOption(node: AnyNode): boolean {
  for (const a of node.arguments as AnyNode[]) {
    if (a.type !== 'ObjectExpression') continue;
    for (const p of a.properties) {
      if (p.type !== 'Property' || p.computed || p.key.type !== 'Identifier' || p.key.name !== 'timeZoneName') continue;
      return p.value.type === 'Literal' && (p.value.value === 'long' || p.value.value === 'longGeneric');
    }
  }
  return false;
}

/** `new Date(...)` or `Date(...)` written directly (not a value that may be anything). */
function isDateConstruction(node: AnyNode): boolean {
  const n = unwrapChain(node);
  return (n.type === 'NewExpression' || n.type === 'CallExpression') && n.callee.type === 'Identifier' && n.callee.name === 'Date';
}

export default defineRule({
  meta: {
    id: 'timezone-source',
    category: 'fingerprint',
    description: "Reads of the user's time zone.",
    docs:
      'The time zone is a strong region signal. Recognised reads: `Intl.DateTimeFormat().resolvedOptions().timeZone`, ' +
      '`Date.prototype.getTimezoneOffset()`, the zone text of `Date#toString` / `toTimeString` and of `Date()` (also a ' +
      '`new Date` turned into text by `String(d)`, a template or `+ ""`, directly or through the binding holding it), dates ' +
      'formatted with a `timeZoneName` option (`toLocaleString`, `new Intl.DateTimeFormat(…, { timeZoneName })`), ' +
      'commands that print the zone (`timedatectl`, `tzutil /g`, `Get-TimeZone`) and `process.env.TZ` (see env-read). ' +
      'A read is inventory; it matters when it is compared with region data or conditions what is sent.',
  },
  create(ctx) {
    // Bindings initialised with a new Date (`const now = new Date()`): their text is a date string too.
    const dates = new Set<number>();
    // `Date()` is a source of its own: only a `new Date` or a binding holding one is turned into text here.
    const isNewDate = (node: AnyNode): boolean => isDateConstruction(node) && unwrapChain(node).type === 'NewExpression';
    const isDate = (node: AnyNode, v: Val | undefined): boolean =>
      isNewDate(node) || (node.type === 'Identifier' && v !== undefined && v.length === 1 && dates.has(ctx.graph.find(v[0]!)));
    // Bindings initialised with resolved formatter options (`const opts = Intl.DateTimeFormat().resolvedOptions()`).
    const resolved = new Set<number>();
    const isResolved = (node: AnyNode): boolean => node.type === 'CallExpression' && calleeName(node) === 'resolvedOptions';
    const dateText = (at: AnyNode, how: string) => ctx.recordSource('timezone', span(at), `${how} (a date string ends with the zone's long name)`);
    return {
      only: {
        BinaryExpression: { operators: ['+'] },
        MemberExpression: { names: (n) => n === 'timeZone' },
        CallExpression: {
          names: oneOf(['getTimezoneOffset', 'toTimeString', 'toString', 'String', 'Date', 'toLocaleString', 'toLocaleTimeString', 'toLocaleDateString']),
        },
        NewExpression: { names: (n) => n === 'DateTimeFormat' },
        Literal: { strings: { min: 8, max: 200 } },
      },
      VariableDeclarator(node, ev) {
        if (ev.binding !== null && node.init && isNewDate(node.init)) dates.add(ctx.graph.find(ev.binding));
        if (ev.binding !== null && node.init && isResolved(unwrapChain(node.init))) resolved.add(ctx.graph.find(ev.binding));
        // `const { timeZone } = Intl.DateTimeFormat().resolvedOptions()`
        if (node.id.type === 'ObjectPattern' && node.init && isResolved(unwrapChain(node.init))) {
          for (const p of node.id.properties) {
            if (p.type === 'Property' && !p.computed && p.key.type === 'Identifier' && p.key.name === 'timeZone') ctx.recordSource('timezone', span(p), 'resolvedOptions().timeZone (destructured)');
          }
        }
      },
      BinaryExpression(node, ev) {
        // `new Date() + ""`
        if (node.operator === '+' && (isDate(node.left, ev.left) || isDate(node.right, ev.right))) dateText(node, 'a Date concatenated to text');
      },
      MemberExpression(node, ev) {
        if (memberName(node) !== 'timeZone') return;
        const obj = unwrapChain(node.object);
        if (isResolved(obj)) {
          ctx.recordSource('timezone', span(node), ctx.slice(span(node), 120));
        } else if (obj.type === 'Identifier' && ev.object.length === 1 && resolved.has(ctx.graph.find(ev.object[0]!))) {
          ctx.recordSource('timezone', span(node), `${obj.name}.timeZone (of resolvedOptions())`);
        }
      },
      CallExpression(node, ev) {
        const name = calleeName(node);
        if (name === 'getTimezoneOffset') ctx.recordSource('timezone', span(node), ctx.slice(span(node), 120));
        else if (name === 'toTimeString') ctx.recordSource('timezone', span(node), "Date#toTimeString() (ends with the zone's long name)");
        else if (name === 'toString' && node.callee.type === 'MemberExpression' && (isDateConstruction(node.callee.object) || isDate(node.callee.object, ev.receiver))) {
          ctx.recordSource('timezone', span(node), "Date#toString() (ends with the zone's long name)");
        } else if (name === 'String' && node.callee.type === 'Identifier' && node.arguments.length === 1 && isDate(node.arguments[0], ev.args[0])) {
          dateText(node, 'String(date)');
        } else if (name === 'Date' && node.callee.type === 'Identifier') {
          ctx.recordSource('timezone', span(node), 'Date() (a date string with the zone name)');
        } else if ((name === 'toLocaleString' || name === 'toLocaleTimeString' || name === 'toLocaleDateString') && hasLongZoneNameOption(node)) {
          ctx.recordSource('timezone', span(node), `Date#${name}() with timeZoneName: long (prints the zone's long name)`);
        }
      },
      NewExpression(node) {
        // A formatter made to print the zone's name: what it formats carries the zone.
        if (calleeName(node) === 'DateTimeFormat' && hasLongZoneNameOption(node)) {
          ctx.recordSource('timezone', span(node), "Intl.DateTimeFormat with timeZoneName: long (formats the zone's long name)");
        }
      },
      ObjectExpression(node) {
        // { timeZoneName: 'short' } makes formatted dates show the zone. The options object is not the
        // zone itself, so it is inventory only: the call it is passed to is the source.
        for (const p of node.properties) {
          if (p.type === 'Property' && !p.computed && p.key.type === 'Identifier' && p.key.name === 'timeZoneName') {
            ctx.inventory.fingerprint('timezone', p.start);
            return;
          }
        }
      },
      Literal(node) {
        const v = node.value;
        if (typeof v === 'string' && v.length >= 8 && v.length <= 200 && ZONE_COMMAND.test(v)) ctx.recordSource('timezone', span(node), `command ${JSON.stringify(v)} (prints the zone)`);
      },
      TemplateLiteral(node) {
        // `${new Date()}`: the template holds the date's text.
        if (node.expressions.some(isNewDate)) dateText(node, 'a Date in a template');
        const v = templateText(node);
        if (v !== null && v.length <= 200 && ZONE_COMMAND.test(v)) ctx.recordSource('timezone', span(node), `command ${JSON.stringify(v)} (prints the zone)`);
      },
    };
  },
});
