// String-array obfuscation (javascript-obfuscator, obfuscator.io and tools of their kind): every
// string of the program moves into one array, kept in a function or variable (the holder), possibly
// rotated at start-up by a setup call and encoded (base64, RC4); the code reads each string through
// a decoder function, often via wrapper functions and aliases that shift the index arithmetic:
// `w(0x1f1, 'key')` → `decoder(0x1f1 - 0x3e5, 'key')` → array[i] decoded.
//
// Recovery: find the holder (an array of string literals), the decoders (functions that read it)
// and the setup calls that take it as an argument; resolve every call site through wrappers and
// aliases to a decoder call with constant arguments; run holder + decoders + setup once in the
// QuickJS sandbox and evaluate all those calls there. Nothing of the package runs outside the
// sandbox, and only this extracted code runs inside it.

import type { AnyNode } from '../../parse/parse.js';
import type { EvalDecoder, SandboxLimits } from '../../decode/sandbox.js';
import { scan, type Binding, type CallSite, type Scan, type Scope } from './ast-scan.js';

export interface Span {
  start: number;
  end: number;
}

export interface RecoveredString extends Span {
  text: string;
  /** The decoder that produced it (name in the file). */
  decoder: string;
  /** The constant arguments the decoder was called with, after wrappers were resolved. */
  args: (string | number)[];
  /** Where the decoder is, and the size of the array it read. */
  decoderAt: Span;
  arrayStrings: number;
}

/** One sandbox evaluation: which code ran (spans in the file), with how many inputs, what came out. */
export interface StringArrayRun {
  holder: Span & { name: string; strings: number };
  decoders: (Span & { name: string })[];
  setup: Span[];
  calls: number;
  recovered: number;
  error?: string;
}

export interface StringArrayRecovery {
  strings: RecoveredString[];
  runs: StringArrayRun[];
  limits: string[];
}

/** A holder has at least this many string literals (and only strings). */
const MIN_HOLDER_STRINGS = 3;
/** A decoder must be reached from at least this many call sites with constant arguments. */
const MIN_CALL_SITES = 3;
/** Decoders and holders longer than this are not extracted. */
const MAX_FUNCTION_CHARS = 64 * 1024;
const MAX_HOLDER_CHARS = 4 * 1024 * 1024;
/** Wrapper chains deeper than this are not followed. */
const MAX_WRAPPER_DEPTH = 12;
/** Distinct decoder calls evaluated per holder. */
const MAX_CALLS_PER_HOLDER = 20_000;
const MAX_HOLDERS = 4;
/**
 * Work budget of one recovery run (see SandboxLimits.ticks): the setup (a rotation turns the array up
 * to once per string and decodes about ten strings per turn), then every distinct call. RC4-encoded
 * strings cost a 256-step key schedule each. A 300-string RC4 array with debug protection needs about
 * 400; the budget is about twice what such arrays need.
 */
const BASE_TICKS = 300;
const TICKS_PER_STRING = 2;
const TICKS_PER_CALL = 0.5;
const MAX_TICKS = 6_000;
const RUN_MS = 60_000;

type Const = string | number;

function isStringLiteral(n: AnyNode): boolean {
  return n?.type === 'Literal' && typeof n.value === 'string';
}

function stringArray(n: AnyNode): AnyNode | null {
  return n?.type === 'ArrayExpression' && n.elements.length >= MIN_HOLDER_STRINGS && n.elements.every(isStringLiteral) ? n : null;
}

/** The array literal a holder function returns: `function h() { const a = [...]; h = function () { return a; }; return h(); }`. */
function holderArray(fn: AnyNode): AnyNode | null {
  const body = fn.body;
  if (body?.type !== 'BlockStatement' || body.body.length > 4) return null;
  for (const s of body.body) {
    if (s.type === 'VariableDeclaration') {
      for (const d of s.declarations) {
        const arr = stringArray(d.init);
        if (arr) return arr;
      }
    } else if (s.type === 'ReturnStatement') {
      const arr = stringArray(s.argument);
      if (arr) return arr;
    }
  }
  return null;
}

interface Holder {
  name: string;
  binding: Binding;
  /** Code that recreates the holder in the sandbox. */
  span: Span;
  source: (text: string) => string;
  strings: number;
}

