import { mkdtemp, rm, stat, readFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type Pacote from 'pacote';
import { UserError } from '../model/errors.js';
import type { TargetInfo } from '../model/report.js';
import { DEFAULT_ACQUIRE_LIMITS, type AcquireLimits } from './types.js';
import { loadManifest } from './package-json.js';
import type { Problem } from './problems.js';
import { firstLine } from './problems.js';
import { parseRegistrySpec } from './spec.js';
import { bufferSource, unpackTarball } from './tarball.js';

export interface FetchOptions {
  /** Use only what is in the cache; never touch the network. */
  offline?: boolean;
  cacheDir?: string;
  limits?: Partial<AcquireLimits>;
  onProgress?: (msg: string) => void;
}

export interface FetchedPackage {
  /** The unpacked package root (the tarball's top folder stripped). */
  dir: string;
  info: TargetInfo;
  problems: Problem[];
  dispose(): Promise<void>;
}

/** `$TELLTALE_CACHE`, else `$XDG_CACHE_HOME/telltale`, else `~/.cache/telltale`. */
export function defaultCacheDir(): string {
  const own = process.env.TELLTALE_CACHE;
  if (own) return own;
  const xdg = process.env.XDG_CACHE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'telltale');
  return join(homedir(), '.cache', 'telltale');
}

export async function makeTempDir(): Promise<{ dir: string; dispose(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'telltale-'));
  return { dir, dispose: () => rm(dir, { recursive: true, force: true }) };
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH',
  'ERR_SOCKET_TIMEOUT', 'FETCH_ERROR', 'EPIPE',
]);

/**
 * pacote, loaded on first use: with the npm client code it pulls in, it is about half the start-up of a command that
 * never reaches the registry (a local folder, a project served from the result cache).
 */
export async function loadPacote(): Promise<typeof Pacote> {
  return (await import('pacote')).default;
}

/** Options for pacote: the package cache under `cacheDir`, the configured registry, never lifecycle scripts. */
export function pacoteOptions(opts: { cacheDir?: string; offline?: boolean }) {
  return {
    cache: join(opts.cacheDir ?? defaultCacheDir(), '_cacache'),
    offline: opts.offline === true,
    registry: process.env.npm_config_registry || 'https://registry.npmjs.org/',
    fullMetadata: false,
    ignoreScripts: true,
    fetchRetries: 1,
    timeout: 60_000,
  };
}

/** One line for the user from a pacote / npm-registry-fetch error. */
export function fetchFailure(spec: string, err: unknown): UserError {
  const code = (err as { code?: unknown }).code;
  let reason: string;
  if (code === 'ETARGET') reason = 'no matching version';
  else if (code === 'E404') reason = 'no such package in the registry';
  else if (code === 'ENOTCACHED') reason = 'not in the local cache (offline mode)';
  else if (code === 'EINTEGRITY') reason = 'tarball integrity check failed';
  else if (code === 'EINVALIDTAGNAME' || code === 'EINVALIDPACKAGENAME') reason = `invalid package spec: ${firstLine(err)}`;
  else if (typeof code === 'string' && NETWORK_CODES.has(code)) reason = `network error (${code})`;
  else if (typeof code === 'string' && /^E\d{3}$/.test(code)) reason = `registry answered ${code.slice(1)}`;
  else reason = firstLine(err);
  return new UserError(`cannot fetch "${spec}": ${reason}`);
}

/**
 * Fetches a registry package (manifest, then the tarball verified against the manifest's integrity) and unpacks it
 * into a fresh temporary folder. Never runs lifecycle scripts: only registry specs are accepted, and the tarball is
 * unpacked here rather than by pacote.
 */
export async function fetchPackage(spec: string, opts: FetchOptions = {}): Promise<FetchedPackage> {
  parseRegistrySpec(spec);
  const limits = { ...DEFAULT_ACQUIRE_LIMITS, ...opts.limits };
  const pacoteOpts = pacoteOptions(opts);

  opts.onProgress?.(`resolving ${spec}`);
  const pacote = await loadPacote();
  let manifest: Awaited<ReturnType<typeof Pacote.manifest>>;
  try {
    manifest = await pacote.manifest(spec, pacoteOpts);
  } catch (err) {
    throw fetchFailure(spec, err);
  }
  const id = `${manifest.name}@${manifest.version}`;
  const integrity = typeof manifest._integrity === 'string' ? manifest._integrity : undefined;

  opts.onProgress?.(`fetching ${id}`);
  let tarball: Buffer;
  try {
    // pacote verifies `integrity` before handing the bytes over
    tarball = await pacote.tarball(spec, { ...pacoteOpts, resolved: manifest._resolved, integrity });
  } catch (err) {
    throw fetchFailure(spec, err);
  }

  const tmp = await makeTempDir();
  try {
    opts.onProgress?.(`unpacking ${id} (${tarball.length} bytes)`);
    const problems = await unpackTarball(bufferSource(tarball), tarball.subarray(0, 512), tmp.dir, limits, id);
    const mismatch = await manifestMismatch(tmp.dir, manifest.name, manifest.version);
    if (mismatch) problems.push({ file: 'package.json', message: mismatch });
    return {
      dir: tmp.dir,
      info: { spec, kind: 'registry', name: manifest.name, version: manifest.version, ...(integrity ? { integrity } : {}) },
      problems,
      dispose: tmp.dispose,
    };
  } catch (err) {
    await tmp.dispose();
    throw err;
  }
}

/** What npm installs is the tarball; a registry manifest that disagrees with it hides what is really shipped. */
async function manifestMismatch(dir: string, name: string, version: string): Promise<string | undefined> {
  const path = join(dir, 'package.json');
  const size = await stat(path).then((s) => (s.isFile() ? s.size : -1), () => -1);
  if (size < 0) return 'the tarball has no package.json';
  const parsed = await loadManifest({ size, read: () => readFile(path) });
  if (!parsed.ok) return undefined;
  const { name: n, version: v } = parsed.manifest;
  if (n === name && v === version) return undefined;
  return `package.json in the tarball says ${n ?? '(no name)'}@${v ?? '(no version)'} but the registry manifest says ${name}@${version}`;
}
