// The pipeline's dependency direction: a stage imports only from stages below it. A new folder under
// src/ must be placed in LAYERS; an import that runs backwards fails here with the file that has it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, normalize, relative, sep } from 'node:path';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..');
const src = join(root, 'src');

/** Lower layers first. Folders of one layer do not import each other. */
const LAYERS: string[][] = [
  ['model', 'version'],
  ['files'],
  ['data', 'decode', 'parse', 'flow', 'acquire'],
  ['analyze'],
  ['mechanisms'],
  ['audit'],
  ['report', 'jobs'],
  ['probe', 'history'],
  ['cli'],
  ['bin'],
];

function layerOf(folder: string): number {
  return LAYERS.findIndex((l) => l.includes(folder));
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** `src/<folder>/…` → folder; `src/cli.ts` → `cli`. */
function folderOf(path: string): string {
  return relative(src, path).split(sep)[0]!.replace(/\.ts$/, '');
}

test('architecture: every folder of src/ has a layer', () => {
  const folders = [...new Set(files(src).map(folderOf))];
  assert.deepEqual(folders.filter((f) => layerOf(f) < 0), []);
});

test('architecture: imports run from higher stages to lower ones only', () => {
  const backwards: string[] = [];
  for (const file of files(src)) {
    const from = folderOf(file);
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const to = folderOf(normalize(join(dirname(file), m[1]!.replace(/\.js$/, '.ts'))));
      if (to === from) continue;
      if (layerOf(to) >= layerOf(from)) backwards.push(`${relative(root, file)} imports ${m[1]} (${from} → ${to})`);
    }
  }
  assert.deepEqual(backwards, []);
});
