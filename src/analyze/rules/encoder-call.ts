import { defineRule } from '../rule.js';
import { calleeName, constString } from '../ast.js';

const TEXT_ENCODINGS = new Set(['base64', 'base64url', 'hex']);

export default defineRule({
  meta: {
    id: 'encoder-call',
    category: 'hidden-data',
    description: 'Code that encodes data on its way out: btoa, toString("base64"/"hex"), XOR with char codes.',
    docs:
      'Encoding is normal for binary payloads, but a fingerprint (host name, user name, time zone, machine id) that is ' +
      'base64-, hex- or XOR-encoded before it is sent is being hidden from whoever inspects the traffic. This rule marks ' +
      'the encoders; the mechanisms stage reports a fingerprint that flows through one into a request (hidden ' +
      'exfiltration). Hashes are not encoders here: a hashed identifier is pseudonymous, not hidden.',
  },
  create(ctx) {
    return {
      only: { CallExpression: { names: (n) => n === 'btoa' || n === 'toString' }, BinaryExpression: { operators: ['^'] } },
      CallExpression(node, ev) {
        const name = calleeName(node);
        let detail: string | null = null;
        if (name === 'btoa' && node.arguments.length === 1) detail = 'btoa';
        else if (name === 'toString' && node.arguments.length === 1) {
          const enc = constString(node.arguments[0]);
          if (enc !== null && TEXT_ENCODINGS.has(enc)) detail = `toString("${enc}")`;
        }
        if (detail === null || (ev.receiver.length === 0 && ev.args.every((a) => a.length === 0))) return;
        ctx.facts.encoders.push({ node: ev.asNode(), start: node.start, end: node.end, detail });
      },
      BinaryExpression(node, ev) {
        // s.charCodeAt(i) ^ k: a character-wise XOR cipher.
        if (node.operator !== '^') return;
        const sides = [node.left, node.right];
        if (!sides.some((x) => x.type === 'CallExpression' && calleeName(x) === 'charCodeAt')) return;
        ctx.facts.encoders.push({ node: ev.asNode(), start: node.start, end: node.end, detail: 'XOR of char codes' });
      },
    };
  },
});
