import { defineRule } from '../rule.js';
import { span } from '../ast.js';

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
    description: 'URLs of IP geolocation or public-IP lookup services.',
    docs:
      "A request to an IP geolocation or public-IP service reveals the user's network location and country. " +
      'The URL literal is a fingerprint source; what the response becomes is followed by the flow analysis.',
  },
  create(ctx) {
    return {
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
