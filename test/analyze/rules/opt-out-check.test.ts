import { ruleTable } from '../../helpers/rule-table.js';
import rule from '../../../src/analyze/rules/opt-out-check.js';
import networkSink from '../../../src/analyze/rules/network-sink.js';
import { factsFor } from '../../helpers/analyze.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';

ruleTable({
  rule,
  summarise: (o) => [...o.facts.egress.optOuts.map((x) => `opt-out ${x.name}`), ...o.facts.egress.exitHandlers.map((h) => `exit-handler ${h.calls.join(',')}`)],
  valid: ['const c = process.env.NO_COLOR;', 'const p = process.env.HTTPS_PROXY;', 'args.includes("--verbose");', 'emitter.on("exit", done);', 'logger.sendTelemetry(event);'],
  invalid: [
    { code: 'if (process.env.DO_NOT_TRACK) enabled = false;', expect: ['opt-out DO_NOT_TRACK'] },
    { code: 'const s = process.env;\nif (s.LANTERN_DISABLE_TELEMETRY) enabled = false;', expect: ['opt-out LANTERN_DISABLE_TELEMETRY'] },
    // The variable that sets where reports go is no switch.
    { code: 'const u = process.env.LANTERN_TELEMETRY_URL ?? d;\nif (process.env.LANTERN_NO_TELEMETRY) u = null;', expect: ['opt-out LANTERN_NO_TELEMETRY'] },
    { code: 'const off = process.env.ACME_TELEMETRY_DISABLED === "1";', expect: ['opt-out ACME_TELEMETRY_DISABLED'] },
    { code: 'if (settings.usageStatisticsEnabled) send();', expect: ['opt-out settings.usageStatisticsEnabled'] },
    { code: 'const quiet = argv.includes("--no-telemetry");', expect: ['opt-out --no-telemetry'] },
    { code: 'if (!config?.getUsageStatisticsEnabled()) return;', expect: ['opt-out config?.getUsageStatisticsEnabled()'] },
    { code: 'process.on("exit", () => { client.flush(); });', expect: ['exit-handler flush'] },
  ],
});

test('opt-out-check records the branch tests of functions that contain a network call, and no others', () => {
  const code = 'function send(b) { if (off()) return; fetch("https://x.example.com", { body: b }); }\nfunction other(a) { if (a) return 1; return 2; }';
  const { facts } = factsFor(code, [networkSink, rule]);
  assert.deepEqual(facts.egress.guards.map((g) => [g.name, g.tests.length > 0]), [['send', true]]);
});

test('opt-out-check records static methods that read an opt-out as gates of their class', () => {
  const code = 'class Log {\n  static get(c) { if (!c.isTelemetryOn()) return undefined; return new Log(); }\n  static make(c) { return new Log(c); }\n}';
  const { facts } = factsFor(code, [networkSink, rule]);
  assert.deepEqual(facts.egress.gates.map((g) => code.slice(g.start, g.start + 3)), ['(c)']);
});
