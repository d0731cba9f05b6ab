// Meta-tests: every rule file is registered, documented and has a test table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { RULES } from '../../src/analyze/registry.js';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..', '..');

test('every rule file is registered, in sorted order, with id = file name', () => {
  const files = readdirSync(join(root, 'src', 'analyze', 'rules'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.replace(/\.ts$/, ''))
    .sort();
  assert.deepEqual(
    RULES.map((r) => r.meta.id),
    files,
  );
});

test('every rule is documented in docs/rules.md and has a test table', () => {
  const docs = readFileSync(join(root, 'docs', 'rules.md'), 'utf8');
  for (const r of RULES) {
    assert.ok(docs.includes(`### ${r.meta.id}\n`), `docs/rules.md lacks ${r.meta.id}`);
    assert.ok(r.meta.docs.length > 40, `${r.meta.id} docs too short`);
    assert.ok(existsSync(join(root, 'test', 'analyze', 'rules', `${r.meta.id}.test.ts`)), `no test table for ${r.meta.id}`);
  }
});
