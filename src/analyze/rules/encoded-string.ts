import { defineRule, oneOf } from '../rule.js';
import { calleeName, calleeObject, constString, span, unwrapChain } from '../ast.js';
import { looksEncoded, looksBase32, looksAscii85, decodeCharCodes, escapedShare } from '../../decode/index.js';
import type { AnyNode, RuleContext } from '../rule.js';

/** Records text that was hidden in the source but is known statically (escapes, reversal, char codes). */
function hiddenText(ctx: RuleContext, node: AnyNode, encoding: string, text: string): void {
  const n = ctx.seed(node.start);
  ctx.facts.data.push({ kind: 'hidden', node: n, start: node.start, end: node.end, text, countries: [], decoded: { encoding, text } });
}

/** `"olleh".split("").reverse().join("")` (also `[..."olleh"].reverse().join("")`): the literal reversed. */
function reversedLiteral(node: AnyNode): string | null {
  if (calleeName(node) !== 'join') return null;
  const rev = calleeObject(node);
  if (!rev || rev.type !== 'CallExpression' || calleeName(rev) !== 'reverse') return null;
  const arr = calleeObject(rev);
  if (!arr) return null;
  let lit: string | null = null;
  if (arr.type === 'CallExpression' && calleeName(arr) === 'split') lit = constString(calleeObject(arr));
  else if (arr.type === 'ArrayExpression' && arr.elements.length === 1 && arr.elements[0]?.type === 'SpreadElement') lit = constString(arr.elements[0].argument);
  if (lit === null || lit.length < 6) return null;
  return [...lit].reverse().join('');
}

const MIN_CHARCODES = 6;
/** Calls `f("…")` with a string of this length and no spaces are kept for the sandbox, this many per file. */
const MIN_TEXT_CALL = 8;
const MAX_TEXT_CALL = 4096;
const MAX_TEXT_CALLS = 200;
/** Functions longer than this are not extracted for the decoder sandbox. */
const MAX_DECODER_CHARS = 4000;

function numericArgs(args: { type: string; value?: unknown }[]): number[] | null {
  const out: number[] = [];
  for (const a of args) {
    if (a.type !== 'Literal' || typeof a.value !== 'number' || !Number.isInteger(a.value) || a.value < 0 || a.value > 0x10ffff) return null;
    out.push(a.value);
  }
  return out;
}

/** Lookup tables step by 0 or 1 from one entry to the next (0,0,0,1,1,1,2,…); text does not. */
function looksLikeTable(nums: number[]): boolean {
  let smooth = 0;
  for (let i = 1; i < nums.length; i++) if (Math.abs(nums[i]! - nums[i - 1]!) <= 1) smooth++;
  return smooth / (nums.length - 1) > 0.5;
}

const MAX_KEY_BYTES = 256;
const MAX_KEYS = 16;

/**
 * The key side of `s.charCodeAt(i) ^ KEY.charCodeAt(i % KEY.length)` or `b ^ KEY[i % KEY.length]`:
 * the key's bytes when written in place, its name when it is a binding (resolved at the end).
 */
function multiByteKey(side: AnyNode): number[] | string | null {
  if (side.type === 'CallExpression' && calleeName(side) === 'charCodeAt') {
    const obj = calleeObject(side);
    if (obj?.type === 'Identifier') return obj.name as string;
    const lit = constString(obj);
    return lit !== null && lit.length >= 2 ? Array.from(lit, (c) => c.charCodeAt(0) & 0xff) : null;
  }
  if (side.type === 'MemberExpression' && side.computed && side.property.type !== 'Literal') {
    const obj = side.object;
    if (obj.type === 'Identifier') return obj.name as string;
    if (obj.type === 'ArrayExpression') return numericArgs(obj.elements.map((e: AnyNode) => e ?? { type: 'Hole' }));
  }
  return null;
}

