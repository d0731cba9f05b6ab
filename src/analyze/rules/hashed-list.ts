import { defineRule, oneOf } from '../rule.js';
import { calleeName, span } from '../ast.js';
import { digestAlgorithm } from '../../data/digests.js';

/** More digest literals than this in one file are a checksum table, not a target list. */
const MAX_DIGESTS = 2000;

export default defineRule({
  meta: {
    id: 'hashed-list',
    category: 'hidden-data',
    description: 'Constant md5/sha1/sha256 digests in a file that hashes values: a list that can be matched but not read.',
    docs:
      'Code that hashes an environment value (a host name, a user name, a time zone, an API URL) with `createHash` or ' +
      '`crypto.subtle.digest` and compares the result with constant digests keeps a target list nobody can read. This ' +
      'rule collects hex digest literals (32, 40 or 64 characters) and the hashing calls. After the walk each digest is ' +
      'tried against the region data the tool has (every time zone, country code and ccTLD, as written, lower case and ' +
      'with a leading dot) and the host names the file mentions: a match names the target. A comparison of a hashed ' +
      'fingerprint with the digests is then a decision on hidden data, reported like any other targeting, with the ' +
      'digests (or the names found for them) shown. Digests nobody compares with a fingerprint stay quiet.',
  },
  create(ctx) {
    return {
      only: {
        // md5, sha1 and sha256 digests in hex
        Literal: { strings: { min: 32, max: 64 } },
        CallExpression: { names: oneOf(['createHash', 'createHmac', 'digest']) },
      },
      Literal(node) {
        const v = node.value;
        if (typeof v !== 'string' || ctx.facts.digests.length >= MAX_DIGESTS || digestAlgorithm(v) === null) return;
        ctx.facts.digests.push({ node: ctx.seed(node.start), start: node.start, end: node.end, value: v });
      },
      CallExpression(node, ev) {
        const name = calleeName(node);
        if (name === 'createHash' || name === 'createHmac' || (name === 'digest' && node.arguments.length === 2)) ctx.facts.hashSites.push(span(node));
        // `hash.digest('hex')` and `subtle.digest(algorithm, data)`: the hashed value a digest list is matched with.
        if (name === 'digest' && ctx.facts.hashSites.length > 0 && ctx.facts.hashOutputs.length < MAX_DIGESTS) ctx.facts.hashOutputs.push(ev.asNode());
      },
    };
  },
});
