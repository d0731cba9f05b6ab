import { defineRule } from '../rule.js';
import { classifyRegionString } from '../../data/region.js';

const REGION_SHAPED = /[/._-]/;
const LEGACY_DESIGNATOR = /^[A-Z][A-Z0-9]{2,6}$/;

export default defineRule({
  meta: {
    id: 'region-data',
    category: 'region-targeting',
    description: 'String literals that name a region: IANA time zones, locale tags with a region, country-code domains.',
    docs:
      'Region data is recognised from maintained data (time zone → country from the IANA database via ' +
      'countries-and-timezones; ISO 3166 country-code TLDs; BCP 47 locale tags). It is not a finding by itself: ' +
      'time-zone pickers and locale tables are normal. It matters when a fingerprint value is compared with it ' +
      '(region targeting), which the mechanisms stage decides.',
  },
  create(ctx) {
    return {
      Literal(node) {
        const v = node.value;
        if (typeof v !== 'string' || v.length < 4 || v.length > 64) return;
        // Zones have '/', locales '-' or '_', hosts '.'; legacy zone designators are short capitals.
        if (!REGION_SHAPED.test(v) && !LEGACY_DESIGNATOR.test(v)) return;
        const r = classifyRegionString(v);
        if (!r) return;
        const n = ctx.seed(node.start);
        ctx.facts.data.push({ kind: 'region', regionKind: r.kind, node: n, start: node.start, end: node.end, text: v, countries: r.country ? [r.country] : [] });
      },
    };
  },
});