export default defineRule({
  meta: {
    id: 'encoded-string',
    category: 'hidden-data',
    description: 'Encoded string literals and the decoding code around them (base64, hex, char codes, XOR).',
    docs:
      'String literals that look like base64/base64url/hex/base32/Ascii85 (layers nested up to four deep), arrays of character codes and `String.fromCharCode(...)` ' +
      'with constant arguments are collected during the walk, together with XOR keys the code uses (`c ^ 37`, ' +
      '`c ^ KEY` where KEY is a numeric constant) and decoding calls (`Buffer.from(x, "base64")`, `atob`). After the ' +
      'walk each candidate is decoded: first with the keys the code names (single bytes, multi-byte keys kept as strings ' +
      '(`k.charCodeAt(i % k.length)`) or number arrays (`K[i % K.length]`), char-code shifts (`fromCharCode(c - 3)`)), ' +
      'then by single-byte XOR brute force with a ' +
      'plausibility score. Images, fonts, wasm and other binary blobs are recognised and stay quiet. Literals written ' +
      'mostly as \\x / \\u escapes and reversed literals (`"…".split("").reverse().join("")`) are hidden text too. ' +
      'With the sandbox, an encoded literal passed to a small function of the file is decoded by running that function ' +
      '(with the declarations that compute its key from constants, when it needs them), and a word-less string passed ' +
      'to a function that rearranges characters (reversal, interleaving) counts when the result is the same characters ' +
      'reordered into text. The plaintext is analysed again: a decoded list of domains or zones is region data.',
  },
  create(ctx) {
    const xorIdentifiers: { node: number; at: { start: number; end: number } }[] = [];
    // Multi-byte keys named by the XOR sites, resolved once every declaration is known.
    const keyNames: { name: string; at: { start: number; end: number } }[] = [];
    const numberArrays = new Map<string, number[] | null>();
    /** `c - 3` / `c + 5` inside fromCharCode: a char-code shift (literal or named constant). */
    const shiftOf = (arg: AnyNode): void => {
      if (arg.type !== 'BinaryExpression' || (arg.operator !== '-' && arg.operator !== '+')) return;
      const r = arg.right;
      const k = r.type === 'Literal' && typeof r.value === 'number' ? r.value : null;
      if (k === null || !Number.isInteger(k) || k === 0 || Math.abs(k) > 0xffff) return;
      ctx.facts.shifts.add(arg.operator === '-' ? k : -k);
    };
    const addKey = (bytes: number[], at: { start: number; end: number }): void => {
      if (bytes.length < 2 || bytes.length > MAX_KEY_BYTES || ctx.facts.xorKeyBytes.length >= MAX_KEYS) return;
      if (ctx.facts.xorKeyBytes.some((k) => k.length === bytes.length && k.every((b, i) => b === bytes[i]))) return;
      ctx.facts.xorKeyBytes.push(bytes);
      ctx.facts.xorSites.push(at);
    };
    const code = ctx.facts.decoderCode;
    // Encoded literals by the node that carries them, and bindings initialised with one.
    const candidateAt = new Map<number, { node: number; value: string }>();
    const literalAt = new Map<number, { node: number; value: string }>();
    const remember = <T>(map: Map<string, T | null>, name: string, v: T) => map.set(name, map.has(name) ? null : v);
    return {
      only: {
        Literal: { strings: { min: 6 } },
        CallExpression: { plainCallees: true, names: oneOf(['join', 'fromCharCode', 'fromCodePoint', 'atob', 'from']) },
        BinaryExpression: { operators: ['^'] },
      },
      FunctionExit(node, exit) {
        if (node.type === 'FunctionDeclaration' && node.id && exit.span.end - exit.span.start <= MAX_DECODER_CHARS) {
          remember(code.functions, node.id.name, exit.span);
        }
      },
      VariableDeclarator(node, ev) {
        if (node.id.type !== 'Identifier' || !node.init) return;
        const init = node.init;
        if (init.type === 'Literal' && (typeof init.value === 'number' || (typeof init.value === 'string' && init.value.length <= 64 * 1024))) {
          remember(code.constants, node.id.name, init.value);
        }
        if (init.type === 'ArrayExpression' && init.elements.length >= 2 && init.elements.length <= MAX_KEY_BYTES) {
          const nums = numericArgs(init.elements.map((e: { type: string; value?: unknown } | null) => e ?? { type: 'Hole' }));
          if (nums) remember(numberArrays, node.id.name, nums);
        }
        const lit = ev.binding !== null && init.type === 'Literal' ? literalAt.get(init.start) : undefined;
        if (lit) candidateAt.set(ctx.graph.find(ev.binding!), lit);
      },
      Literal(node) {
        const v = node.value;
        if (typeof v !== 'string' || v.length < 6) return;
        // Plain ASCII written mostly as \x / \u escapes in the source: hidden from a reader, known to
        // us. (Bundlers escape non-ASCII text to keep output ASCII; that hides nothing.)
        if (node.end - node.start > v.length * 3 && /[a-z]{3}/i.test(v) && /^[\x20-\x7e]*$/.test(v)) {
          const raw = ctx.text.slice(node.start + 1, node.end - 1);
          if (escapedShare(raw) > 0.6) {
            hiddenText(ctx, node, 'escapes', v);
            return;
          }
        }
        if (v.length < 16 || v.startsWith('data:')) return;
        const encoded = looksEncoded(v) !== null || looksBase32(v);
        if (!encoded && !looksAscii85(v)) return;
        const n = ctx.seed(node.start);
        ctx.facts.encoded.push({ node: n, start: node.start, end: node.end, value: v });
        // Ascii85 is decoded statically only: punctuation-heavy strings (regex sources) pass its test,
        // and running every function they are handed to would cost sandbox runs for nothing.
        if (encoded) literalAt.set(node.start, { node: n, value: v });
      },
      ArrayExpression(node) {
        const els = node.elements;
        if (els.length < MIN_CHARCODES || els.length > 100_000) return;
        const nums = numericArgs(els.map((e: { type: string; value?: unknown } | null) => e ?? { type: 'Hole' }));
        if (!nums || nums.some((c) => c > 0xffff) || looksLikeTable(nums)) return;
        const n = ctx.seed(node.start);
        ctx.facts.encoded.push({ node: n, start: node.start, end: node.end, value: null, codes: nums });
      },
      CallExpression(node, ev) {
        const name = calleeName(node);
        if (node.callee.type === 'Identifier' && node.arguments.length >= 1 && node.arguments.length <= 3) {
          const a = node.arguments[0];
          let found: { node: number; value: string } | undefined;
          if (a.type === 'Literal') found = literalAt.get(a.start);
          else if (a.type === 'Identifier' && ev.args[0]?.length === 1) found = candidateAt.get(ctx.graph.find(ev.args[0][0]!));
          if (found) code.calls.push({ fn: node.callee.name, candidate: found.node, value: found.value, start: node.start, end: node.end });
          else if (code.textCalls.length < MAX_TEXT_CALLS) {
            // A word-less string handed to a function that may unscramble it (reversed, interleaved).
            const v = a.type === 'Literal' ? a.value : a.type === 'Identifier' ? code.constants.get(a.name) : undefined;
            if (typeof v === 'string' && v.length >= MIN_TEXT_CALL && v.length <= MAX_TEXT_CALL && !/\s/.test(v)) {
              code.textCalls.push({ fn: node.callee.name, candidate: ctx.seed(node.start), value: v, start: node.start, end: node.end });
            }
          }
        }
        if (name === 'join') {
          const rev = reversedLiteral(node);
          if (rev !== null) hiddenText(ctx, node, 'reversed', rev);
          return;
        }
        if (name === 'fromCharCode' || name === 'fromCodePoint') {
          if (node.arguments.length === 1) shiftOf(node.arguments[0]);
          const nums = numericArgs(node.arguments);
          if (nums && nums.length >= MIN_CHARCODES) {
            const text = decodeCharCodes(nums);
            if (text !== null) hiddenText(ctx, node, 'charcodes', text);
          }
          return;
        }
        if (name === 'atob') {
          ctx.facts.decodeSites.push(span(node));
          return;
        }
        if (name === 'from' && node.arguments.length >= 2) {
          const callee = unwrapChain(node.callee);
          const obj = callee.type === 'MemberExpression' ? unwrapChain(callee.object) : null;
          const enc = constString(node.arguments[1]);
          if (obj && obj.type === 'Identifier' && obj.name === 'Buffer' && enc && /^(base64|base64url|hex)$/.test(enc)) {
            ctx.facts.decodeSites.push(span(node));
          }
        }
      },
      BinaryExpression(node, ev) {
        if (node.operator !== '^') return;
        for (const side of [node.left, node.right]) {
          const key = multiByteKey(side);
          if (key !== null) {
            if (typeof key === 'string') keyNames.push({ name: key, at: span(node) });
            else addKey(key, span(node));
            continue;
          }
          if (side.type === 'Literal' && typeof side.value === 'number' && Number.isInteger(side.value) && side.value > 0 && side.value < 256) {
            ctx.facts.xorKeys.add(side.value);
            ctx.facts.xorSites.push(span(node));
          } else if (side.type === 'Identifier') {
            const v = side === node.left ? ev.left : ev.right;
            if (v.length === 1) xorIdentifiers.push({ node: v[0]!, at: span(node) });
          }
        }
      },
      ProgramExit() {
        for (const k of keyNames) {
          const str = code.constants.get(k.name);
          if (typeof str === 'string') addKey(Array.from(str, (c) => c.charCodeAt(0) & 0xff), k.at);
          const arr = numberArrays.get(k.name);
          if (arr) addKey(arr, k.at);
        }
        // Constant bindings are known only once every declaration has been seen.
        for (const x of xorIdentifiers) {
          const k = ctx.constantOf(x.node);
          if (k !== undefined && Number.isInteger(k) && k > 0 && k < 256) {
            ctx.facts.xorKeys.add(k);
            ctx.facts.xorSites.push(x.at);
          }
        }
      },
    };
  },
});
