import { defineRule, oneOf } from '../rule.js';
import { calleeName } from '../ast.js';
import type { AnyNode, RuleContext } from '../rule.js';
import { comparedRegionConstant, geoIdData, isGeoIdRead, offsetData, perValue, type RegionData } from '../../data/region.js';

/** Readings of compared constants, kept per value for one file. */
interface Readers {
  offset: (n: number) => RegionData | null;
  text: (s: string) => RegionData | null;
  /** True once the file has read the Windows GeoId (sources are recorded before the comparisons that use them). */
  readsGeoId: () => boolean;
}

/** A whole number written as a number or as a string of digits (`203`, `"203"`), or null. */
function wholeNumber(side: AnyNode): number | null {
  if (side?.type !== 'Literal') return null;
  if (typeof side.value === 'number') return Number.isInteger(side.value) ? side.value : null;
  return typeof side.value === 'string' && /^\d{1,6}$/.test(side.value) ? Number(side.value) : null;
}

/** A GeoId seeded into a compared number (besides any other reading): matched only with a GeoId read. */
function geoIdConstant(ctx: RuleContext, read: Readers, side: AnyNode, node: number | null): number[] {
  const n = wholeNumber(side);
  const r = n !== null && read.readsGeoId() ? geoIdData(n) : null;
  if (!r) return [];
  const at = node ?? ctx.graph.node(side.start);
  ctx.facts.data.push({ kind: 'region', regionKind: r.kind, node: at, start: side.start, end: side.end, text: r.label!, countries: r.countries, reading: r.reading });
  return [at];
}

/**
 * Constants that are region data only in a comparison: a UTC offset (minutes, as getTimezoneOffset
 * returns, or hours; 0 left out), an ISO country code (alpha-2 or alpha-3 in capitals, numeric as a
 * string), a language subtag, a country name, a long zone name. They are seeded into the compared
 * value so the mechanisms stage can match them with a time-zone, locale or location source; compared
 * with anything else they mean nothing.
 */
function comparedConstant(ctx: RuleContext, read: Readers, side: AnyNode): number[] {
  let r: RegionData | null;
  let text: string;
  if (side.type === 'UnaryExpression' && side.operator === '-' && side.argument.type === 'Literal' && typeof side.argument.value === 'number') {
    text = String(-side.argument.value);
    r = read.offset(-side.argument.value);
  } else if (side.type === 'Literal' && typeof side.value === 'number') {
    text = String(side.value);
    r = read.offset(side.value);
  } else if (side.type === 'Literal' && typeof side.value === 'string') {
    text = side.value;
    r = read.text(side.value);
  } else return [];
  if (!r) return geoIdConstant(ctx, read, side, null);
  const n = ctx.graph.node(side.start);
  // Numbers are shown with their reading (`-480 (UTC+8)`); strings as written.
  if (r.kind === 'utc-offset') text = r.label ?? text;
  ctx.facts.data.push({ kind: 'region', regionKind: r.kind, node: n, start: side.start, end: side.end, text, countries: r.countries, reading: r.reading });
  geoIdConstant(ctx, read, side, n);
  return [n];
}

const EQUALITY = new Set(['===', '==', '!==', '!=']);
// `check`: `document.fonts.check('12px "X"')` tells whether a font is installed.
const MEMBERSHIP = new Set(['check', 'includes', 'endsWith', 'startsWith', 'indexOf', 'lastIndexOf', 'has', 'test', 'match', 'localeCompare', 'search']);

export default defineRule({
  meta: {
    id: 'value-comparison',
    category: 'region-targeting',
    description: 'Comparisons and membership tests, the places where a fingerprint can be matched against region data.',
    docs:
      'Records equality tests (`===`, `==`, `!==`, `!=`, and each `case` of a `switch`) and membership tests (`includes`, `endsWith`, `startsWith`, ' +
      '`indexOf`, `has`, `test`, `match`, and `document.fonts.check`) with the values on both sides. Constants read as region data only here: ' +
      'UTC offsets, ISO codes in any spelling, language subtags, country names, fonts made for one script (`Noto Sans Thai`, ' +
      '`Noto Sans KR`, a name in its own script: the country CLDR finds the script most used in), and, in a file that reads the ' +
      'Windows GeoId, whole numbers as GeoIds (shown as `Windows GeoId N`: no maintained table maps them to countries). After taint propagation, a comparison with a ' +
      'fingerprint source on one side and region data or decoded hidden data on the other is region targeting.',
  },
  create(ctx) {
    let sourcesSeen = 0;
    let geoId = false;
    const readsGeoId = () => {
      const list = ctx.facts.sources;
      for (; !geoId && sourcesSeen < list.length; sourcesSeen++) geoId = isGeoIdRead(list[sourcesSeen]!.detail);
      return geoId;
    };
    const read: Readers = { offset: perValue(offsetData), text: perValue(comparedRegionConstant), readsGeoId };
    return {
      only: { BinaryExpression: { operators: [...EQUALITY] }, CallExpression: { names: oneOf(MEMBERSHIP) } },
      BinaryExpression(node, ev) {
        if (!EQUALITY.has(node.operator)) return;
        let left = ev.left;
        let right = ev.right;
        if (left.length === 0 && right.length > 0) left = comparedConstant(ctx, read, node.left);
        else if (right.length === 0 && left.length > 0) right = comparedConstant(ctx, read, node.right);
        if (left.length === 0 && right.length === 0) return;
        ctx.facts.compares.push({ op: node.operator, left, right, node: ev.asNode(), start: node.start, end: node.end });
      },
      // `switch (zone) { case 'Asia/Baku': … }` compares the zone with each case like `===`.
      SwitchCase(node, ev) {
        let right = ev.right;
        if (ev.left.length === 0) return;
        if (right.length === 0) right = comparedConstant(ctx, read, node.test);
        ctx.facts.compares.push({ op: 'case', left: ev.left, right, node: ev.asNode(), start: node.start, end: node.test.end });
      },
      CallExpression(node, ev) {
        const name = calleeName(node);
        if (name === null || !MEMBERSHIP.has(name) || ev.args.length === 0) return;
        let right = ctx.graph.joinAll(ev.args);
        if (ev.receiver.length === 0 && right.length === 0) return;
        // `value.endsWith('.xx')`, `zone.startsWith('Asia/')`, `text.includes('China Standard Time')`.
        if (right.length === 0 && node.arguments.length === 1) right = comparedConstant(ctx, read, node.arguments[0]);
        let left = ev.receiver;
        // `["Nepal Time"].includes(zone)`: a list of one is the constant itself.
        if (left.length === 0 && right.length > 0 && node.callee.type === 'MemberExpression') {
          const list = node.callee.object;
          if (list.type === 'ArrayExpression' && list.elements.length === 1 && list.elements[0]?.type === 'Literal') left = comparedConstant(ctx, read, list.elements[0]);
          // `[203, 29].includes(nation)`: a list of GeoIds, once the file has read one.
          else if (list.type === 'ArrayExpression' && list.elements.length > 1 && list.elements.every((e: AnyNode | null) => e !== null && wholeNumber(e) !== null)) {
            left = list.elements.flatMap((e: AnyNode) => geoIdConstant(ctx, read, e, null));
          }
        }
        ctx.facts.compares.push({ op: name, left, right, node: ev.asNode(), start: node.start, end: node.end });
      },
    };
  },
});
