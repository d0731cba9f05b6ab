// Parsing stage: text → ESTree with character ranges. Package code is only parsed, never run.
import { createRequire } from 'node:module';
import { parseModule, parseScript } from 'meriyah';
import type tsBlankSpace from 'ts-blank-space';

// ESTree nodes as meriyah produces them; the analysis narrows them where it reads them.
export type AnyNode = any;

export type ParseResult = { ok: true; ast: AnyNode; sourceType: 'module' | 'script' } | { ok: false; message: string; offset: number };

/** How a runtime would read a file: its goal, and whether it is JSX or TypeScript. */
export interface Syntax {
  /** `auto`: module first, then script (a `.js` file may be either). */
  goal: 'module' | 'script' | 'auto';
  jsx: boolean;
  typescript: boolean;
}

const PLAIN: Syntax = { goal: 'auto', jsx: false, typescript: false };

/**
 * The syntax a file's name asks for. `.mjs`/`.mts` are modules and `.cjs`/`.cts` CommonJS scripts (which may
 * `return` at the top level, as Node wraps them in a function); `.ts`/`.mts`/`.cts` are TypeScript (declaration
 * files carry no code); `.jsx` is JSX.
 */
export function syntaxOf(file: string): Syntax {
  const lower = file.toLowerCase();
  const ext = /\.d\.[mc]?ts$/.test(lower) ? '.d.ts' : (/\.[a-z]+$/.exec(lower)?.[0] ?? '');
  switch (ext) {
    case '.mjs':
      return { goal: 'module', jsx: false, typescript: false };
    case '.cjs':
      return { goal: 'script', jsx: false, typescript: false };
    case '.jsx':
      return { goal: 'auto', jsx: true, typescript: false };
    case '.ts':
      return { goal: 'auto', jsx: false, typescript: true };
    case '.mts':
      return { goal: 'module', jsx: false, typescript: true };
    case '.cts':
      return { goal: 'script', jsx: false, typescript: true };
    default:
      return PLAIN;
  }
}

/** Blanks a leading `#!` line without changing offsets (meriyah's hashbang support depends on options). */
function blankHashbang(text: string): string {
  if (!text.startsWith('#!')) return text;
  const nl = text.indexOf('\n');
  const end = nl === -1 ? text.length : nl;
  return '//' + text.slice(2, end) + text.slice(end);
}

function errorOf(e: unknown): { message: string; offset: number } {
  if (e instanceof RangeError) return { message: 'nesting too deep for the parser (stack exhausted)', offset: 0 };
  const err = e as { message?: string; index?: number; start?: number };
  const message = String(err?.message ?? e).split('\n')[0]!.slice(0, 300);
  return { message, offset: typeof err?.index === 'number' ? err.index : typeof err?.start === 'number' ? err.start : 0 };
}

// The type stripper loads the TypeScript compiler (seconds on a busy machine): only when a TypeScript file comes.
let stripper: typeof tsBlankSpace | undefined;
function stripTypes(text: string): { js: string; unsupported: number[] } {
  stripper ??= (createRequire(import.meta.url)('ts-blank-space') as { default: typeof tsBlankSpace }).default;
  const unsupported: number[] = [];
  const edits: Edit[] = [];
  // Types become spaces, so every offset, line and column of the result is the one in the TypeScript source.
  const js = stripper(text, (node) => {
    const start = node.pos + (/^\s*/.exec(text.slice(node.pos, node.pos + 200))?.[0].length ?? 0);
    const made = PARAMETER_MODIFIER.test(text.slice(start, node.end))
      ? modifierEdit(text, start)
      : enumEdits(text, node as unknown as EnumLike);
    if (made) edits.push(...made);
    else unsupported.push(start);
  });
  let out = js;
  for (const e of edits) out = out.slice(0, e.at) + e.to + out.slice(e.at + e.to.length);
  return { js: out, unsupported };
}

/** A same-length replacement, so locations stay those of the source. */
interface Edit {
  at: number;
  to: string;
}

const PARAMETER_MODIFIER = /^(?:private|public|protected|readonly|override)$/;
const MODIFIER_RUN = /^(?:(?:private|public|protected|readonly|override)(?=\s)\s*)+/;

