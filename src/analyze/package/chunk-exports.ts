// What one chunk of a split bundle exports that the analysis of another chunk needs. Each file is analysed alone, so
// the audit scans the package's JavaScript for these first (`scanPackageExports`, or the audit's own two passes over
// the same per-text functions) and tells each file's analysis what its relative imports hold:
// - `env`: names that hold `process.env` (`var E = process.env; export { E as b }`), so that `s.X_TELEMETRY_URL`
//   in the importing chunk is an environment read;
// - `optOutHelpers`: small functions whose result is read from opt-out switches (`function Xq() { return
//   s.DO_NOT_TRACK || s.X_DISABLE_TELEMETRY }`, exported as `c`), so that `if (c()) return` in the importing chunk is a
//   check of those switches guarding what follows.
// A text scan: cheap, and exact enough for bundler output; a helper it misses only leaves an opt-out unfound.
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

/** A helper's whole text (head to closing brace) is at most this long: a predicate, not a function that also does the work. */
const MAX_HELPER_CHARS = 600;
const IDENT = '[A-Za-z_$][\\w$]*';
const ENV_LOCAL = new RegExp(`(?:\\b(?:var|let|const)\\s+|,\\s*)(${IDENT})\\s*=\\s*process\\.env(?![\\w$.[])`, 'g');
const ENV_EXPORTED_DECL = new RegExp(`\\bexport\\s+(?:var|let|const)\\s+(${IDENT})\\s*=\\s*process\\.env(?![\\w$.[])`, 'g');
/** An absolute module name inside an executable: `/$bunfs/root/…`, or `B:/~BUN/root/…` in a Windows build. */
const EMBEDDED_ABSOLUTE = /^(?:\/|[A-Za-z]:\/)/;
const IMPORT = /\bimport\s*\{([^}]{0,4000})\}\s*from\s*["']([^"']{1,300})["']/g;
const EXPORT_LIST = /\bexport\s*\{([^}]{0,20000})\}/g;
/** Function heads whose body starts at the match's end: `function f(…) {`, `f = function (…) {`, `f = (…) => {`, `f = () => expr`. */
const HEAD = new RegExp(`(?:\\bfunction\\s+(${IDENT})\\s*\\([^()]{0,200}\\)\\s*\\{|\\b(${IDENT})\\s*=\\s*(?:async\\s+)?(?:function\\b\\s*(?:${IDENT})?\\s*\\([^()]{0,200}\\)\\s*\\{|(?:\\([^()]{0,200}\\)|${IDENT})\\s*=>\\s*(\\{)?))`, 'g');

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

/** Which names in `text` hold `process.env`: its own aliases and imports of another chunk's (`exports`: the package's env exports). */
function envNamesOf(text: string, file: string, envExports: (file: string) => readonly string[] | undefined): string[] {
  const names = ['process.env'];
  for (const m of text.matchAll(ENV_LOCAL)) names.push(m[1]!);
  for (const m of text.matchAll(IMPORT)) {
    const from = importedFile(file, m[2]!);
    const env = from !== null ? envExports(from) : undefined;
    if (!env || env.length === 0) continue;
    for (const part of m[1]!.split(',')) {
      const [imported, local] = part.trim().split(/\s+as\s+/);
      if (imported && env.includes(imported.replace(/^["']|["']$/g, ''))) names.push(local ?? imported);
    }
  }
  return names;
}

/** The end of a body starting at `from`: the brace that closes it, or for an expression body the first `,` `;` or unopened closer at depth 0. -1 when not within `limit`. */
function bodyEnd(text: string, from: number, braced: boolean, limit: number): number {
  let depth = braced ? 1 : 0;
  let quote = '';
  const end = Math.min(text.length, limit);
  for (let i = from; i < end; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) return i;
      depth--;
      if (braced && depth === 0) return i + 1;
    } else if (!braced && depth === 0 && (c === ',' || c === ';')) return i;
  }
  return -1;
}

/** The exported name of each local the text exports (`export function f`, `export const f =`, `export { f as c }`). */
function exportNames(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (local: string, exported: string): void => {
    const list = out.get(local);
    if (list) list.push(exported);
    else out.set(local, [exported]);
  };
  for (const m of text.matchAll(new RegExp(`\\bexport\\s+(?:async\\s+)?(?:function\\s*\\*?\\s*|(?:var|let|const)\\s+)(${IDENT})`, 'g'))) add(m[1]!, m[1]!);
  for (const m of text.matchAll(EXPORT_LIST)) {
    for (const part of m[1]!.split(',')) {
      const [local, exported] = part.trim().split(/\s+as\s+/);
      if (local) add(local, (exported ?? local).replace(/^["']|["']$/g, ''));
    }
  }
  return out;
}

function escape(name: string): string {
  return name.replace(/[$.]/g, '\\$&');
}

/**
 * The exported opt-out helpers of one module: functions of at most MAX_HELPER_CHARS whose body reads a switch named
 * like an opt-out (`DO_NOT_TRACK`, `…_DISABLE_TELEMETRY`) from the environment, by exported name, with the switches.
 */
export function optOutHelpersOf(text: string, file: string, envExports: (file: string) => readonly string[] | undefined): Record<string, string[]> {
  if (!text.includes('export')) return {};
  const exported = exportNames(text);
  if (exported.size === 0) return {};
  const env = envNamesOf(text, file, envExports).map(escape).join('|');
  const read = new RegExp(`(?<![\\w$.])(?:${env})(?:\\.(${IDENT})|\\[\\s*["']([^"'\\\\]{1,60})["']\\s*\\])`, 'g');
  const reads: { at: number; name: string }[] = [];
  for (const m of text.matchAll(read)) {
    const name = m[1] ?? m[2]!;
    if (isOptOutEnvName(name)) reads.push({ at: m.index, name });
  }
  const out: Record<string, string[]> = {};
  for (const r of reads) {
    // Every exported function around the read that is short enough to be a helper: its head at most MAX_HELPER_CHARS
    // before the read, its body closing within MAX_HELPER_CHARS of the head.
    const windowStart = Math.max(0, r.at - MAX_HELPER_CHARS);
    for (const h of text.slice(windowStart, r.at).matchAll(HEAD)) {
      const as = exported.get(h[1] ?? h[2]!);
      if (!as) continue;
      const head = windowStart + h.index;
      const braced = h[1] !== undefined || h[0].endsWith('{');
      if (bodyEnd(text, head + h[0].length, braced, head + MAX_HELPER_CHARS) <= r.at) continue;
      for (const name of as) {
        const list = (out[name] ??= []);
        if (!list.includes(r.name)) list.push(r.name);
      }
    }
  }
  return out;
}

/** What each of a package's modules exports for the others (`files`: display name and text). */
export function scanPackageExports(files: Iterable<readonly [string, string]>): PackageExports {
  const texts = [...files];
  const env = new Map<string, string[]>();
  for (const [file, text] of texts) {
    const names = text.includes('process.env') ? envExportsOf(text) : [];
    if (names.length > 0) env.set(file, names);
  }
  const out: Record<string, ChunkExports> = {};
  for (const [file, text] of texts) {
    const optOutHelpers = optOutHelpersOf(text, file, (f) => env.get(f));
    const e = env.get(file) ?? [];
    if (e.length > 0 || Object.keys(optOutHelpers).length > 0) out[file] = { env: e, optOutHelpers };
  }
  return out;
}
