import { defineRule, oneOf } from '../rule.js';
import { memberName, span, unwrapChain } from '../ast.js';

// Host names of IP-to-location and "what is my IP" services share these words; the rule matches the
// kind of service, not a list of vendors.
const GEO_HOST = /(^|[.-])(ip-?api|ipinfo|ipapi|ip-?geo\w*|geo-?ip\w*|geolocation\w*|ipify|ipwho\w*|ifconfig|myip|ipdata|db-ip|ip2location|freegeoip|checkip|whatismyip|ipecho|icanhazip|ip-?lookup|iplocation|country\.is)([.-]|$)/i;

export function isGeoIpHost(host: string): boolean {
  return GEO_HOST.test(host);
}

export default defineRule({
  meta: {
    id: 'ip-geolocation-source',
    category: 'fingerprint',
    description: "URLs of IP geolocation or public-IP lookup services, and the browser's geolocation API.",
    docs:
      "A request to an IP geolocation or public-IP service reveals the user's network location and country. " +
      'The URL literal is a fingerprint source; what the response becomes is followed by the flow analysis, through ' +
      'promise chains and callbacks (`.then((r) => r.json())`, `get(url, (res) => …)`) and XMLHttpRequest (`xhr.open("GET", url)`, ' +
      'the response read in an `on…` handler or a listener, through `this` or the request object). `navigator.geolocation` is ' +
      "the device's position: a source too, whose coordinates matter once a reverse lookup turns them into a country.",
  },
  create(ctx) {
    // The position reaches its callback as an object (`pos.coords.latitude`): after the file asked for it, a read of `coords` is the position.
    let asksPosition = false;
    return {
      only: {
        MemberExpression: { names: oneOf(['coords', 'geolocation']) },
        Literal: { strings: { min: 8, max: 300 } },
      },
      MemberExpression(node) {
        const name = memberName(node);
        if (name === 'coords' && asksPosition) {
          ctx.recordSource('ip-geolocation', span(node), 'position coordinates (navigator.geolocation)');
          return;
        }
        if (name !== 'geolocation') return;
        const obj = unwrapChain(node.object);
        const objName = obj.type === 'Identifier' ? obj.name : memberName(obj);
        if (objName !== 'navigator') return;
        asksPosition = true;
        ctx.recordSource('ip-geolocation', span(node), "navigator.geolocation (the device's position)");
      },
      Literal(node) {
        const v = node.value;
        if (typeof v !== 'string' || v.length < 8 || v.length > 300 || !v.includes('://')) return;
        let host: string;
        try {
          host = new URL(v).hostname;
        } catch {
          return;
        }
        if (isGeoIpHost(host)) ctx.recordSource('ip-geolocation', span(node), v);
      },
    };
  },
});
