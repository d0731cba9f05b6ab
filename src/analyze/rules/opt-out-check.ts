import { defineRule, type AnyNode } from '../rule.js';
import { calleeName, calleePath, constString, memberName, span } from '../ast.js';
import { classifyEnvName } from './env-read.js';

// Switches that turn reporting off, by the conventions tools share: DO_NOT_TRACK, …_TELEMETRY…, DISABLE_…,
// …_OPT_OUT, update-check switches. NO_COLOR / NO_PROXY and other NO_ switches are not about reporting.
const OPT_OUT_ENV = /DO_NOT_TRACK|TELEMETRY|ANALYTICS|TRACKING|OPT_?OUT|(^|_)DISABLE_|_DISABLED?$|ERROR_REPORTING|CRASH_REPORT|USAGE_STAT|METRICS|NO_UPDATE|UPDATE_NOTIFIER/i;
/** An environment variable named like a switch that turns reporting off (not one that says where reports go). */
export function isOptOutEnvName(name: string): boolean {
  // `…_TELEMETRY_URL` sets where reports go, it switches nothing off.
  return OPT_OUT_ENV.test(name) && classifyEnvName(name) !== 'host-url';
}
const OPT_OUT_KEY = /telemetry|analytics|tracking|usage_?statistics|crash_?report|error_?report|opt_?out|do_?not_?track/i;
// `telemetryUrl`, `TELEMETRY_ENDPOINT`: where reports go, not whether they are sent.
const DESTINATION_KEY = /(?:url|uri|endpoint|host(?:name)?)$/i;
const OPT_OUT_FLAG = /^--(?:(?:no|disable)-[\w-]+|[\w-]*(?:telemetry|analytics|tracking)[\w-]*)$/;
const EXIT_EVENTS = new Set(['exit', 'beforeExit', 'SIGINT', 'SIGTERM']);
// The text in front of a static method's parameters (`static getInstance(`).
const STATIC_METHOD = /\bstatic\s+(?:async\s+)?\*?\s*[\w$]+\s*$/;
/** How many calls inside an exit handler are listed, and how deep its body is searched for them. */
const MAX_HANDLER_CALLS = 16;
const HANDLER_DEPTH = 6;

/** The name a function expression is given by the text in front of it. */
function nameBefore(text: string, start: number): string | null {
  const m = /([A-Za-z_$][\w$]*)\s*(?:[:=]\s*(?:async\s*)?(?:function\b\s*\*?\s*[\w$]*\s*)?)?(?:async\s*)?$/.exec(text.slice(Math.max(0, start - 80), start));
  return m && m[1] !== 'function' && m[1] !== 'return' ? m[1]! : null;
}

function callsIn(node: AnyNode, depth: number, out: string[]): void {
  if (!node || typeof node !== 'object' || depth < 0 || out.length >= MAX_HANDLER_CALLS) return;
  if (node.type === 'CallExpression') {
    const n = calleeName(node);
    if (n && !out.includes(n)) out.push(n);
  }
  for (const key of Object.keys(node)) {
    if (key === 'loc' || key === 'range') continue;
    const v = (node as Record<string, unknown>)[key];
    if (Array.isArray(v)) for (const x of v) callsIn(x as AnyNode, depth - 1, out);
    else if (v && typeof v === 'object' && typeof (v as AnyNode).type === 'string') callsIn(v as AnyNode, depth - 1, out);
  }
}

