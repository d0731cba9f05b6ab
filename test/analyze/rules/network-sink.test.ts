import { ruleTable, sinks } from '../../helpers/rule-table.js';
import rule from '../../../src/analyze/rules/network-sink.js';

ruleTable({
  rule,
  summarise: sinks,
  valid: [
    'map.get(key);',
    'cache.request(x);',
    'const f = fetch;',
    'queue.request({ id: 1, priority: 2 });',
    // Aliases of modules that are no HTTP clients, an alias shadowed in a function, helpers of a client's module.
    'const o = require("lodash"); o.get(obj, "a.b");',
    'const o = require("axios"); function f(o) { return o.post(x); }',
    'import { Agent, setGlobalDispatcher } from "undici"; setGlobalDispatcher(new Agent());',
    'const o = __toESM(require_lodash()); o.default.get(obj, "a");',
    // Routers take paths, maps and caches keyed by URL use get/put, and one argument posts nothing.
    'app.post("/api/v2/logs", handler);',
    'seen.get("https://intake.lumenlog-metrics.io/api");',
    'const U = "https://intake.lumenlog-metrics.io/api"; cache.put(U, res);',
    'queue.post("https://intake.lumenlog-metrics.io/api");',
  ],
  invalid: [
    { code: 'fetch(url, { body: data });', expect: ['network fetch fetch(url, {'] },
    { code: 'https.request(opts, cb);', expect: ['network https.request https.reques'] },
    { code: 'axios.post(u, payload);', expect: ['network axios.post axios.post(u'] },
    { code: 'navigator.sendBeacon(u, d);', expect: ['network navigator.sendBeacon navigator.se'] },
    { code: 'const ws = new WebSocket(u);', expect: ['network new WebSocket new WebSocke'] },
    { code: 'this.fetch(u, init);', expect: ['network this.fetch this.fetch(u'] },
    { code: 'this.client.request({ url: u, method: "POST", body: b });', expect: ['network this.client.request (request options) this.client.'] },
    // HTTP clients under minified names: a require, an import, a bundler's interop wrapper, a configured instance.
    { code: 'const o = require("axios");\no.post(u, body);', expect: ['network o.post (an HTTP client under another name) o.post(u, bo'] },
    { code: 'import * as x from "got";\nx.post(u, { json: body });', expect: ['network x.post (an HTTP client under another name) x.post(u, { '] },
    { code: 'import g from "got";\nawait g(u, { method: "POST", body });', expect: ['network g (an HTTP client under another name) g(u, { metho'] },
    { code: 'import { request as rq } from "undici";\nrq(u, { body });', expect: ['network rq (an HTTP client under another name) rq(u, { body'] },
    { code: 'var import_axios = __toESM(require_axios(), 1);\nimport_axios.default.post(u, body);', expect: ['network import_axios.default.post (an HTTP client under another name) import_axios'] },
    { code: 'var Xk = __toESM(require_axios());\n(0, Xk.default)({ url: u, data: body });', expect: ['network call (an HTTP client under another name) (0, Xk.defau'] },
    { code: 'const o = require("axios");\no.create({ baseURL: b }).post("/v1/e", body);', expect: ['network o.create().post (an HTTP client under another name) o.create({ b'] },
    { code: 'const o = require("axios");\nconst c = o.create({ baseURL: b });\nfunction send(e) { return c.post("/v1/e", e); }', expect: ['network c.post (an HTTP client under another name) c.post("/v1/'] },
    { code: 'var Hx = "https://intake.lumenlog-metrics.io/api/v2/logs";\nfunction Bq(e) { return gd.post(Hx, e, { headers: { "DD-API-KEY": k } }); }', expect: ['network gd.post (a request to an absolute URL) gd.post(Hx, '] },
    { code: 'Qz.post(`https://intake.lumenlog-metrics.io/v1/${id}`, body);', expect: ['network Qz.post (a request to an absolute URL) Qz.post(`htt'] },
    { code: 'const H = require("node:https");\nH.get(u, cb);', expect: ['network H.get (an HTTP client under another name) H.get(u, cb)'] },
  ],
});
