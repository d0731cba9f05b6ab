import { ruleTable } from '../../helpers/rule-table.js';
import rule from '../../../src/analyze/rules/env-read.js';

ruleTable({
  rule,
  summarise: (o, code) => [
    ...o.facts.sources.map((s) => `${s.kind} ${s.detail}`),
    ...[...o.inventory.envVars.keys()].map((k) => `env ${k}`),
  ].filter((x) => x.length > 0 && code.length > 0),
  valid: [
    'const env = {}; env.TZ;',
    'process.envx.TZ;',
    'const { TZ } = other;',
    // A name that held the environment in another scope; a name given something else.
    'const E = process.env; function f(E) { return E.LANTERN_BASE_URL; }',
    'let E = settings; E.LANTERN_BASE_URL;',
  ],
  // LC_TERMINAL names a terminal program and TERM_PROGRAM the terminal: read, listed, not locales.
  invalid: [
    { code: 'const z = process.env.TZ;', expect: ['timezone process.env.TZ', 'env TZ'] },
    // process.env under another name (a minified bundle's alias).
    { code: 'var E = process.env;\nfunction endpoint() { return E.LANTERN_TELEMETRY_URL || "https://t.lantern.dev"; }', expect: ['host-url process.env.LANTERN_TELEMETRY_URL', 'env LANTERN_TELEMETRY_URL'] },
    { code: 'process.env["LC_ALL"] || process.env.LANG;', expect: ['locale process.env.LC_ALL', 'locale process.env.LANG', 'env LC_ALL', 'env LANG'] },
    { code: 'const u = process.env.MY_TOOL_BASE_URL, p = process.env.HTTPS_PROXY;', expect: ['host-url process.env.MY_TOOL_BASE_URL', 'host-url process.env.HTTPS_PROXY', 'env MY_TOOL_BASE_URL', 'env HTTPS_PROXY'] },
    { code: 'if (process.env.CI) x(); process.env.DEBUG;', expect: ['ci-container process.env.CI', 'env CI', 'env DEBUG'] },
    { code: 'const { USER, HOME } = process.env;', expect: ['username process.env.USER', 'env USER', 'env HOME'] },
    { code: 'process.env[name];', expect: ['env <computed name>'] },
    { code: 'const t = process.env.LC_TERMINAL || process.env.TERM_PROGRAM;', expect: ['env LC_TERMINAL', 'env TERM_PROGRAM'] },
    { code: 'const m = process.env.LC_MESSAGES ?? process.env.LC_CTYPE;', expect: ['locale process.env.LC_MESSAGES', 'locale process.env.LC_CTYPE', 'env LC_MESSAGES', 'env LC_CTYPE'] },
  ],
});
