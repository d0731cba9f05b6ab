// What one chunk of a split bundle exports that the analysis of another chunk needs. Each file is analysed alone, so
// the audit scans the package's JavaScript for these first (`ExportScan`, two passes) and tells each file's analysis
// what its imports hold:
// - `env`: names that hold `process.env` (`var E = process.env; export { E as b }`), so that `s.X_TELEMETRY_URL`
//   in the importing chunk is an environment read;
// - `optOutHelpers`: small top-level functions whose body reads opt-out switches (`function Xq() { return
//   s.DO_NOT_TRACK || s.X_DISABLE_TELEMETRY }`, exported as `c`), so that `if (c()) return` in the importing chunk
//   is a check of those switches guarding what follows.
// A text scan (the package's code is never run, and parsing every chunk twice would double the audit): linear in the
// text, no pattern built from its contents. Comments, strings and regular expressions are skipped; a helper it misses
// (a function nested in a module wrapper, a CommonJS export, a re-export) only leaves an opt-out unfound.
import { posix } from 'node:path';
import { isOptOutEnvName } from '../rules/opt-out-check.js';

export interface ChunkExports {
  /** Exports that hold `process.env`. */
  readonly env: readonly string[];
  /** Exported opt-out helpers, each with the switches it reads. */
  readonly optOutHelpers: Readonly<Record<string, readonly string[]>>;
}

/** Per file (as the audit displays it), what it exports for other chunks; files that export nothing of the kind are absent. */
export type PackageExports = Readonly<Record<string, ChunkExports>>;

/** A helper's whole text (head to end of body) is at most this long: a predicate, not a function that also does the work. */
const MAX_HELPER_CHARS = 600;
/** Opt-out reads looked at per file (each costs a bounded look back); a file with more is not a chunk of helpers. */
const MAX_READS = 500;
/** How far before a body its function head is looked for. */
const MAX_HEAD_CHARS = 300;

const IDENT = '[A-Za-z_$][\\w$]*';
const IS_IDENT = new RegExp(`^${IDENT}$`);
const ENV_LOCAL = new RegExp(`(?:\\b(?:var|let|const)\\s+|,\\s*)(${IDENT})\\s*=\\s*process\\.env(?![\\w$.[])`, 'g');
const ENV_EXPORTED_DECL = new RegExp(`\\bexport\\s+(?:var|let|const)\\s+(${IDENT})\\s*=\\s*process\\.env(?![\\w$.[])`, 'g');
// `[^{}]`, not `[^}]`: a run stops at the next brace, so `export{export{…` costs one pass, not one per brace.
const IMPORT = /\bimport\s*\{([^{}]{0,4000})\}\s*from\s*["']([^"'\n]{1,300})["']/g;
const EXPORT_LIST = /\bexport\s*\{([^{}]{0,20000})\}/g;
const EXPORT_DECL = new RegExp(`\\bexport\\s+(default\\s+)?(?:async\\s+)?(?:function\\s*\\*?\\s*|(?:var|let|const|class)\\s+)(${IDENT})`, 'g');
const EXPORT_DEFAULT_NAME = new RegExp(`\\bexport\\s+default\\s+(${IDENT})\\s*[;\\n]`, 'g');
/** The head in front of a `{` body, anchored at the slice's end: `function f(…)`, `f = function (…)`, `f = (…) =>`, `f = x =>`. */
const BLOCK_HEAD = new RegExp(
  `(?:\\bfunction\\s*\\*?\\s*(${IDENT})\\s*\\([^()]{0,200}\\)|\\b(${IDENT})\\s*=\\s*(?:async\\s+)?(?:function\\b\\s*\\*?\\s*(?:${IDENT})?\\s*\\([^()]{0,200}\\)|(?:\\([^()]{0,200}\\)|${IDENT})\\s*=>))\\s*$`,
);
/** The head in front of an expression body's `=>`, anchored at the slice's end. */
const ARROW_HEAD = new RegExp(`\\b(${IDENT})\\s*=\\s*(?:async\\s+)?(?:\\([^()]{0,200}\\)|${IDENT})\\s*$`);
/** Words after which `/` starts a regular expression, not a division. */
const KEYWORD_BEFORE = /(?:^|[^\w$])(?:return|typeof|case|do|else|in|of|new|delete|void|throw|instanceof|yield|await)$/;
/** An absolute module name inside an executable: `/$bunfs/root/…`, or `B:/~BUN/root/…` in a Windows build. */
const EMBEDDED_ABSOLUTE = /^(?:\/|[A-Za-z]:\/)/;
/** What an import without an extension may name, in the order a resolver tries them. */
const IMPLIED = ['', '.js', '.mjs', '.cjs', '/index.js', '/index.mjs'];

