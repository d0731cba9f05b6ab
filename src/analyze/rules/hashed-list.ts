import { defineRule, oneOf } from '../rule.js';
import { calleeName, propKey, span } from '../ast.js';
import { digestAlgorithm } from '../../data/digests.js';

/** More digest literals than this in one file are a checksum table, not a target list. */
const MAX_DIGESTS = 2000;
/** Fewer different hex digits than this: a placeholder (`000…0`, an all-zero trace id), not the output of a hash. */
const MIN_DIGEST_DIGITS = 6;
/** Keys that name what a build is made from: a digest kept there is the build's own commit or version, not a list. */
const BUILD_IDENTITY_KEY = /(?:^|[_-])(?:git|commit|sha|rev|revision|build|version)(?:$|[_-])|^(?:git|commit|revision|build|version)[A-Z]|(?:Commit|Revision|Sha|Version)$/i;

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
      'digests (or the names found for them) shown. Digests nobody compares with a fingerprint stay quiet; placeholders ' +
      '(`000…0`) and a digest kept under a key that names a commit, revision, build or version (a build\'s own identity) are no list.',
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
        if (new Set(v.toLowerCase()).size < MIN_DIGEST_DIGITS) return;
        ctx.facts.digests.push({ node: ctx.seed(node.start), start: node.start, end: node.end, value: v });
      },
      // `{ BUILD_TIME: …, GIT_SHA: "54903a…" }`: the build's identity, recorded above before its object was seen.
      ObjectExpression(node) {
        const digests = ctx.facts.digests;
        if (digests.length === 0 || digests[digests.length - 1]!.start < node.start) return;
        for (const p of node.properties) {
          if (p.type !== 'Property' || p.value?.type !== 'Literal' || typeof p.value.value !== 'string') continue;
          const key = propKey(p);
          if (key === null || !BUILD_IDENTITY_KEY.test(key)) continue;
          const i = digests.findIndex((d) => d.start === p.value.start);
          if (i >= 0) digests.splice(i, 1);
        }
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
