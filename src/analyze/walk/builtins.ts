// Models of the runtime's own values and methods: which global names carry nothing of the package,
// which method names are built in (never resolved to same-named functions of the file), and how
// values flow through array/collection/promise methods and their callbacks.

import globals from 'globals';
import type { FlowGraph, Val } from '../../flow/graph.js';
import { feedCallback, type FnInfo } from './functions.js';

/**
 * Standard globals whose values are the runtime's own: ECMAScript built-ins, and what Node and
 * browsers both provide (console, timers, fetch, URL, TextEncoder, …). Reads of them (when the file
 * declares no such name) carry nothing of the package, so the walk makes no flow node for them.
 */
export const RUNTIME_GLOBALS: ReadonlySet<string> = new Set([
  ...Object.keys(globals.builtin),
  ...Object.keys(globals.node).filter((name) => name in globals.browser),
]);

/** Names of built-in methods; calls to them are never resolved to same-named functions of the file. */
export const BUILTIN_METHODS: ReadonlySet<string> = new Set(
  (
    'replace replaceAll split join slice substring substr trim trimStart trimEnd toLowerCase toUpperCase ' +
    'includes indexOf lastIndexOf startsWith endsWith match matchAll search test exec charAt charCodeAt ' +
    'codePointAt concat padStart padEnd repeat normalize localeCompare toString valueOf map filter reduce ' +
    'reduceRight forEach some every find findIndex findLast findLastIndex flatMap flat sort reverse push pop ' +
    'shift unshift splice fill keys values entries get set has add delete then catch finally call apply bind ' +
    'from of assign freeze create defineProperty stringify parse resolve reject all allSettled race any ' +
    'toFixed toISOString getTime now'
  ).split(' '),
);

/** Methods that call their callback with each element of the receiver. */
const CALLBACK_ELEMENT_METHODS: ReadonlySet<string> = new Set(['map', 'filter', 'forEach', 'some', 'every', 'find', 'findIndex', 'findLast', 'findLastIndex', 'flatMap', 'sort', 'then']);
/** Methods whose result holds the receiver's own elements. */
const RESULT_IS_RECEIVER: ReadonlySet<string> = new Set(['filter', 'find', 'findLast', 'sort', 'slice', 'reverse', 'concat']);
/** Methods that store their arguments into the receiver. */
const STORES_ARGUMENTS: ReadonlySet<string> = new Set(['push', 'unshift', 'add', 'set', 'splice', 'fill']);

/** Edges for a call of built-in method `prop`; `fn` is the callback passed to it, when one was. */
export function modelBuiltinCall(graph: FlowGraph, prop: string, receiver: Val, args: Val[], fn: FnInfo | undefined, result: number): void {
  if (fn && CALLBACK_ELEMENT_METHODS.has(prop)) {
    if (fn.params[0] !== undefined) graph.flowInto(receiver, fn.params[0]);
    graph.edge(fn.ret, result);
    if (RESULT_IS_RECEIVER.has(prop)) graph.flowInto(receiver, result);
    return;
  }
  if (fn && (prop === 'reduce' || prop === 'reduceRight')) {
    if (fn.params[1] !== undefined) graph.flowInto(receiver, fn.params[1]);
    if (fn.params[0] !== undefined) {
      graph.edge(fn.ret, fn.params[0]);
      if (args[1]) graph.flowInto(args[1], fn.params[0]);
    }
    graph.edge(fn.ret, result);
    return;
  }
  // `https.get(url, (res) => …)`, `text.replace(re, (m) => …)`: the callback is given what the call was.
  if (fn) feedCallback(graph, fn, receiver, args);
  if (STORES_ARGUMENTS.has(prop)) {
    for (const a of args) for (const r of receiver) graph.flowInto(a, r);
  }
  graph.flowInto(receiver, result);
  for (const a of args) graph.flowInto(a, result);
}
