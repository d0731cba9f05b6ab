import { createRequire } from 'node:module';
import { defineRule } from '../rule.js';

// The IANA list of top-level domains, from the maintained `tlds` package.
const TLDS: ReadonlySet<string> = new Set(createRequire(import.meta.url)('tlds') as string[]);
// Brand and dictionary TLDs (.target, .map, .app) make `obj.prop` look like a host; a bare literal counts as a
// host when it has three labels, a country-code TLD, or one of the generic TLDs services actually use.
const COMMON_GENERIC = new Set(['com', 'net', 'org', 'io', 'ai', 'dev', 'app', 'cloud', 'xyz', 'top', 'site', 'info', 'biz', 'me', 'tech', 'online', 'pro', 'run', 'live']);

export function looksLikeHost(s: string): boolean {
  if (s.length < 5 || s.length > 253 || !HOST_RE.test(s) || FILE_LIKE.test(s) || s !== s.toLowerCase()) return false;
  const labels = s.split('.');
  const tld = labels[labels.length - 1]!;
  if (!TLDS.has(tld) || labels[0]!.length < 2) return false;
  return labels.length >= 3 || tld.length === 2 || COMMON_GENERIC.has(tld);
}

const URL_RE = /\b(?:https?|wss?):\/\/[^\s"'`<>\\]{3,200}/g;
const HOST_RE = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}$/i;
const FILE_LIKE = /\.(js|mjs|cjs|ts|tsx|jsx|json|md|txt|png|jpe?g|gif|svg|css|html?|map|node|wasm|lock|ya?ml|toml|sh|exe|dll|so|dylib|zip|gz|tgz)$/i;

export default defineRule({
  meta: {
    id: 'network-endpoints',
    category: 'exfiltration',
    description: 'URLs and host names the code contains (inventory, not findings).',
    docs:
      'Every http(s)/ws(s) URL in string and template literals, and every literal that is a bare host name, goes to ' +
      'the inventory: the "where could this tool talk to" page of the report.',
  },
  create(ctx) {
    const scan = (s: string, at: number): void => {
      if (s.length < 4 || s.length > 100_000) return;
      if (s.includes('://')) {
        for (const m of s.matchAll(URL_RE)) {
          const url = m[0].replace(/[),.;:]+$/, '');
          ctx.inventory.url(url, at);
          try {
            const h = new URL(url).hostname;
            if (h) ctx.inventory.host(h, at);
          } catch {
            // Not a parseable URL (template fragment): the URL itself is still listed.
          }
        }
      } else if (s.includes('.') && looksLikeHost(s)) {
        ctx.inventory.host(s, at);
      }
    };
    return {
      only: { Literal: { strings: { min: 4, max: 100_000 } } },
      Literal(node) {
        if (typeof node.value === 'string') scan(node.value, node.start);
      },
      TemplateLiteral(node) {
        for (const q of node.quasis) if (q.value.cooked) scan(q.value.cooked, q.start);
      },
    };
  },
});