function findHolders(s: Scan): Holder[] {
  const out: Holder[] = [];
  const visitScope = (scope: Scope): void => {
    for (const [name, b] of scope.bindings) {
      if (b.kind === 'fn' && b.node.type === 'FunctionDeclaration') {
        const arr = holderArray(b.node);
        if (arr && b.node.end - b.node.start <= MAX_HOLDER_CHARS) {
          const node = b.node;
          out.push({ name, binding: b, span: { start: node.start, end: node.end }, source: (t) => t.slice(node.start, node.end), strings: arr.elements.length });
        }
      } else if (b.kind === 'array' && stringArray(b.node)) {
        const decl = b.decl;
        if (decl.end - decl.start > MAX_HOLDER_CHARS) continue;
        out.push({ name, binding: b, span: { start: decl.start, end: decl.end }, source: (t) => `var ${t.slice(decl.start, decl.end)};`, strings: b.node.elements.length });
      }
    }
  };
  visitScope(s.root);
  for (const scope of s.scopeOf.values()) visitScope(scope);
  return out;
}

interface Decoder {
  name: string;
  node: AnyNode;
  source: string;
}

/** The named function a scope belongs to (skipping nested anonymous ones), with its name. */
function namedFunctionOf(scope: Scope, named: Map<AnyNode, string>): AnyNode | null {
  for (let sc: Scope | null = scope; sc; sc = sc.parent) {
    if (sc.fn && named.has(sc.fn)) return sc.fn;
  }
  return null;
}

/** Functions that read the holder itself (`holder()[i]`, `holder[i]`), resolved through scopes. */
function findDecoders(s: Scan, text: string, holder: Holder): Decoder[] {
  const named = new Map<AnyNode, string>();
  for (const f of s.functions) named.set(f.node, f.name);
  const reads = holder.binding.kind === 'array' ? s.indexReads.map((r) => ({ name: r.node.object.name as string, scope: r.scope })) : s.calls.map((c) => ({ name: c.node.callee.name as string, scope: c.scope }));
  const out: Decoder[] = [];
  const seen = new Set<AnyNode>();
  for (const r of reads) {
    if (r.name !== holder.name || r.scope.lookup(r.name) !== holder.binding) continue;
    const n = namedFunctionOf(r.scope, named);
    if (!n || seen.has(n)) continue;
    seen.add(n);
    if (n.params.length === 0 || n.end - n.start > MAX_FUNCTION_CHARS) continue;
    if (n.start <= holder.span.start && n.end >= holder.span.end) continue; // the holder itself, or a module wrapper around it
    const name = named.get(n)!;
    const src = text.slice(n.start, n.end);
    out.push({ name, node: n, source: n.type === 'FunctionDeclaration' ? src : `var ${name} = ${src};` });
  }
  return out;
}

// ---------------------------------------------------------------- constant arguments through wrappers

type Env = Map<string, Const>;

function lookupObjectProp(obj: AnyNode, key: string): AnyNode | null {
  for (const p of obj.properties) {
    if (p.type !== 'Property' || p.kind !== 'init') continue;
    const k = p.computed ? (isStringLiteral(p.key) ? p.key.value : null) : p.key.type === 'Identifier' ? p.key.name : p.key.type === 'Literal' ? String(p.key.value) : null;
    if (k === key) return p.value;
  }
  return null;
}

/** The constant value of `node` where the names in `env` (wrapper parameters) are known; undefined when not constant. */
function constValue(node: AnyNode, scope: Scope, env: Env | null, depth = 0): Const | undefined {
  if (!node || depth > 32) return undefined;
  switch (node.type) {
    case 'Literal':
      return typeof node.value === 'string' || typeof node.value === 'number' ? node.value : undefined;
    case 'ParenthesizedExpression':
      return constValue(node.expression, scope, env, depth + 1);
    case 'TemplateLiteral':
      return node.expressions.length === 0 ? (node.quasis[0]?.value.cooked ?? undefined) : undefined;
    case 'Identifier': {
      if (env?.has(node.name)) return env.get(node.name);
      if (env) return undefined; // a wrapper's free name other than its parameters
      const b = scope.lookup(node.name);
      return b?.kind === 'const' ? b.value : undefined;
    }
    case 'UnaryExpression': {
      const v = constValue(node.argument, scope, env, depth + 1);
      if (typeof v !== 'number') return undefined;
      if (node.operator === '-') return -v;
      if (node.operator === '+') return v;
      if (node.operator === '~') return ~v;
      return undefined;
    }
    case 'BinaryExpression': {
      const l = constValue(node.left, scope, env, depth + 1);
      const r = constValue(node.right, scope, env, depth + 1);
      if (l === undefined || r === undefined) return undefined;
      if (node.operator === '+') return typeof l === 'string' || typeof r === 'string' ? String(l) + String(r) : l + r;
      if (typeof l !== 'number' || typeof r !== 'number') return undefined;
      switch (node.operator) {
        case '-':
          return l - r;
        case '*':
          return l * r;
        case '/':
          return l / r;
        case '%':
          return l % r;
        case '^':
          return l ^ r;
        case '&':
          return l & r;
        case '|':
          return l | r;
        case '<<':
          return l << r;
        case '>>':
          return l >> r;
        case '>>>':
          return l >>> r;
      }
      return undefined;
    }
    case 'MemberExpression': {
      // `table.key` / `table['key']` of a constant object literal (index tables of call transforms).
      if (node.object.type !== 'Identifier' || env?.has(node.object.name)) return undefined;
      const b = scope.lookup(node.object.name);
      if (b?.kind !== 'object') return undefined;
      const key = node.computed ? constValue(node.property, scope, env, depth + 1) : node.property.name;
      if (key === undefined) return undefined;
      const v = lookupObjectProp(b.node, String(key));
      return v ? constValue(v, b.scope, null, depth + 1) : undefined;
    }
  }
  return undefined;
}

