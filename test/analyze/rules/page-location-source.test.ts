import { ruleTable, sources } from '../../helpers/rule-table.js';
import rule from '../../../src/analyze/rules/page-location-source.js';

ruleTable({
  rule,
  summarise: sources,
  valid: [
    'const h = new URL(u).hostname;',
    'const h = config.location.hostname;',
    'const d = cookie.domain;',
    'const o = req.headers.origin;',
  ],
  invalid: [
    { code: 'const h = location.hostname;', expect: ['host-url location.hostname'] },
    { code: 'const h = window.location.host.toLowerCase();', expect: ['host-url window.location.host'] },
    { code: 'const h = globalThis.location?.origin;', expect: ['host-url globalThis.location?.origin'] },
    { code: 'const d = document.domain || "";', expect: ['host-url document.domain'] },
  ],
});
