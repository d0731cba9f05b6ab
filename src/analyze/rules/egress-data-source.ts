import { defineRule, oneOf, type AnyNode } from '../rule.js';
import { calleeName, constString, memberName, propKey, span } from '../ast.js';
import type { EgressDataKind, Span } from '../../flow/facts.js';

// Names by convention of secrets held in the environment (SDKs, CI services, cloud CLIs).
const CREDENTIAL_ENV = /(^|_)(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?|AUTH)(_|$)/i;
// Calls that record one usage event by name: track('x'), logEvent('x'), captureEvent('x'), recordMetric('x').
const EVENT_CALL = /^(track|capture)$|event|telemetry|analytics|metric/i;
const EVENT_KEYS = new Set(['event', 'eventName', 'event_name', 'eventType', 'event_type']);
const EVENT_NAME = /^[A-Za-z][\w.:/ -]{1,63}$/;
const READ_CALLS = new Set(['readFile', 'readFileSync', 'createReadStream']);
// A file read whose path names configuration or package metadata is not "file contents" of the user.
const CONFIG_PATH = /(\.(json|jsonc|ya?ml|toml|ini|env|lock|pem|crt)|rc|config(\.\w+)?|LICENSE)$/i;
const PROMPT_NAME = /^(system|user)?_?prompts?$|^(system|user)Prompt$/i;
/** How deep the path argument of a file read is searched for the literals that name it. */
const PATH_SEARCH_DEPTH = 3;

function literalsIn(node: AnyNode, depth: number, out: string[]): void {
  if (!node || depth < 0 || out.length > 8) return;
  const s = constString(node);
  if (s !== null) {
    out.push(s);
    return;
  }
  if (node.type === 'TemplateLiteral') for (const q of node.quasis) out.push(q.value.cooked ?? '');
  if (node.type === 'CallExpression') for (const a of node.arguments) literalsIn(a, depth - 1, out);
  if (node.type === 'BinaryExpression') {
    literalsIn(node.left, depth - 1, out);
    literalsIn(node.right, depth - 1, out);
  }
}

/** `name` when the text before `at` is `name(` (the literal at `at` is a call's first argument). */
function calleeBefore(text: string, at: number): string | null {
  let i = at - 1;
  while (i >= 0 && (text[i] === ' ' || text[i] === '\n')) i--;
  if (text[i] !== '(') return null;
  const end = i;
  i--;
  while (i >= 0 && /[\w$]/.test(text[i]!)) i--;
  return end - i > 1 ? text.slice(i + 1, end) : null;
}

export default defineRule({
  meta: {
    id: 'egress-data-source',
    category: 'exfiltration',
    description: 'Data classes of the egress map: usage events, errors and stack traces, file contents, prompts, credentials.',
    docs:
      'What can reach a destination besides fingerprints, recognised by kind: usage events (a call such as ' +
      "`track('name')` or `logEvent('name')`, an object with a constant `event`/`eventName` key; the names are listed), " +
      'errors (`.stack` reads), file contents (`fs.readFile*`, `createReadStream`, unless the path names a configuration ' +
      'or metadata file), prompts (properties named `prompt`, `systemPrompt`, `userPrompt`) and credentials (environment ' +
      'variables named …_TOKEN, …_SECRET, …_API_KEY, …_PASSWORD). The egress map says which of them reach each network call.',
  },
  create(ctx) {
    const codeOf = (n: AnyNode): string => ctx.text.slice(n.start, Math.min(n.end, n.start + 80));
    const record = (kind: EgressDataKind, at: Span, detail: string): void => {
      ctx.facts.egress.data.push({ kind, node: ctx.seed(at.start), start: at.start, end: at.end, detail });
    };
    return {
      only: {
        MemberExpression: { objects: ['env'], names: (n) => n === 'stack' || PROMPT_NAME.test(n) },
        CallExpression: { names: oneOf(READ_CALLS) },
        Literal: { strings: { min: 2, max: 64 } },
      },
      MemberExpression(node, ev) {
        if (ctx.isEnv(node.object, ev.object)) {
          const name = node.computed ? constString(node.property) : node.property.name;
          if (name && CREDENTIAL_ENV.test(name)) record('credentials', span(node), `process.env.${name}`);
          return;
        }
        const name = memberName(node);
        if (name === 'stack') record('errors', span(node), codeOf(node));
        else if (name && PROMPT_NAME.test(name)) record('prompts', span(node), codeOf(node));
      },
      CallExpression(node) {
        const name = calleeName(node);
        if (name === null || !READ_CALLS.has(name)) return;
        const names: string[] = [];
        literalsIn(node.arguments[0], PATH_SEARCH_DEPTH, names);
        if (names.some((s) => CONFIG_PATH.test(s.trim()))) return;
        record('content', span(node), codeOf(node));
      },
      Literal(node) {
        // The first argument of an event call: seeded at the literal, so the name travels into the callee.
        const event = node.value;
        // The text before the literal rules out most literals (not a first argument) for less than the name test.
        if (typeof event !== 'string' || event.length < 2 || event.length > 64) return;
        const callee = calleeBefore(ctx.text, node.start);
        if (callee !== null && EVENT_CALL.test(callee) && EVENT_NAME.test(event)) record('usage', span(node), event);
      },
      ObjectExpression(node) {
        for (const p of node.properties) {
          if (p.type !== 'Property') continue;
          const key = propKey(p);
          if (key === null || !EVENT_KEYS.has(key)) continue;
          const event = constString(p.value);
          if (event !== null && EVENT_NAME.test(event)) record('usage', span(node), event);
          return;
        }
      },
    };
  },
});