interface Wrapper {
  params: string[];
  /** The call the wrapper returns. */
  inner: AnyNode;
  scope: Scope;
}

function wrapperOf(fn: AnyNode, s: Scan): Wrapper | null {
  if (!fn.params.every((p: AnyNode) => p.type === 'Identifier')) return null;
  let ret: AnyNode;
  if (fn.body.type === 'BlockStatement') {
    if (fn.body.body.length !== 1 || fn.body.body[0].type !== 'ReturnStatement') return null;
    ret = fn.body.body[0].argument;
  } else ret = fn.body;
  if (ret?.type !== 'CallExpression' || ret.callee.type !== 'Identifier') return null;
  const scope = s.scopeOf.get(fn);
  if (!scope) return null;
  return { params: fn.params.map((p: AnyNode) => p.name as string), inner: ret, scope };
}

interface Resolved {
  decoder: string;
  args: Const[];
}

/** Follows aliases and wrappers from a call `name(args)` in `scope` to a decoder call with constant arguments. */
function resolveCall(
  callee: string,
  argNodes: AnyNode[],
  scope: Scope,
  env: Env | null,
  decoders: Map<string, Decoder>,
  s: Scan,
  depth: number,
): Resolved | null {
  if (depth > MAX_WRAPPER_DEPTH) return null;
  let b: Binding | undefined = scope.lookup(callee);
  let name = callee;
  for (let i = 0; b?.kind === 'alias' && i < MAX_WRAPPER_DEPTH; i++) {
    name = b.to;
    b = b.scope.lookup(b.to);
  }
  if (b?.kind !== 'fn') return null;
  const args: Const[] = [];
  for (const a of argNodes) {
    if (a.type === 'SpreadElement') return null;
    const v = constValue(a, scope, env);
    if (v === undefined) return null;
    args.push(v);
  }
  const d = decoders.get(name);
  if (d && d.node === b.node) return { decoder: name, args };
  const w = wrapperOf(b.node, s);
  if (!w) return null;
  const inner: Env = new Map();
  w.params.forEach((p, i) => inner.set(p, args[i] ?? 0));
  return resolveCall(w.inner.callee.name, w.inner.arguments, w.scope, inner, decoders, s, depth + 1);
}

// ---------------------------------------------------------------- the sandbox run

/** The recovery with what inlining needs: the scan and the call-site nodes. */
export interface Recovery extends StringArrayRecovery {
  scan: Scan;
  sites: { node: AnyNode; text: string }[];
}

/** The program run in the sandbox: holder, decoders and setup, then every requested call. */
function recoveryProgram(holder: Holder, decoders: Decoder[], setup: string[], text: string): string {
  const table = decoders.map((d) => `${JSON.stringify(d.name)}: ${d.name}`).join(', ');
  return [
    'function recoverStrings(requests) {',
    holder.source(text),
    ...decoders.map((d) => d.source),
    ...setup,
    `  var decoders = { ${table} };`,
    '  var calls = JSON.parse(requests), out = [];',
    '  for (var i = 0; i < calls.length; i++) {',
    '    var v = null;',
    '    try { v = decoders[calls[i][0]].apply(null, calls[i][1]); } catch (e) { v = null; }',
    "    out.push(typeof v === 'string' ? v : null);",
    '  }',
    '  return JSON.stringify(out);',
    '}',
  ].join('\n');
}

