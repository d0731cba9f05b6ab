import { ruleTable, sinks } from '../../helpers/rule-table.js';
import rule from '../../../src/analyze/rules/network-sink.js';

ruleTable({
  rule,
  summarise: sinks,
  valid: ['map.get(key);', 'cache.request(x);', 'const f = fetch;', 'queue.request({ id: 1, priority: 2 });'],
  invalid: [
    { code: 'fetch(url, { body: data });', expect: ['network fetch fetch(url, {'] },
    { code: 'https.request(opts, cb);', expect: ['network https.request https.reques'] },
    { code: 'axios.post(u, payload);', expect: ['network axios.post axios.post(u'] },
    { code: 'navigator.sendBeacon(u, d);', expect: ['network navigator.sendBeacon navigator.se'] },
    { code: 'const ws = new WebSocket(u);', expect: ['network new WebSocket new WebSocke'] },
    { code: 'this.fetch(u, init);', expect: ['network this.fetch this.fetch(u'] },
    { code: 'this.client.request({ url: u, method: "POST", body: b });', expect: ['network this.client.request (request options) this.client.'] },
  ],
});
