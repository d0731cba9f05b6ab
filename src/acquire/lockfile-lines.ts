// Where each package is written in its lockfile (1-based line), so a project's report can point at the entry the
// project controls: a code-scanning alert anchored there is in a file of the repository, and shows in the pull
// request that adds or upgrades the package. Read from the lockfile's text in one pass, by the shapes the five
// formats write an entry in; a package whose entry is not recognised points at line 1.
import type { LockedPackage } from './lockfiles/types.js';

const NAME = String.raw`(?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*`;
const VERSION = String.raw`\d+\.\d+\.\d+[\w.+-]*`;
/** `name@version` written out (pnpm 6/9 keys, bun entries, Yarn 2+ resolutions, pinned Yarn 1 keys). */
const EXACT = new RegExp(String.raw`(?:^|[\s"'/(,\[])(${NAME})@(?:npm:)?(${VERSION})`, 'gi');
/** The same at the start of a line: an entry's own key (pnpm, Bun's nested keys aside), preferred to a mention. */
const KEY_EXACT = new RegExp(String.raw`^\s*['"]?/?(${NAME})@(?:npm:)?(${VERSION})`, 'i');
/** pnpm 5 keys: `/name/1.2.3:`. */
const SLASHED = new RegExp(String.raw`^\s+/(${NAME})/(${VERSION})(?:_[^:]*)?:`, 'i');
/** An npm `packages` key (`"node_modules/a/node_modules/name": {`), or a Yarn key line starting with the name. */
const NPM_KEY = new RegExp(String.raw`node_modules/(${NAME})"\s*:`, 'i');
const YARN_KEY = new RegExp(String.raw`^"?(${NAME})@`, 'i');
/** The version line of an entry: npm `"version": "1.2.3",`, Yarn 1 `version "1.2.3"`, Yarn 2+ `version: 1.2.3`. */
const VERSION_LINE = /^\s*"?version"?\s*:?\s*"?([^"\s,]+)"?,?\s*$/;
/** How far below its key an entry's version line may be. */
const ENTRY_LINES = 16;

/** The first version line below a key line: the entry's own version. */
function entryVersion(lines: readonly string[], key: number): string | undefined {
  for (let i = key + 1; i < Math.min(lines.length, key + ENTRY_LINES); i++) {
    const m = VERSION_LINE.exec(lines[i]!);
    if (m) return m[1];
  }
  return undefined;
}

/** `name@version` → the line of its entry. */
export function lockfileLines(text: string, packages: readonly Pick<LockedPackage, 'name' | 'version'>[]): Map<string, number> {
  const lines = text.split('\n');
  const exact = new Map<string, number>();
  const keyExact = new Map<string, number>();
  const keyed = new Map<string, number[]>();
  const keyLine = (name: string, i: number) => {
    const list = keyed.get(name);
    if (!list) keyed.set(name, [i]);
    else if (list[list.length - 1] !== i) list.push(i);
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    for (const m of line.matchAll(EXACT)) {
      const id = `${m[1]}@${m[2]}`;
      if (!exact.has(id)) exact.set(id, i);
    }
    const own = KEY_EXACT.exec(line) ?? SLASHED.exec(line);
    if (own && !keyExact.has(`${own[1]}@${own[2]}`)) keyExact.set(`${own[1]}@${own[2]}`, i);
    const key = NPM_KEY.exec(line) ?? YARN_KEY.exec(line);
    if (key) keyLine(key[1]!, i);
  }
  const out = new Map<string, number>();
  for (const p of packages) {
    const id = `${p.name}@${p.version}`;
    const keys = keyed.get(p.name) ?? [];
    const withVersion = keys.find((k) => entryVersion(lines, k) === p.version);
    const line = withVersion ?? keyExact.get(id) ?? exact.get(id) ?? keys[0];
    out.set(id, (line ?? 0) + 1);
  }
  return out;
}
