import { defineRule, oneOf } from '../rule.js';
import { memberName, span, unwrapChain } from '../ast.js';

/** Parts of the page's address that name its host. */
const HOST_PARTS = new Set(['hostname', 'host', 'href', 'origin']);
/** Objects whose `location` is the page's: the global one, `window`, `self`, `globalThis`, `document`, `top`. */
const GLOBALS = new Set(['window', 'self', 'globalThis', 'document', 'top', 'parent']);

export default defineRule({
  meta: {
    id: 'page-location-source',
    category: 'fingerprint',
    description: "Reads of the web page's own address: `location.hostname` / `host` / `href` / `origin`, `document.domain`.",
    docs:
      "In a browser, the page's host tells which site the user is on, and a country-code domain (`.xx`, an IDN ccTLD) " +
      'which country the site serves. Recognised reads: `location.hostname`, `location.host`, `location.href`, ' +
      '`location.origin` (also through `window`, `self`, `globalThis`, `document`), `document.domain` and `document.URL`. ' +
      'The read is a host source; compared with country-code domains it is region targeting.',
  },
  create(ctx) {
    return {
      only: { MemberExpression: { names: oneOf(HOST_PARTS, ['domain', 'URL']) } },
      MemberExpression(node) {
        const name = memberName(node);
        if (name === null) return;
        const obj = unwrapChain(node.object);
        if (HOST_PARTS.has(name)) {
          // location.hostname, window.location.host, document.location.href
          const isLocation =
            (obj.type === 'Identifier' && obj.name === 'location') ||
            (obj.type === 'MemberExpression' && memberName(obj) === 'location' && unwrapChain(obj.object).type === 'Identifier' && GLOBALS.has(unwrapChain(obj.object).name));
          if (isLocation) ctx.recordSource('host-url', span(node), `location.${name}`);
        } else if ((name === 'domain' || name === 'URL') && obj.type === 'Identifier' && obj.name === 'document') {
          ctx.recordSource('host-url', span(node), `document.${name}`);
        }
      },
    };
  },
});