/** The names a module's text exports that hold `process.env` (`var Kf = process.env; export { Kf as b }`). */
export function envExportsOf(text: string): string[] {
  if (!text.includes('process.env') || !text.includes('export')) return [];
  const out = new Set<string>();
  for (const m of text.matchAll(ENV_EXPORTED_DECL)) out.add(m[1]!);
  const locals = new Set<string>();
  for (const m of text.matchAll(ENV_LOCAL)) locals.add(m[1]!);
  if (locals.size > 0) for (const [local, names] of exportNames(text)) if (locals.has(local)) for (const n of names) out.add(n);
  return [...out];
}

/**
 * The file an import in `from` names, spelled as the audit displays files; null for a package import. Inside an
 * executable (`bin/tool!/$bunfs/root/a.js`) modules also import each other by their absolute names there.
 */
export function importedFile(from: string, specifier: string): string | null {
  if (specifier.startsWith('./') || specifier.startsWith('../')) return posix.normalize(posix.join(posix.dirname(from), specifier));
  const bang = from.lastIndexOf('!');
  if (bang > 0 && EMBEDDED_ABSOLUTE.test(specifier)) return from.slice(0, bang + 1) + posix.normalize(specifier);
  return null;
}

/** What `lookup` holds for the file an import in `from` names, trying the extensions a resolver would. */
export function importedEntry<T>(from: string, specifier: string, lookup: (file: string) => T | undefined): T | undefined {
  const file = importedFile(from, specifier);
  if (file === null) return undefined;
  for (const suffix of IMPLIED) {
    const hit = lookup(file + suffix);
    if (hit !== undefined) return hit;
  }
  return undefined;
}

