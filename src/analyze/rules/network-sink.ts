import { defineRule, oneOf, type AnyNode } from '../rule.js';
import type { Val } from '../../flow/graph.js';
import { constString, memberName, propKey, span, unwrapChain } from '../ast.js';

// Receivers whose request-shaped methods send data over the network.
const CLIENTS = /(^|\.)(https?|http2|axios|got|undici|superagent|needle|ky|request|net|tls|dgram)$/;
const CLIENT_METHODS = new Set(['request', 'get', 'post', 'put', 'patch', 'delete', 'head', 'fetch', 'stream', 'connect', 'send', 'createConnection']);
// The request-config shape of axios-like clients and authenticated wrappers (`client.request({ url, method, body })`):
// whatever the receiver is called, a `request` call whose options name the URL is a request.
const URL_OPTION = new Set(['url', 'uri', 'baseURL']);

// HTTP-client modules by the name they are installed under, and the bundler's name for a module's loader
// (`require_axios()`, `init_got()`): an alias of one (`const o = require("axios")`, `import * as x from "got"`,
// `__toESM(require_axios())`) is the client whatever it is called.
const CLIENT_MODULE = /^(?:node:)?(https?|http2|axios|got|undici|superagent|needle|ky|request|node-fetch|cross-fetch|isomorphic-fetch|ofetch)$/;
const CLIENT_LOADER = /^(?:require|init)_(https?|http2|axios|got|undici|superagent|needle|ky|request|node_fetch|cross_fetch|isomorphic_fetch|ofetch)\d*$/;
// What an alias hands on: a configured instance (`o.create({ baseURL })`, `o.extend(…)`) and the default export.
const INSTANCE_METHODS = new Set(['create', 'extend', 'defaults']);
// Methods that send a body to their first argument; given an absolute http(s) URL, a request whatever the receiver is.
// (Not `get`/`put`: maps and caches keyed by URL use those names.)
const BODY_METHODS = new Set(['post', 'patch']);
const ABSOLUTE_URL = /^https?:\/\/[^\s/]+\.[^\s/]/;
// Named imports that are requests themselves (`import { request } from "undici"`), not helpers such as agents.
const REQUEST_EXPORTS = new Set(['request', 'fetch', 'get', 'post', 'put', 'patch', 'stream', 'got', 'default']);

/** `require("axios")`, `require_axios()`, or an interop wrapper around one (`__toESM(require_axios(), 1)`). */
function clientModule(node: AnyNode | undefined, depth = 0): boolean {
  const n = node ? unwrapChain(node) : null;
  if (n?.type !== 'CallExpression' || depth > 2) return false;
  const callee = n.callee;
  if (callee.type === 'Identifier') {
    if (callee.name === 'require') return CLIENT_MODULE.test(constString(n.arguments[0]) ?? '');
    if (CLIENT_LOADER.test(callee.name)) return true;
  }
  return n.arguments.length >= 1 && n.arguments.length <= 2 && clientModule(n.arguments[0], depth + 1);
}

function requestConfig(arg: AnyNode | undefined): boolean {
  return arg?.type === 'ObjectExpression' && arg.properties.some((p: AnyNode) => p.type === 'Property' && URL_OPTION.has(propKey(p) ?? ''));
}

