import { defineRule, type AnyNode, type RuleContext } from '../rule.js';
import { constString, isProcessEnv, span } from '../ast.js';
import type { SourceKind } from '../../flow/facts.js';

/**
 * Locale categories of POSIX (LC_CTYPE … LC_MESSAGES) and glibc (LC_PAPER … LC_IDENTIFICATION). Other
 * LC_ names are not locales: LC_TERMINAL and LC_TERMINAL_VERSION name a terminal program.
 */
const LOCALE_CATEGORIES = /^LC_(ALL|CTYPE|COLLATE|MESSAGES|MONETARY|NUMERIC|TIME|ADDRESS|IDENTIFICATION|MEASUREMENT|NAME|PAPER|TELEPHONE)$/;

/**
 * What an environment variable's name says it holds. These are naming conventions shared by
 * operating systems, CI services and SDKs, not any one tool's variables.
 */
export function classifyEnvName(name: string): SourceKind | null {
  const n = name.toUpperCase();
  if (n === 'TZ') return 'timezone';
  if (n === 'LANG' || n === 'LANGUAGE' || LOCALE_CATEGORIES.test(n)) return 'locale';
  if (n === 'USER' || n === 'USERNAME' || n === 'LOGNAME') return 'username';
  if (n === 'HOSTNAME' || n === 'COMPUTERNAME' || n === 'USERDOMAIN' || n === 'HOST') return 'hostname';
  if (
    n === 'CI' ||
    n === 'CONTINUOUS_INTEGRATION' ||
    n === 'BUILD_NUMBER' ||
    n === 'RUN_ID' ||
    /^(GITHUB_ACTIONS|GITLAB_CI|TRAVIS|CIRCLECI|BUILDKITE|TF_BUILD|JENKINS_HOME|TEAMCITY_VERSION|CODEBUILD_BUILD_ID|KUBERNETES_SERVICE_HOST|container)$/i.test(n)
  )
    return 'ci-container';
  if (/(^|_)(PROXY|URL|URI|HOST|ENDPOINT|ORIGIN|DOMAIN|BASE)(_|$)/.test(n) || /BASE_?URL/.test(n)) return 'host-url';
  return null;
}

function readEnv(ctx: RuleContext, name: string, node: AnyNode): void {
  ctx.inventory.envVar(name, node.start);
  const kind = classifyEnvName(name);
  if (kind) ctx.recordSource(kind, span(node), `process.env.${name}`);
}

export default defineRule({
  meta: {
    id: 'env-read',
    category: 'fingerprint',
    description: 'Environment variables the code reads, classified by what their names say they hold.',
    docs:
      'Every `process.env.NAME` read (also `process.env["NAME"]` and destructuring) is listed in the inventory. ' +
      'Names that by convention hold a time zone (TZ), a locale (LANG, LANGUAGE, the POSIX LC_ categories; not LC_TERMINAL), a user or host name, a URL or host ' +
      '(…_URL, …_HOST, …_PROXY, …_BASE_URL) or a CI/container marker become fingerprint sources for the flow analysis. ' +
      'A read is not a finding by itself.',
  },
  create(ctx) {
    return {
      only: { MemberExpression: { objects: ['env'] } },
      MemberExpression(node, ev) {
        if (!ctx.isEnv(node.object, ev.object)) return;
        const name = node.computed ? constString(node.property) : node.property.name;
        if (name) readEnv(ctx, name, node);
        else ctx.inventory.envVar('<computed name>', node.start);
      },
      VariableDeclarator(node) {
        if (node.id.type !== 'ObjectPattern' || !node.init || !isProcessEnv(node.init)) return;
        for (const p of node.id.properties) {
          if (p.type !== 'Property') continue;
          const name = p.computed ? constString(p.key) : p.key.name ?? String(p.key.value);
          if (name) {
            ctx.inventory.envVar(name, p.start);
            const kind = classifyEnvName(name);
            // The pattern's binding already received `process.env`'s value; mark the source at the property.
            if (kind) ctx.facts.sources.push({ kind, node: -1, start: p.start, end: p.end, detail: `process.env.${name}` });
          }
        }
      },
    };
  },
});