/** The `a as b` parts of an import or export list, as [a, b] (b is a when there is no `as`), quotes taken off. */
function listPairs(list: string): [string, string][] {
  const out: [string, string][] = [];
  for (const part of list.split(',')) {
    const [left, right] = part.trim().split(/\s+as\s+/);
    if (!left) continue;
    const unquote = (s: string): string => s.replace(/^["']|["']$/g, '');
    out.push([unquote(left), unquote(right ?? left)]);
  }
  return out;
}

/** Each local the text exports with its exported names (`export function f`, `export default f`, `export { f as c }`). */
function exportNames(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (local: string, exported: string): void => {
    const list = out.get(local);
    if (!list) out.set(local, [exported]);
    else if (!list.includes(exported)) list.push(exported);
  };
  for (const m of text.matchAll(EXPORT_DECL)) add(m[2]!, m[1] ? 'default' : m[2]!);
  for (const m of text.matchAll(EXPORT_DEFAULT_NAME)) add(m[1]!, 'default');
  for (const m of text.matchAll(EXPORT_LIST)) for (const [local, exported] of listPairs(m[1]!)) if (IS_IDENT.test(local)) add(local, exported);
  return out;
}

/** Member reads of the environment under any of `names` (identifiers, or `process.env`): `E.NAME` or `E["NAME"]`. */
function envReads(names: ReadonlySet<string>): RegExp {
  // Every name is an identifier (checked where it is collected) with its `$` escaped: nothing of the text becomes pattern syntax.
  const alternatives = [...names].map((n) => n.replace(/[$.]/g, '\\$&')).join('|');
  return new RegExp(`(?<![\\w$.])(?:${alternatives})(?:\\.(${IDENT})|\\[\\s*["']([^"'\\\\\\n]{1,60})["']\\s*\\])`, 'g');
}

/** The names in `text` that hold `process.env`: its own aliases and imports of another chunk's env exports. */
function envNamesOf(text: string, file: string, envOf: (file: string) => readonly string[] | undefined): Set<string> {
  const names = new Set(['process.env']);
  for (const m of text.matchAll(ENV_LOCAL)) names.add(m[1]!);
  for (const m of text.matchAll(IMPORT)) {
    const env = importedEntry(file, m[2]!, envOf);
    if (!env || env.length === 0) continue;
    for (const [imported, local] of listPairs(m[1]!)) if (IS_IDENT.test(local) && env.includes(imported)) names.add(local);
  }
  return names;
}

/**
 * One pass over the code: the spans that are no code (comments, strings, template text, regular expressions) and the
 * top-level `{ … }` blocks, each as [start, end) pairs in order. Template expressions (`${…}`) are code.
 */
export function codeLayout(text: string): { skips: number[]; blocks: number[] } {
  const skips: number[] = [];
  const blocks: number[] = [];
  const n = text.length;
  let depth = 0;
  let blockStart = -1;
  /** The brace depth at which each open template expression returns to its template's text. */
  const templates: number[] = [];
  let prev = 0; // the last code character that is not white space (0: none)
  let i = 0;
  const templateText = (from: number): number => {
    // From inside a template's text to past its closing backtick, or into a `${` (which is pushed).
    let j = from;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === 92) j += 2;
      else if (c === 96) return j + 1;
      else if (c === 36 && text.charCodeAt(j + 1) === 123) {
        templates.push(depth);
        depth++;
        return j + 2;
      } else j++;
    }
    return n;
  };
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10 || c === 13 || c === 9) {
      i++;
      continue;
    }
    if (c === 34 || c === 39) {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 92) j += 2;
        else if (d === c) {
          j++;
          break;
        } else if (d === 10) break;
        else j++;
      }
      skips.push(i, Math.min(j, n));
      i = j;
      prev = 34;
      continue;
    }
    if (c === 96) {
      const end = templateText(i + 1);
      skips.push(i, end);
      i = end;
      prev = 34;
      continue;
    }
    if (c === 47) {
      const d = text.charCodeAt(i + 1);
      if (d === 47 || d === 42) {
        const close = d === 47 ? text.indexOf('\n', i + 2) : text.indexOf('*/', i + 2);
        const end = close < 0 ? n : d === 47 ? close : close + 2;
        skips.push(i, end);
        i = end;
        continue;
      }
      if (regexMayStart(text, i, prev)) {
        const end = regexEnd(text, i + 1);
        if (end > 0) {
          skips.push(i, end);
          i = end;
          prev = 34;
          continue;
        }
      }
    } else if (c === 123) {
      if (depth === 0) blockStart = i;
      depth++;
    } else if (c === 125) {
      if (depth > 0) depth--;
      if (templates.length > 0 && templates[templates.length - 1] === depth) {
        templates.pop();
        const end = templateText(i + 1);
        skips.push(i + 1, end);
        i = end;
        prev = 34;
        continue;
      }
      if (depth === 0 && blockStart >= 0) {
        blocks.push(blockStart, i + 1);
        blockStart = -1;
      }
    }
    prev = c;
    i++;
  }
  return { skips, blocks };
}

/** Whether a `/` at `i` after the code character `prev` starts a regular expression rather than a division. */
function regexMayStart(text: string, i: number, prev: number): boolean {
  if (prev === 0) return true;
  // After a name, a number, `)` or `]` it divides, unless the name is a keyword (`return /x/`).
  if (prev === 41 || prev === 93 || prev === 34) return false;
  const p = String.fromCharCode(prev);
  if (/[\w$]/.test(p)) return KEYWORD_BEFORE.test(text.slice(Math.max(0, i - 12), i).trimEnd());
  return true;
}

/** The end of a regular expression literal whose body starts at `from` (past its flags), -1 when the line ends first. */
function regexEnd(text: string, from: number): number {
  let inClass = false;
  for (let j = from; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 10 || c === 13) return -1;
    if (c === 92) j++;
    else if (c === 91) inClass = true;
    else if (c === 93) inClass = false;
    else if (c === 47 && !inClass) {
      let k = j + 1;
      while (k < text.length && /[a-z]/i.test(text[k]!)) k++;
      return k;
    }
  }
  return -1;
}