/**
 * A parameter property (`constructor(private readonly x: T)`) is a parameter plus an assignment to `this.x`; its
 * modifiers (with any modifier keywords that follow) become spaces, so the parameter stays; only the implied
 * assignment is not modelled.
 */
function modifierEdit(text: string, start: number): Edit[] | undefined {
  const run = MODIFIER_RUN.exec(text.slice(start, start + 200));
  return run ? [{ at: start, to: ' '.repeat(run[0].length) }] : undefined;
}

/** The parts of the compiler's enum declaration node this rewrite reads. */
interface EnumLike {
  pos: number;
  end: number;
  name?: { pos: number; end: number };
  members?: readonly { name: { end: number }; initializer?: { pos: number } }[];
}

/**
 * An enum becomes an object literal in place: `enum E { A = "a", B }` → `var  E ={ A : "a", B }` (`const enum E {`
 * → `const      E ={`). Members keep their names and initial values (auto-numbered members become shorthand
 * properties, whose values are not modelled). Undefined when the source leaves no room for the rewrite.
 */
function enumEdits(text: string, node: EnumLike): Edit[] | undefined {
  if (!node.name || !node.members) return undefined;
  const head = text.slice(node.pos, node.name.pos);
  const kw = /\benum\b/.exec(head);
  if (!kw) return undefined;
  const at = node.pos + kw.index;
  const isConst = /\bconst\s+enum\b/.test(head);
  const open = text.indexOf('{', node.name.end);
  if (open < 0 || open >= node.end || !/\s/.test(text[open - 1] ?? '')) return undefined;
  const edits: Edit[] = [{ at, to: isConst ? '    ' : 'var ' }, { at: open - 1, to: '=' }];
  for (const m of node.members) {
    if (!m.initializer) continue;
    const eq = text.indexOf('=', m.name.end);
    if (eq < 0 || eq >= m.initializer.pos) return undefined;
    edits.push({ at: eq, to: ':' });
  }
  return edits;
}

/**
 * Parses as the runtime would load the file, then falls back to the other goal: a module first (bundles use
 * import/export and top-level await), then a sloppy script (legacy code with `with`, octal escapes, HTML-like
 * comments, CommonJS's top-level `return`), or the other way round for a CommonJS file; JSX last. TypeScript has
 * its types stripped to whitespace first, so locations are those of the source.
 */
export function parseJs(text: string, syntax: Partial<Syntax> = PLAIN): ParseResult {
  const { goal = 'auto', jsx = false, typescript = false } = syntax;
  let src = blankHashbang(text);
  let unsupported: number[] = [];
  if (typescript) {
    try {
      ({ js: src, unsupported } = stripTypes(src));
    } catch (e) {
      return { ok: false, ...errorOf(e) };
    }
  }
  const goals: ('module' | 'script')[] = goal === 'script' ? ['script', 'module'] : ['module', 'script'];
  // JSX in a .js file is what React Native and bundler-only packages ship: tried last, so it costs nothing elsewhere.
  const order = [...goals.map((kind) => ({ kind, jsx })), ...(jsx || typescript ? [] : goals.map((kind) => ({ kind, jsx: true })))];
  let first: { message: string; offset: number } | null = null;
  for (const { kind, jsx: withJsx } of order) {
    try {
      const ast =
        kind === 'module'
          ? parseModule(src, { ranges: true, next: true, lexical: false, jsx: withJsx })
          : parseScript(src, { ranges: true, next: true, lexical: false, jsx: withJsx, webcompat: true, globalReturn: true });
      return { ok: true, ast, sourceType: kind };
    } catch (e) {
      first ??= errorOf(e);
      if (e instanceof RangeError) break;
    }
  }
  if (unsupported.length > 0) {
    return { ok: false, message: 'TypeScript that type stripping cannot remove (enum, namespace, parameter property or similar)', offset: unsupported[0]! };
  }
  return { ok: false, ...first! };
}

/** Parses a file with the syntax its name asks for (`syntaxOf`). */
export function parseFile(file: string, text: string): ParseResult {
  return parseJs(text, syntaxOf(file));
}
