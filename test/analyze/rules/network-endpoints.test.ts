import { ruleTable } from '../../helpers/rule-table.js';
import rule from '../../../src/analyze/rules/network-endpoints.js';

ruleTable({
  rule,
  summarise: (o) => [...[...o.inventory.urls.keys()].map((u) => `url ${u}`), ...[...o.inventory.hosts.keys()].map((h) => `host ${h}`)],
  valid: ['const f = "index.js";', 'const p = "a.b.c";', 'const m = "no urls here";', 'const t = "e.target";', 'const q = "this.props.map";'],
  invalid: [
    { code: 'fetch("https://api.example.com/v1/x?y=1");', expect: ['url https://api.example.com/v1/x?y=1', 'host api.example.com'] },
    { code: 'const u = `wss://stream.example.org/${id}`;', expect: ['url wss://stream.example.org/', 'host stream.example.org'] },
    { code: 'const h = "telemetry.example.io";', expect: ['host telemetry.example.io'] },
  ],
});