/** The index of the [start, end) pair in `spans` that contains `at`, -1 when none (binary search; pairs in order, disjoint). */
function spanAt(spans: readonly number[], at: number): number {
  let lo = 0;
  let hi = spans.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (spans[2 * mid]! > at) hi = mid - 1;
    else if (spans[2 * mid + 1]! <= at) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** The end of an expression body starting at `from`: the first `,` `;` or unopened closer at depth 0 (-1: not before `limit`). */
function expressionEnd(text: string, from: number, limit: number): number {
  let depth = 0;
  let quote = 0;
  const end = Math.min(text.length, limit);
  for (let i = from; i < end; i++) {
    const c = text.charCodeAt(i);
    if (quote) {
      if (c === 92) i++;
      else if (c === quote) quote = 0;
      continue;
    }
    if (c === 34 || c === 39 || c === 96) quote = c;
    else if (c === 40 || c === 91 || c === 123) depth++;
    else if (c === 41 || c === 93 || c === 125) {
      if (depth === 0) return i;
      depth--;
    } else if (depth === 0 && (c === 44 || c === 59 || c === 10)) return i;
  }
  return -1;
}

/**
 * The exported opt-out helpers of one module: top-level functions of at most MAX_HELPER_CHARS whose body reads a
 * switch named like an opt-out (`DO_NOT_TRACK`, `…_DISABLE_TELEMETRY`) from the environment, by exported name, with
 * the switches. `envOf` gives another file's env exports (for a helper that reads an imported alias).
 */
export function optOutHelpersOf(text: string, file: string, envOf: (file: string) => readonly string[] | undefined): Record<string, string[]> {
  if (!text.includes('export')) return {};
  const reads: { at: number; name: string }[] = [];
  for (const m of text.matchAll(envReads(envNamesOf(text, file, envOf)))) {
    const name = m[1] ?? m[2]!;
    if (isOptOutEnvName(name)) reads.push({ at: m.index, name });
    if (reads.length >= MAX_READS) break;
  }
  const out: Record<string, string[]> = {};
  if (reads.length === 0) return out;
  const exported = exportNames(text);
  if (exported.size === 0) return out;
  const { skips, blocks } = codeLayout(text);
  for (const r of reads) {
    if (spanAt(skips, r.at) !== -1) continue;
    const name = helperAround(text, r.at, blocks, skips);
    for (const as of (name !== null ? exported.get(name) : undefined) ?? []) {
      const list = (out[as] ??= []);
      if (!list.includes(r.name)) list.push(r.name);
    }
  }
  return out;
}

/** The name of the top-level function of at most MAX_HELPER_CHARS around `at`, null when there is none. */
function helperAround(text: string, at: number, blocks: readonly number[], skips: readonly number[]): string | null {
  const b = spanAt(blocks, at);
  if (b !== -1) {
    const open = blocks[2 * b]!;
    const head = BLOCK_HEAD.exec(text.slice(Math.max(0, open - MAX_HEAD_CHARS), open));
    if (!head || blocks[2 * b + 1]! - (open - head[0].length) > MAX_HELPER_CHARS) return null;
    return head[1] ?? head[2]!;
  }
  // At top level: an arrow with an expression body (`var off = () => !!E.DO_NOT_TRACK`).
  let arrow = text.lastIndexOf('=>', at);
  while (arrow >= 0 && at - arrow <= MAX_HELPER_CHARS && spanAt(skips, arrow) !== -1) arrow = text.lastIndexOf('=>', arrow - 1);
  if (arrow < 0 || at - arrow > MAX_HELPER_CHARS) return null;
  const head = ARROW_HEAD.exec(text.slice(Math.max(0, arrow - MAX_HEAD_CHARS), arrow));
  if (!head) return null;
  const end = expressionEnd(text, arrow + 2, arrow + MAX_HELPER_CHARS);
  return end > at ? head[1]! : null;
}

/**
 * The scan of a package: first every file for its env exports, then the files that export anything for their opt-out
 * helpers (which may read another file's env export). `first` returns whether the file needs the second pass.
 */
export class ExportScan {
  private readonly env = new Map<string, string[]>();
  private readonly out: Record<string, ChunkExports> = {};

  /** Pass one. Returns whether `second` should see the file (it exports something). */
  first(file: string, text: string): boolean {
    if (!text.includes('export')) return false;
    const names = envExportsOf(text);
    if (names.length > 0) this.env.set(file, names);
    return true;
  }

  /** Pass two, after `first` has seen every file. */
  second(file: string, text: string): void {
    const optOutHelpers = optOutHelpersOf(text, file, (f) => this.env.get(f));
    const env = this.env.get(file) ?? [];
    if (env.length > 0 || Object.keys(optOutHelpers).length > 0) this.out[file] = { env, optOutHelpers };
  }

  get result(): PackageExports {
    return this.out;
  }
}

/** What each of a package's modules exports for the others (`files`: display name and text). */
export function scanPackageExports(files: Iterable<readonly [string, string]>): PackageExports {
  const scan = new ExportScan();
  const again = [...files].filter(([file, text]) => scan.first(file, text));
  for (const [file, text] of again) scan.second(file, text);
  return scan.result;
}
