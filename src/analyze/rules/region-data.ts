import { defineRule, type AnyNode, type RuleContext } from '../rule.js';
import { regionList, regionLiteral, regionRegex, type RegionData } from '../../data/region.js';

const REGION_SHAPED = /[/._-]/;
const LEGACY_DESIGNATOR = /^[A-Z][A-Z0-9]{2,6}$/;

function record(ctx: RuleContext, node: AnyNode, text: string, r: RegionData): void {
  const n = ctx.seed(node.start);
  ctx.facts.data.push({ kind: 'region', regionKind: r.kind, node: n, start: node.start, end: node.end, text, countries: r.countries, reading: r.reading, ...(r.items ? { items: r.items } : {}) });
}

/** A literal element of an array: its string or number, or undefined when the element is anything else. */
function elementValue(e: AnyNode | null): string | number | undefined {
  if (!e) return undefined;
  if (e.type === 'Literal' && (typeof e.value === 'string' || typeof e.value === 'number')) return e.value;
  if (e.type === 'UnaryExpression' && e.operator === '-' && e.argument.type === 'Literal' && typeof e.argument.value === 'number') return -e.argument.value;
  return undefined;
}

export default defineRule({
  meta: {
    id: 'region-data',
    category: 'region-targeting',
    description: 'Literals that name a region: time zones and zone prefixes, locales, country-code domains (also in regular expressions), lists of country codes or UTC offsets.',
    docs:
      'Region data is recognised from maintained data: time zone → country from the IANA database via ' +
      'countries-and-timezones (legacy aliases and zone prefixes such as `Asia/` included); ISO 3166 country-code TLDs ' +
      'and IDN ccTLDs (world-countries); BCP 47 locale tags; ISO alpha-2/alpha-3/numeric codes (CLDR) and country names ' +
      'in lists. Regular expressions that are lists of fixed strings are read too: `/\\.(xx|yy)$/` is a list of ccTLDs, ' +
      '`/^(xx|yy)\\b/` of language subtags, `/^(Asia|Europe)\\//` of zone areas. None of this is a finding by itself: ' +
      'time-zone pickers and locale tables are normal. It matters when a fingerprint value is compared with it ' +
      '(region targeting), which the mechanisms stage decides.',
  },
  create(ctx) {
    return {
      only: { Literal: { regex: true, strings: { min: 3, max: 64 } } },
      Literal(node) {
        const v = node.value;
        if (node.regex) {
          const { pattern, flags } = node.regex as { pattern: string; flags: string };
          // Region alternations are short; a regex without a group, anchor or escaped dot is not one.
          if (pattern.length > 600 || !/[|^$.\\]/.test(pattern)) return;
          const r = regionRegex(pattern, flags);
          if (r) record(ctx, node, `/${pattern}/${flags}`, r);
          return;
        }
        if (typeof v !== 'string' || v.length < 3 || v.length > 64) return;
        // Zones have '/', locales '-' or '_', hosts '.'; legacy zone designators are short capitals.
        if (!REGION_SHAPED.test(v) && !LEGACY_DESIGNATOR.test(v)) return;
        const r = regionLiteral(v, { longZoneNames: false });
        if (r) record(ctx, node, v, r);
      },
      ArrayExpression(node) {
        const els = node.elements as (AnyNode | null)[];
        if (els.length < 2 || els.length > 400) return;
        const first = elementValue(els[0] ?? null);
        // Lists whose items are region data one by one (zones, locales, hosts) are already recorded item by item.
        if (first === undefined || (typeof first === 'string' && REGION_SHAPED.test(first))) return;
        const items: (string | number)[] = [];
        for (const e of els) {
          const x = elementValue(e);
          if (x === undefined || typeof x !== typeof first) return;
          items.push(x);
        }
        const r = regionList(items);
        if (r) record(ctx, node, `[${items.slice(0, 12).map((x) => JSON.stringify(x)).join(', ')}${items.length > 12 ? ', …' : ''}]`, r);
      },
    };
  },
});