/** Which holders a file has and what their decoders return at each call site, evaluated in the sandbox. */
export async function recoverStringArrays(program: AnyNode, text: string, evalDecoder: EvalDecoder): Promise<Recovery> {
  const scanned = scan(program);
  const result: Recovery = { strings: [], runs: [], limits: [], scan: scanned, sites: [] };
  const holders = findHolders(scanned);
  if (holders.length > MAX_HOLDERS) result.limits.push(`more than ${MAX_HOLDERS} string arrays in one file; the rest were not recovered`);
  for (const holder of holders.slice(0, MAX_HOLDERS)) {
    const decoders = findDecoders(scanned, text, holder);
    if (decoders.length === 0) continue;
    const byName = new Map(decoders.map((d) => [d.name, d]));
    const setup = scanned.setupCalls.filter((c) => c.argNames.includes(holder.name) && c.scope.lookup(holder.name) === holder.binding);
    const extracted: Span[] = [...decoders.map((d) => d.node as Span), ...setup.map((c) => c.stmt as Span)];
    const inside = (site: CallSite): boolean => extracted.some((d) => site.node.start >= d.start && site.node.end <= d.end);
    const sites: { site: CallSite; call: Resolved; key: string }[] = [];
    for (const site of scanned.calls) {
      if (inside(site)) continue;
      const r = resolveCall(site.node.callee.name, site.node.arguments, site.scope, null, byName, scanned, 0);
      if (!r || !r.args.some((a) => typeof a === 'number')) continue;
      sites.push({ site, call: r, key: JSON.stringify([r.decoder, r.args]) });
    }
    if (sites.length < MIN_CALL_SITES) continue;
    const unique = [...new Set(sites.map((s) => s.key))];
    if (unique.length > MAX_CALLS_PER_HOLDER) result.limits.push(`string array ${holder.name}: more than ${MAX_CALLS_PER_HOLDER} distinct decoder calls; the rest were not recovered`);
    const requests = unique.slice(0, MAX_CALLS_PER_HOLDER);
    const run: StringArrayRun = {
      holder: { ...holder.span, name: holder.name, strings: holder.strings },
      decoders: decoders.map((d) => ({ start: d.node.start, end: d.node.end, name: d.name })),
      setup: setup.map((c) => ({ start: c.stmt.start, end: c.stmt.end })),
      calls: requests.length,
      recovered: 0,
    };
    result.runs.push(run);
    const limits: SandboxLimits = { ticks: Math.min(MAX_TICKS, Math.ceil(BASE_TICKS + TICKS_PER_STRING * holder.strings + TICKS_PER_CALL * requests.length)), ms: RUN_MS };
    const code = recoveryProgram(holder, decoders, setup.map((c) => text.slice(c.stmt.start, c.stmt.end)), text);
    const out = await evalDecoder(code, [`[${requests.join(',')}]`], limits);
    if (!out.ok) {
      run.error = out.error;
      result.limits.push(`string array ${holder.name}: its decoder did not run to completion in the sandbox (${out.error})`);
      continue;
    }
    let values: unknown;
    try {
      values = JSON.parse(out.value);
    } catch {
      run.error = 'result is not the expected list';
      continue;
    }
    if (!Array.isArray(values)) continue;
    const byKey = new Map<string, string>();
    requests.forEach((k, i) => {
      const v: unknown = values[i];
      if (typeof v === 'string') byKey.set(k, v);
    });
    for (const { site, call, key } of sites) {
      const v = byKey.get(key);
      if (v === undefined) continue;
      const d = byName.get(call.decoder)!.node;
      result.strings.push({ start: site.node.start, end: site.node.end, text: v, decoder: call.decoder, args: call.args, decoderAt: { start: d.start, end: d.end }, arrayStrings: holder.strings });
      result.sites.push({ node: site.node, text: v });
      run.recovered++;
    }
  }
  return result;
}

/**
 * Rewrites each recovered call site into the string literal it evaluates to (offsets kept, so every
 * location still points at the obfuscated code), then folds `'…' + '…'` of literals (split strings).
 */
export function inlineRecovered(recovery: Recovery): RecoveredString[] {
  const bySite = new Map<AnyNode, RecoveredString>();
  recovery.sites.forEach(({ node }, i) => bySite.set(node, recovery.strings[i]!));
  for (const { node, text } of recovery.sites) {
    for (const k of Object.keys(node)) if (k !== 'start' && k !== 'end' && k !== 'range' && k !== 'loc') delete node[k];
    node.type = 'Literal';
    node.value = text;
    node.recovered = true;
  }
  for (const c of recovery.scan.concats) {
    if (isStringLiteral(c.left) && isStringLiteral(c.right) && (c.left.recovered || c.right.recovered)) {
      const value = (c.left.value as string) + (c.right.value as string);
      const piece = bySite.get(c.left) ?? bySite.get(c.right);
      bySite.delete(c.left);
      bySite.delete(c.right);
      if (piece) bySite.set(c, { ...piece, start: c.start, end: c.end, text: value });
      delete c.left;
      delete c.right;
      delete c.operator;
      c.type = 'Literal';
      c.value = value;
      c.recovered = true;
    }
  }
  return [...bySite.values()].sort((a, b) => a.start - b.start);
}
