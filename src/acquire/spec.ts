import { stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import npa from 'npm-package-arg';
import { UserError } from '../model/errors.js';
import { firstLine } from './problems.js';

export type ResolvedSpec =
  | { kind: 'tarball' | 'folder' | 'file'; path: string; /** The text is also a valid package name: say how to reach the registry. */ alsoPackageName: boolean }
  | { kind: 'registry'; spec: string };

const TARBALL_NAME = /\.(tgz|tar\.gz|tar)$/i;
/** Written as a path: relative, absolute, home-relative or a Windows drive. */
const PATH_SYNTAX = /^(?:\.{1,2}(?:[\\/]|$)|[\\/]|~[\\/]|[A-Za-z]:[\\/])/;
const REGISTRY_TYPES = new Set(['tag', 'version', 'range', 'alias']);

/**
 * Decides whether `spec` names something on disk or a registry package. Local first, like most linters:
 * anything that exists is a path; path syntax (`./x`, `/x`, `~/x`) and tarball names must exist; the rest is a
 * registry spec. `name@latest` reaches the registry when a file or folder of that name is in the way.
 */
export async function resolveSpec(spec: string, cwd: string = process.cwd()): Promise<ResolvedSpec> {
  const trimmed = spec.trim();
  if (trimmed === '') throw new UserError('no target given');
  const expanded = /^~[\\/]/.test(trimmed) ? resolve(homedir(), trimmed.slice(2)) : trimmed;
  const path = resolve(cwd, expanded);
  const kind = await pathKind(path);
  const explicitPath = PATH_SYNTAX.test(trimmed) || (TARBALL_NAME.test(trimmed) && !trimmed.includes(':'));

  if (kind !== undefined) return { kind, path, alsoPackageName: !explicitPath && isPlainPackageName(trimmed) };
  if (explicitPath) throw new UserError(`no such file or directory: ${trimmed}`);
  return { kind: 'registry', spec: parseRegistrySpec(trimmed) };
}

/** `name` or `@scope/name` without any version part. */
function isPlainPackageName(s: string): boolean {
  try {
    const r = npa(s);
    return r.registry === true && r.name === s;
  } catch {
    return false;
  }
}

/** Accepts only specs served by the registry: git, URL and file specs would make pacote clone, download or run `prepare`. */
export function parseRegistrySpec(spec: string): string {
  let parsed: npa.Result;
  try {
    parsed = npa(spec);
  } catch (err) {
    throw new UserError(`invalid package spec "${spec}": ${firstLine(err)}`);
  }
  if (!REGISTRY_TYPES.has(parsed.type)) {
    throw new UserError(
      `not a local path or registry package: "${spec}" (${parsed.type} specs are not supported; download the tarball and pass its path)`,
    );
  }
  if (parsed.type === 'alias') {
    const sub = (parsed as npa.AliasResult).subSpec;
    if (!REGISTRY_TYPES.has(sub.type) || sub.type === 'alias') throw new UserError(`invalid package spec "${spec}": alias to a non-registry spec`);
  }
  return spec;
}

async function pathKind(path: string): Promise<'tarball' | 'folder' | 'file' | undefined> {
  try {
    const st = await stat(path);
    if (st.isDirectory()) return 'folder';
    if (!st.isFile()) throw new UserError(`not a regular file or directory: ${path}`);
    return TARBALL_NAME.test(path) ? 'tarball' : 'file';
  } catch (err) {
    if (err instanceof UserError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new UserError(`cannot read ${path}: ${firstLine(err)}`);
  }
}
