import type { AcquiredTarget, PackageFile } from './types.js';
import { firstLine } from './problems.js';

export interface RootManifest {
  name?: string;
  version?: string;
  scripts?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  os?: string[];
  cpu?: string[];
  bin?: string | Record<string, string>;
  main?: string;
  /** Every file path named anywhere in `exports` (conditions and subpaths flattened). */
  exports?: string[];
}

/** Larger than any honest manifest; parsing more is a denial of service, not information. */
export const MAX_PACKAGE_JSON_BYTES = 16 * 1024 * 1024;

export type ParsedManifest = { ok: true; manifest: RootManifest } | { ok: false; reason: string };

/** Keeps only the fields telltale uses, each only when it has the documented type. */
export function parseManifest(text: string): ParsedManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    return { ok: false, reason: `invalid JSON: ${firstLine(err)}` };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, reason: 'not a JSON object' };
  const o = raw as Record<string, unknown>;
  const m: RootManifest = {};
  if (typeof o.name === 'string') m.name = o.name;
  if (typeof o.version === 'string') m.version = o.version;
  const scripts = stringRecord(o.scripts);
  if (scripts) m.scripts = scripts;
  const optional = stringRecord(o.optionalDependencies);
  if (optional) m.optionalDependencies = optional;
  const os = stringList(o.os);
  if (os) m.os = os;
  const cpu = stringList(o.cpu);
  if (cpu) m.cpu = cpu;
  if (typeof o.bin === 'string') m.bin = o.bin;
  else {
    const bin = stringRecord(o.bin);
    if (bin) m.bin = bin;
  }
  if (typeof o.main === 'string') m.main = o.main;
  const exported = exportPaths(o.exports, 0);
  if (exported.length) m.exports = exported;
  return { ok: true, manifest: m };
}

/**
 * Conditions no runtime loads code from: type declarations, and `source`, the convention for pointing build tools
 * at the untranspiled sources next to the built files the other conditions name.
 */
const NOT_LOADED_CONDITIONS: ReadonlySet<string> = new Set(['types', 'typings', 'source']);
const DECLARATION_FILE = /\.d\.[cm]?ts$/;

/** File paths in an `exports` value (a string, a list, or nested condition and subpath objects) that a runtime loads. */
function exportPaths(v: unknown, depth: number): string[] {
  if (depth > 16) return [];
  if (typeof v === 'string') return v.includes('*') || DECLARATION_FILE.test(v) ? [] : [v];
  if (Array.isArray(v)) return v.flatMap((x) => exportPaths(x, depth + 1));
  if (typeof v === 'object' && v !== null) {
    return Object.entries(v).flatMap(([k, x]) => (NOT_LOADED_CONDITIONS.has(k) ? [] : exportPaths(x, depth + 1)));
  }
  return [];
}

function stringRecord(v: unknown): Record<string, string> | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  // fromEntries defines own properties, so a "__proto__" key stays data
  return Object.fromEntries(Object.entries(v).filter((kv): kv is [string, string] => typeof kv[1] === 'string'));
}

function stringList(v: unknown): string[] | undefined {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
}

/**
 * The root `package.json` of an acquired target, or undefined when there is none or it cannot be used;
 * an unusable one is added to `target.problems` (once, however often this is called).
 */
export async function readPackageJson(target: AcquiredTarget): Promise<RootManifest | undefined> {
  const file = target.files.find((f) => f.path === 'package.json');
  if (!file) return undefined;
  const parsed = await loadManifest(file);
  if (parsed.ok) return parsed.manifest;
  const message = `package.json ignored: ${parsed.reason}`;
  if (!target.problems.some((p) => p.file === 'package.json' && p.message === message)) {
    target.problems.push({ file: 'package.json', message });
  }
  return undefined;
}

export async function loadManifest(file: Pick<PackageFile, 'size' | 'read'>): Promise<ParsedManifest> {
  if (file.size > MAX_PACKAGE_JSON_BYTES) {
    return { ok: false, reason: `${file.size} bytes is over the limit of ${MAX_PACKAGE_JSON_BYTES}` };
  }
  try {
    return parseManifest((await file.read()).toString('utf8'));
  } catch (err) {
    return { ok: false, reason: `not readable: ${firstLine(err)}` };
  }
}
