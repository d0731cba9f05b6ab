import { defineRule, oneOf, type AnyNode } from '../rule.js';
import { propKey, span } from '../ast.js';

// Receivers whose request-shaped methods send data over the network.
const CLIENTS = /(^|\.)(https?|http2|axios|got|undici|superagent|needle|ky|request|net|tls|dgram)$/;
const CLIENT_METHODS = new Set(['request', 'get', 'post', 'put', 'patch', 'delete', 'head', 'fetch', 'stream', 'connect', 'send', 'createConnection']);
// The request-config shape of axios-like clients and authenticated wrappers (`client.request({ url, method, body })`):
// whatever the receiver is called, a `request` call whose options name the URL is a request.
const URL_OPTION = new Set(['url', 'uri', 'baseURL']);

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
      'axios-like and authenticated clients, whatever the receiver is called). Every argument (URL, headers, body) is a sink for the flow analysis.',
  },
  create(ctx) {
    return {
      only: {
        CallExpression: { names: oneOf(['fetch', 'axios', 'sendBeacon', 'request'], CLIENT_METHODS) },
        NewExpression: { names: (n) => n === 'WebSocket' || n === 'EventSource' },
      },
      CallExpression(node, ev) {
        const name = ev.name;
        if (name === null) return;
        let detail: string | null = null;
        if (name === 'fetch' || name === 'axios' || name === 'sendBeacon') detail = ev.path ?? name;
        else if (CLIENT_METHODS.has(name) && ev.path) {
          const recv = ev.path.slice(0, ev.path.lastIndexOf('.'));
          if (CLIENTS.test(recv) || /xhr|XMLHttpRequest/i.test(recv)) detail = ev.path;
        }
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
