import { basename } from 'node:path';
import { stat } from 'node:fs/promises';
import { UserError } from '../model/errors.js';
import type { TargetInfo } from '../model/report.js';
import { DEFAULT_ACQUIRE_LIMITS, type AcquiredTarget, type AcquireLimits } from './types.js';
import { defaultCacheDir, fetchPackage, makeTempDir, type FetchOptions } from './registry.js';
import { readPackageJson } from './package-json.js';
import { firstLine } from './problems.js';
import { resolveSpec } from './spec.js';
import { readHead, tarballSource, unpackTarball } from './tarball.js';
import { diskFile, walkFolder } from './walk.js';

export { classifyFile, CLASSIFY_HEAD_BYTES, isExecutableFormat, type FileKind } from './classify.js';
export { defaultCacheDir, fetchFailure, fetchPackage, loadPacote, pacoteOptions, type FetchedPackage, type FetchOptions } from './registry.js';
export { readPackageJson, type RootManifest } from './package-json.js';
export { resolveSpec, type ResolvedSpec } from './spec.js';
export { checkEntryPath } from './tarball.js';

export interface AcquireOptions {
  offline?: boolean;
  cacheDir?: string;
  limits?: Partial<AcquireLimits>;
  onProgress?: (msg: string) => void;
}

const noop = async () => {};

/**
 * Turns what the user typed into files to audit: a registry spec, a tarball, a folder or a single file.
 * Nothing from the target is executed. Call `dispose()` when done; it removes any temporary folder.
 */
export async function acquireTarget(spec: string, opts: AcquireOptions = {}): Promise<AcquiredTarget> {
  const limits: AcquireLimits = { ...DEFAULT_ACQUIRE_LIMITS, ...opts.limits };
  const resolved = await resolveSpec(spec);

  if (resolved.kind === 'registry') {
    const fetchOpts: FetchOptions = { ...opts, cacheDir: opts.cacheDir ?? defaultCacheDir(), limits };
    const fetched = await fetchPackage(resolved.spec, fetchOpts);
    return fromFolder(fetched.dir, fetched.info, fetched.problems, limits, fetched.dispose);
  }
  if (resolved.alsoPackageName) {
    opts.onProgress?.(`auditing the local ${resolved.kind} ${resolved.path}; write ${spec.trim()}@latest for the registry package`);
  }

  const info: TargetInfo = { spec, kind: resolved.kind };
  if (resolved.kind === 'folder') return withManifestIdentity(await fromFolder(resolved.path, info, [], limits, noop));
  if (resolved.kind === 'file') {
    const size = (await stat(resolved.path)).size;
    return { info, files: [diskFile(basename(resolved.path), resolved.path, size)], problems: [], dispose: noop };
  }

  const tmp = await makeTempDir();
  try {
    opts.onProgress?.(`unpacking ${resolved.path}`);
    const head = await readHead(resolved.path, 512).catch((err: unknown) => {
      throw new UserError(`cannot read tarball ${spec}: ${firstLine(err)}`);
    });
    const problems = await unpackTarball(tarballSource(resolved.path), head, tmp.dir, limits, spec);
    return withManifestIdentity(await fromFolder(tmp.dir, info, problems, limits, tmp.dispose));
  } catch (err) {
    await tmp.dispose();
    throw err;
  }
}

async function fromFolder(
  dir: string,
  info: TargetInfo,
  problems: AcquiredTarget['problems'],
  limits: AcquireLimits,
  dispose: () => Promise<void>,
): Promise<AcquiredTarget> {
  try {
    const walked = await walkFolder(dir, limits.maxEntries);
    return { info, files: walked.files, problems: [...problems, ...walked.problems], dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}

/** Local targets are named by their own package.json. */
async function withManifestIdentity(target: AcquiredTarget): Promise<AcquiredTarget> {
  const manifest = await readPackageJson(target);
  if (manifest?.name !== undefined) target.info.name = manifest.name;
  if (manifest?.version !== undefined) target.info.version = manifest.version;
  return target;
}
