import { defineRule } from '../rule.js';
import { span } from '../ast.js';

// Receivers whose request-shaped methods send data over the network.
const CLIENTS = /(^|\.)(https?|http2|axios|got|undici|superagent|needle|ky|request|net|tls|dgram)$/;
const CLIENT_METHODS = new Set(['request', 'get', 'post', 'put', 'patch', 'delete', 'head', 'fetch', 'stream', 'connect', 'send', 'createConnection']);

export default defineRule({
  meta: {
    id: 'network-sink',
    category: 'exfiltration',
    description: 'Places where data leaves for the network: fetch, http/https/undici/axios/got requests, WebSocket, sendBeacon.',
    docs:
      'Recognised sinks: `fetch(...)` (global or as a method), `axios(...)`, request methods of http, https, http2, ' +
      'undici, axios, got, superagent, needle, ky, net/tls/dgram sockets, `navigator.sendBeacon`, `new WebSocket`, ' +
      '`new EventSource`, `XMLHttpRequest#send`. Every argument (URL, headers, body) is a sink for the flow analysis.',
  },
  create(ctx) {
    return {
      CallExpression(node, ev) {
        const name = ev.name;
        if (name === null) return;
        let detail: string | null = null;
        if (name === 'fetch' || name === 'axios' || name === 'sendBeacon') detail = ev.path ?? name;
        else if (CLIENT_METHODS.has(name) && ev.path) {
          const recv = ev.path.slice(0, ev.path.lastIndexOf('.'));
          if (CLIENTS.test(recv) || /xhr|XMLHttpRequest/i.test(recv)) detail = ev.path;
        }
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
