import { defineRule } from '../rule.js';

const WORD = /[A-Za-z\u00C0-\u024F]{2,}/g;

export default defineRule({
  meta: {
    id: 'prose-template',
    category: 'covert-channel',
    description: 'Template literals that read as sentences: text built for a person or a model.',
    docs:
      'A template literal whose fixed parts hold at least three words is text. When an environment-dependent ' +
      'look-alike or format change is interpolated into such text, the mechanisms stage can show the sentence that ' +
      'carries it and where that sentence is stored or sent.',
  },
  create(ctx) {
    return {
      TemplateLiteral(node, ev) {
        if (node.expressions.length === 0 || ev.value.length === 0) return;
        let words = 0;
        let text = '';
        for (let i = 0; i < node.quasis.length; i++) {
          const q = node.quasis[i].value.cooked ?? '';
          words += q.match(WORD)?.length ?? 0;
          text += q + (i < node.expressions.length ? '${…}' : '');
        }
        if (words < 3 || text.length > 400) return;
        ctx.facts.texts.push({ node: ev.asNode(), start: node.start, end: node.end, text });
      },
    };
  },
});
