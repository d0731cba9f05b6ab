// `process.env` under another name across the files of a package. A bundle split into chunks keeps the environment
// in one chunk's variable (`var E = process.env; export { E as b }`) and reads it in another
// (`import { b as E } from "./chunk-a.js"; E.X_TELEMETRY_URL`). Each file is analysed alone, so the audit scans the
// package's JavaScript for such exports first and tells each file's analysis which of its imports are the environment.
import { posix } from 'node:path';

/** Per file (as the audit displays it), the names it exports that hold `process.env`. */
export type EnvExports = Readonly<Record<string, readonly string[]>>;

const ENV_LOCAL = /(?:\b(?:var|let|const)\s+|,\s*)([A-Za-z_$][\w$]*)\s*=\s*process\.env(?![\w$.[])/g;
const EXPORT_LIST = /\bexport\s*\{([^}]{0,20000})\}/g;
const EXPORTED_DECL = /\bexport\s+(?:var|let|const)\s+([A-Za-z_$][\w$]*)\s*=\s*process\.env(?![\w$.[])/g;

/** The names a module's text exports that hold `process.env` (a text scan: cheap, and exact for bundler output). */
export function envExportsOf(text: string): string[] {
  if (!text.includes('process.env') || !text.includes('export')) return [];
  const out = new Set<string>();
  for (const m of text.matchAll(EXPORTED_DECL)) out.add(m[1]!);
  const locals = new Set<string>();
  for (const m of text.matchAll(ENV_LOCAL)) locals.add(m[1]!);
  if (locals.size > 0) {
    for (const m of text.matchAll(EXPORT_LIST)) {
      for (const part of m[1]!.split(',')) {
        const [local, exported] = part.trim().split(/\s+as\s+/);
        if (local && locals.has(local)) out.add((exported ?? local).replace(/^["']|["']$/g, ''));
      }
    }
  }
  return [...out];
}

/** The file a relative import of `from` names, spelled as the audit displays files; null for a package import. */
export function importedFile(from: string, specifier: string): string | null {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return null;
  return posix.normalize(posix.join(posix.dirname(from), specifier));
}
