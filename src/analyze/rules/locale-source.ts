import { defineRule } from '../rule.js';
import { calleeName, memberName, span, unwrapChain } from '../ast.js';

export default defineRule({
  meta: {
    id: 'locale-source',
    category: 'fingerprint',
    description: "Reads of the user's locale and language.",
    docs:
      'Recognised reads: `Intl.*().resolvedOptions().locale`, `navigator.language` / `navigator.languages`, ' +
      '`app.getLocale()`, and LANG / LC_* / LANGUAGE variables (see env-read).',
  },
  create(ctx) {
    return {
      MemberExpression(node) {
        const name = memberName(node);
        if (name === 'locale') {
          const obj = unwrapChain(node.object);
          if (obj.type === 'CallExpression' && calleeName(obj) === 'resolvedOptions') ctx.recordSource('locale', span(node), ctx.slice(span(node), 120));
        } else if (name === 'language' || name === 'languages' || name === 'userLanguage') {
          const obj = unwrapChain(node.object);
          if (obj.type === 'Identifier' && obj.name === 'navigator') ctx.recordSource('locale', span(node), `navigator.${name}`);
        }
      },
      CallExpression(node) {
        const name = calleeName(node);
        if (name === 'getLocale' || name === 'getSystemLocale' || name === 'getPreferredSystemLanguages') {
          ctx.recordSource('locale', span(node), ctx.slice(span(node), 80));
        }
      },
    };
  },
});