export default defineRule({
  meta: {
    id: 'opt-out-check',
    category: 'exfiltration',
    description: 'Opt-out switches (DO_NOT_TRACK, *_TELEMETRY*, DISABLE_*, telemetry config keys, --no-… flags) and the checks that guard network calls.',
    docs:
      'Reads of environment variables named like opt-outs (`DO_NOT_TRACK`, `…TELEMETRY…`, `DISABLE_…`, `…_OPT_OUT`), ' +
      'of config keys about telemetry, analytics, tracking or usage statistics, and `--no-…` / `--disable-…` flags are ' +
      'recorded, as are imports of another chunk\'s opt-out helper (a short exported function that reads such a switch, ' +
      'found by the package scan in analyze/package/chunk-exports.ts), ' +
      'with the branch tests of every function that contains a network call, of static methods that read ' +
      'an opt-out (a singleton factory that hands out no instance when it is off guards the calls of its class), and the handlers of the ' +
      "process's exit. The egress map names an opt-out only when a check of it guards the path to the call; otherwise " +
      'it says "no opt-out found".',
  },
  create(ctx) {
    const eg = ctx.facts.egress;
    const optOut = (node: AnyNode, name: string): void => {
      eg.optOuts.push({ node: ctx.seed(node.start), name, start: node.start, end: node.end });
    };
    return {
      only: {
        MemberExpression: { objects: ['env'], names: (n) => OPT_OUT_KEY.test(n) },
        Literal: { strings: { min: 3, max: 59 } },
        CallExpression: { names: (n) => n === 'on' || n === 'once' || n === 'addListener' || OPT_OUT_KEY.test(n) },
      },
      MemberExpression(node, ev) {
        if (ctx.isEnv(node.object, ev.object)) {
          const name = node.computed ? constString(node.property) : node.property.name;
          if (name && isOptOutEnvName(name)) optOut(node, name);
          return;
        }
        const key = memberName(node);
        if (key && OPT_OUT_KEY.test(key) && !DESTINATION_KEY.test(key)) optOut(node, ctx.text.slice(node.start, Math.min(node.end, node.start + 60)));
      },
      ImportDeclaration(node, ev) {
        // An opt-out helper of another chunk (`import { c as q } from "./chunk-flags.js"`): its result is the
        // switches' state, so the binding carries their checks into whatever tests `q()`.
        const helpers = ctx.importedChunk(node.source.value)?.optOutHelpers;
        if (!helpers) return;
        node.specifiers.forEach((sp: AnyNode, i: number) => {
          const imported = sp.type === 'ImportSpecifier' ? (sp.imported.name ?? sp.imported.value) : sp.type === 'ImportDefaultSpecifier' ? 'default' : null;
          for (const name of (imported !== null ? helpers[imported] : undefined) ?? []) {
            const n = ctx.graph.node(sp.start);
            ctx.graph.edge(n, ev.bindings[i]!);
            eg.optOuts.push({ node: n, name, start: sp.start, end: sp.end });
          }
        });
      },
      Literal(node) {
        if (typeof node.value === 'string' && node.value.length < 60 && OPT_OUT_FLAG.test(node.value)) optOut(node, node.value);
      },
      CallExpression(node, ev) {
        const name = calleeName(node);
        // A getter of the switch (`config.getUsageStatisticsEnabled()`, `isTelemetryDisabled()`): the callee is not
        // visited as a member expression, so the call itself is the read.
        if (name !== null && node.arguments.length === 0 && OPT_OUT_KEY.test(name)) {
          optOut(node, ctx.text.slice(node.start, Math.min(node.end, node.start + 60)));
          return;
        }
        if (ev.name !== 'on' && ev.name !== 'once' && ev.name !== 'addListener') return;
        const event = node.arguments[0] ? constString(node.arguments[0]) : null;
        const handler = node.arguments[1];
        if (event === null || !EXIT_EVENTS.has(event) || !handler || !/^process\./.test(calleePath(node.callee) ?? '')) return;
        const calls: string[] = [];
        if (handler.type === 'Identifier') calls.push(handler.name);
        else if (handler.type === 'MemberExpression' && memberName(handler)) calls.push(memberName(handler)!);
        else callsIn(handler.body, HANDLER_DEPTH, calls);
        eg.exitHandlers.push({ ...span(handler), calls });
      },
      FunctionExit(node, exit) {
        // A static method that reads an opt-out (opt-outs are recorded in walk order): a gate of its class's calls.
        const lastOptOut = eg.optOuts[eg.optOuts.length - 1];
        if (lastOptOut && lastOptOut.start >= exit.span.start && STATIC_METHOD.test(ctx.text.slice(Math.max(0, node.start - 60), node.start)))
          eg.gates.push({ ...exit.span, tests: exit.tests, name: null });
        // Only functions around a network call matter; sinks are recorded in walk order.
        const sinks = ctx.facts.sinks;
        for (let i = sinks.length - 1; i >= 0; i--) {
          const s = sinks[i]!;
          if (s.start < exit.span.start) break;
          if (s.kind !== 'network' || s.end > exit.span.end) continue;
          eg.guards.push({ ...exit.span, tests: exit.tests, name: node.id?.name ?? nameBefore(ctx.text, node.start) });
          return;
        }
      },
      ProgramExit(exit) {
        eg.programTests = exit.tests;
      },
    };
  },
});