export default defineRule({
  meta: {
    id: 'network-sink',
    category: 'exfiltration',
    description: 'Places where data leaves for the network: fetch, http/https/undici/axios/got requests, WebSocket, sendBeacon.',
    docs:
      'Recognised sinks: `fetch(...)` (global or as a method), `axios(...)`, request methods of http, https, http2, ' +
      'undici, axios, got, superagent, needle, ky, net/tls/dgram sockets, `navigator.sendBeacon`, `new WebSocket`, ' +
      '`new EventSource`, `XMLHttpRequest#send`, and any `….request({ url, … })` (the request-options shape of ' +
      'axios-like and authenticated clients, whatever the receiver is called). A client module under another name is ' +
      'followed: `const o = require("axios")`, `import * as x from "got"`, a bundler\'s interop wrapper ' +
      '(`__toESM(require_axios())`), its `.default` and configured instances (`o.create({ baseURL })`); their request ' +
      'methods and the alias called are requests, and so is `.post`/`.patch` of any receiver whose first argument is an ' +
      'absolute http(s) URL (a literal, or a variable initialised with one). Every argument (URL, headers, body) is a sink for the flow analysis.',
  },
  create(ctx) {
    // Graph nodes that hold an HTTP client under another name (bindings, configured instances, default exports),
    // and the expressions that evaluate to one (for the declarations that name them).
    const clients = new Set<number>();
    const clientExprs = new Set<AnyNode>();
    const isClient = (v: Val): boolean => v.length === 1 && clients.has(v[0]!);
    // Bindings initialised with an absolute URL (`var Hx = "https://…"`), for `.post(Hx, body)`.
    const urlBindings = new Set<number>();
    const absoluteUrl = (arg: AnyNode | undefined, v: Val | undefined): boolean => {
      if (!arg) return false;
      const text = arg.type === 'TemplateLiteral' ? arg.quasis[0]?.value.cooked : constString(arg);
      if (typeof text === 'string') return ABSOLUTE_URL.test(text);
      return arg.type === 'Identifier' && v !== undefined && v.length === 1 && urlBindings.has(v[0]!);
    };
    return {
      only: {
        // Named requests and client methods; every plain call (an alias such as `o(url)`, a module loader or interop
        // wrapper); calls without a static name (`(0, o.default)(url)`).
        CallExpression: { names: oneOf(['fetch', 'axios', 'sendBeacon', 'request', 'default'], CLIENT_METHODS, INSTANCE_METHODS, BODY_METHODS), plainCallees: true, unnamed: true },
        NewExpression: { names: (n) => n === 'WebSocket' || n === 'EventSource' },
        MemberExpression: { names: (n) => n === 'default' },
      },
      ImportDeclaration(node, ev) {
        if (!CLIENT_MODULE.test(String(node.source.value))) return;
        node.specifiers.forEach((sp: AnyNode, i: number) => {
          const named = sp.type === 'ImportSpecifier' ? (sp.imported.name ?? sp.imported.value) : null;
          if (named === null || REQUEST_EXPORTS.has(named)) clients.add(ev.bindings[i]!);
        });
      },
      VariableDeclarator(node, ev) {
        if (ev.binding === null || !node.init) return;
        const init = unwrapChain(node.init);
        if (clientExprs.has(init)) clients.add(ev.binding);
        else if (absoluteUrl(init, undefined)) urlBindings.add(ev.binding);
      },
      MemberExpression(node, ev) {
        if (clients.size > 0 && isClient(ev.object) && memberName(node) === 'default') {
          clients.add(ev.asNode());
          clientExprs.add(node);
        }
      },
      CallExpression(node, ev) {
        const name = ev.name;
        // A client module loaded and wrapped, or a configured instance of an alias: the result is a client too.
        if (clientModule(node) || (name !== null && INSTANCE_METHODS.has(name) && isClient(ev.receiver))) {
          clients.add(ev.asNode());
          clientExprs.add(node);
          return;
        }
        let detail: string | null = null;
        if (name === 'fetch' || name === 'axios' || name === 'sendBeacon') detail = ev.path ?? name;
        else if (name !== null && CLIENT_METHODS.has(name) && ev.path) {
          const recv = ev.path.slice(0, ev.path.lastIndexOf('.'));
          if (CLIENTS.test(recv) || /xhr|XMLHttpRequest/i.test(recv)) detail = ev.path;
        }
        if (detail === null && clients.size > 0) {
          // The alias called (`got(url)`, `(0, o.default)(url)`, `o.default(url)`) or one of its request methods (`o.post(url, body)`).
          const callee = unwrapChain(node.callee);
          const called = ((callee.type === 'Identifier' || callee.type === 'SequenceExpression') && isClient(ev.calleeValue)) || (name === 'default' && isClient(ev.receiver));
          if (called || (name !== null && CLIENT_METHODS.has(name) && isClient(ev.receiver))) detail = `${ev.path ?? name ?? 'call'} (an HTTP client under another name)`;
        }
        if (detail === null && name !== null && BODY_METHODS.has(name) && node.arguments.length >= 2 && absoluteUrl(node.arguments[0], ev.args[0]))
          detail = `${ev.path ?? name} (a request to an absolute URL)`;
        if (detail === null && name === null) return;
        if (detail === null && name === 'request' && requestConfig(node.arguments[0])) detail = `${ev.path ?? name} (request options)`;
        if (detail === null) return;
        const value = ctx.graph.joinAll(ev.args, ev.receiver);
        ctx.recordSink('network', span(node), value, detail);
      },
      NewExpression(node, ev) {
        if (ev.name === 'WebSocket' || ev.name === 'EventSource') {
          const value = ctx.graph.joinAll(ev.args);
          ctx.recordSink('network', span(node), value, `new ${ev.name}`);
        }
      },
    };
  },
});
