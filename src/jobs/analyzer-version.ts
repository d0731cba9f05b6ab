// The analyzer's identity, part of every cached result's key. The package version alone is not enough: a build
// from a checkout (or a patched install) changes what the audit finds without changing `version`, and a cached
// report from other code would then be served as if it were current. So the key is the version plus a hash of the
// compiled code that produces a report. Code that only presents, schedules or caches results is left out, so
// that changing how history is printed does not throw away hours of audits.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TOOL_VERSION } from '../version.js';

/** Top-level folders and files of the compiled `src/` that do not change what an audit reports. */
const NOT_ANALYZER = new Set(['bin', 'cli.js', 'history', 'jobs', 'probe', 'report']);

/** `<version>+<12 hex digits>`; the same for the same compiled analyzer, whatever the machine. */
export function computeAnalyzerVersion(srcRoot: string = fileURLToPath(new URL('..', import.meta.url)), version: string = TOOL_VERSION): string {
  const hash = createHash('sha256');
  const files = readdirSync(srcRoot, { recursive: true, encoding: 'utf8' })
    .filter((p) => p.endsWith('.js') && !NOT_ANALYZER.has(p.split(sep)[0]!))
    .sort();
  for (const file of files) {
    hash.update(relative(srcRoot, join(srcRoot, file)).split(sep).join('/'));
    hash.update('\0');
    hash.update(readFileSync(join(srcRoot, file)));
    hash.update('\0');
  }
  return `${version}+${hash.digest('hex').slice(0, 12)}`;
}

let memo: string | undefined;

/** The running analyzer's version, computed once per process (reading the compiled files takes a few ms). */
export function analyzerVersion(): string {
  return (memo ??= computeAnalyzerVersion());
}
