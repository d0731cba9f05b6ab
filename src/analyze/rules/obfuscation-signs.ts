import { defineRule, oneOf } from '../rule.js';
import { calleeName, calleeObject } from '../ast.js';
import type { AnyNode } from '../rule.js';

const MIN_ARRAY_STRINGS = 3;
const DISPATCH_ORDER = /^\d{1,3}(?:\|\d{1,3}){2,}$/;
const HEX_NAME = /^_*0x[0-9a-f]{3,}$/i;

function isHexSpelled(text: string, at: number): boolean {
  return text.charCodeAt(at) === 48 && (text.charCodeAt(at + 1) | 0x20) === 120;
}

/** `f.toString()` / `'' + f` being searched: code that checks its own source. */
function readsOwnSource(n: AnyNode): boolean {
  return n?.type === 'CallExpression' && calleeName(n) === 'toString' && n.arguments.length === 0;
}

function isString(n: AnyNode): boolean {
  return n?.type === 'Literal' && typeof n.value === 'string';
}

export default defineRule({
  meta: {
    id: 'obfuscation-signs',
    category: 'hidden-data',
    description: 'Counts signs of deliberate obfuscation (string arrays, their rotation, hex-indexed lookups) during the walk.',
    docs:
      'Obfuscators such as javascript-obfuscator move every string of a program into one array, rotate it at start-up ' +
      '(`a.push(a.shift())` in a loop) and read each string through a decoder called with hex-spelled indexes ' +
      '(`_0x3c55(0x1f1, "key")`). This rule only counts those signs while the walk passes by, so ordinary files pay ' +
      'nothing more. Files that show them get the string-array recovery: the array, its setup and its decoders run in ' +
      'the QuickJS sandbox, every call site is replaced by the string it returns, and the file is analysed again as if ' +
      'the strings had been written literally (the recovered strings appear in the evidence).',
  },
  create(ctx) {
    const signs = ctx.facts.obfuscation;
    return {
      only: {
        Literal: { numbers: true, strings: { min: 5, max: 200 } },
        BinaryExpression: { operators: ['===', '!==', '==', '!='] },
        CallExpression: { plainCallees: true, names: oneOf(['constructor', 'search', 'match', 'test', 'push']) },
      },
      Literal(node) {
        const v = node.value;
        if (typeof v === 'number') {
          signs.numbers++;
          if (isHexSpelled(ctx.text, node.start)) signs.hexNumbers++;
        } else if (typeof v === 'string' && v.length >= 5 && v.length <= 200 && DISPATCH_ORDER.test(v)) signs.dispatchOrders++;
      },
      Identifier(node) {
        signs.names++;
        const name: string = node.name;
        if (name.length >= 5 && (name.charCodeAt(0) === 95 || name.charCodeAt(0) === 48) && HEX_NAME.test(name)) signs.hexNames++;
      },
      BinaryExpression(node) {
        const op = node.operator;
        if ((op === '===' || op === '!==' || op === '==' || op === '!=') && isString(node.left) && isString(node.right)) signs.literalCompares++;
      },
      ArrayExpression(node) {
        if (node.elements.length >= MIN_ARRAY_STRINGS && node.elements.every(isString)) signs.stringArrays++;
      },
      CallExpression(node) {
        const args = node.arguments;
        if (node.callee.type === 'Identifier') {
          signs.calls++;
          if (args.length === 0 || args.length > 5) return;
          for (const a of args) {
            if (a.type === 'Literal' && typeof a.value === 'number' && ctx.text.charCodeAt(a.start) === 48 && (ctx.text[a.start + 1] ?? '').toLowerCase() === 'x') {
              signs.hexCalls++;
              return;
            }
          }
          return;
        }
        const name = calleeName(node);
        if (name === 'constructor' && args.length >= 1 && isString(args[args.length - 1])) signs.constructorCode++;
        if ((name === 'search' || name === 'match') && readsOwnSource(calleeObject(node))) signs.selfInspection++;
        if (name === 'test' && args.length === 1 && readsOwnSource(args[0])) signs.selfInspection++;
        if (args.length !== 1 || name !== 'push') return;
        const inner = args[0];
        if (inner.type !== 'CallExpression' || inner.arguments.length !== 0 || calleeName(inner) !== 'shift') return;
        const a = calleeObject(node);
        const b = calleeObject(inner);
        if (a?.type === 'Identifier' && b?.type === 'Identifier' && a.name === b.name) signs.rotations++;
      },
    };
  },
});
