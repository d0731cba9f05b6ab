import type { TargetInfo } from '../model/report.js';

/** One file of the audited target, read lazily so large binaries are never loaded whole by accident. */
export interface PackageFile {
  /** Display path relative to the package root; `container!/embedded/path` for embedded modules,
   *  `node_modules/<name>/<path>` for files of a followed platform package. */
  path: string;
  size: number;
  /** Whole contents. Callers check `size` against their limits first. */
  read(): Promise<Buffer>;
  /** Absolute path on disk when the file exists there (not for embedded modules). */
  diskPath?: string;
}

export interface AcquiredTarget {
  info: TargetInfo;
  files: PackageFile[];
  /** Problems met while acquiring (skipped entries, unsafe paths); each becomes an internal finding. */
  problems: { file: string; message: string }[];
  /** Removes temporary directories. */
  dispose(): Promise<void>;
}

/** What acquiring a target may unpack. The analysis limits are in audit/limits.ts. */
export interface AcquireLimits {
  /** Largest total unpacked size of a tarball. */
  maxUnpackedBytes: number;
  /** Most entries in a tarball. */
  maxEntries: number;
}

export const DEFAULT_ACQUIRE_LIMITS: AcquireLimits = {
  maxUnpackedBytes: 2 * 1024 * 1024 * 1024,
  maxEntries: 100_000,
};
