import { defineRule, type AnyNode } from '../rule.js';
import { calleePath, constString, propKey, span, unwrapChain } from '../ast.js';
import { looksLikeHost } from './network-endpoints.js';

const URL_IN_TEXT = /\b(?:https?|wss?):\/\/[A-Za-z0-9.-]+(?::\d+)?(?:\/[^\s"'`<>\\]*)?/;
/** Literals longer than this are prose or data, not a destination. */
const MAX_URL_LITERAL = 2_000;
// Names of wrappers of the child-process API (execa, execFileNoThrow, runCommand, spawnShell).
const RUNS_PROCESS = /exec|spawn|run|cmd|command|shell/i;
const PROCESS_CALLS = new Set(['exec', 'execSync', 'spawn', 'spawnSync', 'execFile', 'execFileSync']);
const REQUEST_CALL = /(^|\.)(https?|http2)\.(request|get)$/;
const TRANSFER_COMMAND = /^\s*(curl|wget)(\s|$)/;
// A package manager asked about a package: the child process contacts the registry (an update check).
const PACKAGE_MANAGER = /^(?:.*[\\/])?(npm|pnpm|yarn|npx|bun)(?:\.cmd|\.exe|-cli\.js)?$/i;
const REGISTRY_QUERY = /^(view|info|show|v|outdated|dist-tags?|search)$/;
const QUERY_COMMAND = /^\s*(?:[\w./\\-]*[\\/])?(npm|pnpm|yarn|npx|bun)(?:\.cmd|\.exe)?\s+(?:-{1,2}[\w-]+(?:=\S+)?\s+)*(view|info|show|v|outdated|dist-tags?|search)(\s|$)/;
// A field of a package document asked for with a query (`dist-tags.latest`, `version`): says `view` is npm's even
// when the command is a variable or the running node with npm's script.
const REGISTRY_FIELD = /^(version|versions|dist-tags(\.[\w.-]*)?|time(\.[\w.-]*)?)$/;
/** The registry npm (and pnpm) use unless configured otherwise (npm's documented default). */
const DEFAULT_REGISTRY = 'https://registry.npmjs.org/';
// A bare host name given a name that says so (`const EVENTS_HOSTNAME = "…"`, `this.host = "…"`): a destination
// once it reaches a request's `host`/`hostname` option.
const HOST_BINDING = /(?:^|[^\w$])[\w$]*host(?:name)?\s*=\s*$/i;
/** How far after `const req = https.request(…)` a `req.end(body)` / `req.write(body)` is taken as the same request. */
const REQUEST_VAR_REACH = 4_000;

/**
 * `npm view <pkg> version` and its spellings: a command line, or a command with an argument list whose query
 * subcommand is run by a package manager, or asks for a package document's field. Returns the query, else null.
 */
function registryQuery(call: AnyNode, runsProcess: boolean): string | null {
  const args = call.arguments;
  const listAt = args[0]?.type === 'ArrayExpression' ? 0 : args[1]?.type === 'ArrayExpression' ? 1 : -1;
  const line = listAt !== 0 && args[0] ? commandText(args[0]) : null;
  if (line !== null && runsProcess) {
    const m = QUERY_COMMAND.exec(line);
    if (m) return `${m[1]} ${m[2]}`;
  }
  if (listAt < 0) return null;
  // Constant words, and the constant start of a template (`dist-tags.${tag}`).
  const words = args[listAt].elements.map((e: AnyNode) => (e && e.type !== 'SpreadElement' ? commandText(e) : null));
  const query = words.find((w: string | null) => w !== null && REGISTRY_QUERY.test(w));
  if (!query) return null;
  const field = words.some((w: string | null) => w !== null && REGISTRY_FIELD.test(w));
  const manager = line !== null ? PACKAGE_MANAGER.exec(line.trim()) : null;
  // A call not known to run a process is taken as one only with a package field asked for.
  if (manager && (runsProcess || field)) return `${manager[1]!.toLowerCase()} ${query}`;
  return field ? `npm ${query}` : null;
}

/** The start of a command line: a literal, the left end of a concatenation, a template's first text. */
function commandText(node: AnyNode): string | null {
  let n = node;
  while (n.type === 'BinaryExpression' && n.operator === '+') n = n.left;
  if (n.type === 'TemplateLiteral') return n.quasis[0]?.value.cooked ?? null;
  return constString(n);
}

export default defineRule({
  meta: {
    id: 'egress-destination',
    category: 'exfiltration',
    description: 'Where network calls go: URL literals and host options as candidate destinations; curl/wget and package-registry queries (npm view) in child processes as network calls.',
    docs:
      'Every string or template literal that contains an http(s)/ws(s) URL, and every constant `host`/`hostname` option ' +
      'that is a host name, becomes a candidate destination that the flow analysis follows into network calls; the ' +
      'egress map names each call by the URLs that reach it (and by the …_URL/…_HOST variables that configure it, from ' +
      'env-read). A child process running `curl` or `wget` is a network call of its own, and so is a package manager ' +
      'asked about a package (`npm view <pkg> version`, `npm info`, `execFile("npm", ["view", …])`, or an argument list ' +
      'with a query and a package field such as `dist-tags.latest`): an update check, whose destination is the package ' +
      "registry (npm's default registry unless configured otherwise).",
  },
  create(ctx) {
    const url = (at: AnyNode, value: string): void => {
      ctx.facts.egress.urls.push({ node: ctx.seed(at.start), url: value, start: at.start, end: at.end });
    };
    const scan = (node: AnyNode, text: string): void => {
      if (text.length < 10 || text.length > MAX_URL_LITERAL || !text.includes('://')) return;
      const m = URL_IN_TEXT.exec(text);
      if (m) url(node, m[0].replace(/[),.;:]+$/, ''));
    };
    // Variables holding a request object (`const req = https.request(opts)`), by name, with where they were made.
    const requestVars = new Map<string, number>();
    return {
      only: {
        Literal: { strings: { min: 5, max: MAX_URL_LITERAL } },
        // Process calls and wrappers named as such; a plain call (a minified wrapper) given a package manager.
        CallExpression: { names: (n) => n === 'end' || n === 'write' || PROCESS_CALLS.has(n) || RUNS_PROCESS.test(n), plainCallees: true },
      },
      Literal(node) {
        if (typeof node.value !== 'string') return;
        const text = node.value;
        if (text.includes('://')) scan(node, text);
        else if (text.length >= 5 && text.length <= 253 && text.includes('.') && HOST_BINDING.test(ctx.text.slice(Math.max(0, node.start - 48), node.start)) && looksLikeHost(text))
          url(node, `https://${text}`);
      },
      VariableDeclarator(node) {
        const init = node.init ? unwrapChain(node.init) : null;
        if (node.id.type !== 'Identifier' || init?.type !== 'CallExpression') return;
        const path = calleePath(init.callee);
        if (path && REQUEST_CALL.test(path)) requestVars.set(node.id.name, node.start);
      },
      TemplateLiteral(node) {
        const first = node.quasis[0]?.value.cooked;
        // `https://iam.${domain}/…`: the host goes on in an expression, so its first label is no destination.
        if (first && node.expressions.length > 0 && /^\s*(?:https?|wss?):\/\/[A-Za-z0-9.-]*\.$/.test(first)) return;
        if (first) scan(node, first);
      },
      ObjectExpression(node) {
        for (const p of node.properties) {
          if (p.type !== 'Property') continue;
          const key = propKey(p);
          if (key !== 'host' && key !== 'hostname') continue;
          const host = constString(p.value);
          if (host !== null && looksLikeHost(host)) url(node, `https://${host}`);
        }
      },
      CallExpression(node, ev) {
        if (ev.name === 'end' || ev.name === 'write') {
          // https.request(options).end(body): the body goes to the same request.
          const callee = unwrapChain(node.callee);
          const inner = callee.type === 'MemberExpression' ? unwrapChain(callee.object) : null;
          const path = inner && inner.type === 'CallExpression' ? calleePath(inner.callee) : null;
          if (path && REQUEST_CALL.test(path) && ev.args.length) ctx.recordSink('network', span(node), ctx.graph.joinAll(ev.args, ev.receiver), `${path}().${ev.name}`);
          // const req = https.request(opts); …; req.end(body)
          const made = inner?.type === 'Identifier' ? requestVars.get(inner.name) : undefined;
          if (made !== undefined && node.start - made < REQUEST_VAR_REACH && ev.args.length) ctx.recordSink('network', span(node), ctx.graph.joinAll(ev.args, ev.receiver), `${inner!.name}.${ev.name} (a request)`);
          return;
        }
        if (ev.name === null) return;
        const processCall = PROCESS_CALLS.has(ev.name);
        // A wrapper of the child-process API (execa, a project's own helper: named so, or given a package manager).
        const runsProcess = processCall || RUNS_PROCESS.test(ev.name);
        if (!runsProcess && !(node.arguments.length >= 2 && PACKAGE_MANAGER.test(constString(node.arguments[0]) ?? ''))) return;
        const query = registryQuery(node, runsProcess);
        if (query !== null) {
          // The registry is the child's destination: a URL of its own, flowing into the call like a literal would.
          const at = ctx.seed(node.start);
          ctx.facts.egress.urls.push({ node: at, url: DEFAULT_REGISTRY, start: node.start, end: node.end });
          ctx.recordSink('network', span(node), ctx.graph.join(ctx.graph.joinAll(ev.args), ctx.graph.one(at)), `${ev.path ?? ev.name} ${query} (the package registry)`);
          return;
        }
        if (!processCall) return;
        const command = node.arguments[0] ? commandText(node.arguments[0]) : null;
        if (command === null || !TRANSFER_COMMAND.test(command)) return;
        ctx.recordSink('network', span(node), ctx.graph.joinAll(ev.args), `${ev.path ?? ev.name} ${command.trim().split(/\s/)[0]}`);
      },
    };
  },
});
