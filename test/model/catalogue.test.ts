// Meta-tests of the finding catalogue: every kind is documented (docs/rules.md is generated from the
// catalogue and must be current), tested (named in a test outside this folder), listed by
// `telltale rules --format json`, and ranked only by rows that exist.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { CATALOGUE, FINDING_KINDS } from '../../src/model/catalogue.js';
import { POLICY_ROWS } from '../../src/model/severity-policy.js';
import { renderRulesMarkdown } from '../../src/report/catalogue.js';
import { main } from '../../src/cli.js';
import { UserError } from '../../src/model/errors.js';

async function rules(args: string[]): Promise<string> {
  let out = '';
  const code = await main(['rules', ...args], { stdout: (s) => (out += s), stderr: () => {}, isTTY: false });
  assert.equal(code, 0);
  return out;
}

const root = join(fileURLToPath(import.meta.url), '..', '..', '..', '..');

function testSources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) {
      if (e !== 'model' && e !== 'fixtures') out.push(...testSources(p));
    } else if (e.endsWith('.ts')) out.push(readFileSync(p, 'utf8'));
  }
  return out;
}

test('catalogue: kinds are sorted and unique', () => {
  assert.deepEqual([...FINDING_KINDS], [...new Set(FINDING_KINDS)].sort());
});

test('catalogue: docs/rules.md is generated from the catalogue and current (node dist/scripts/gen-rules-doc.js)', () => {
  assert.equal(readFileSync(join(root, 'docs', 'rules.md'), 'utf8'), renderRulesMarkdown());
  for (const k of FINDING_KINDS) assert.ok(CATALOGUE[k].docs.length > 40, `${k}: docs too short`);
});

test('catalogue: every kind is named in a test', () => {
  const sources = testSources(join(root, 'test'));
  const untested = FINDING_KINDS.filter((k) => !sources.some((s) => s.includes(`'${k}'`)));
  assert.deepEqual(untested, []);
});

test('catalogue: every kind is ranked by rows of the severity policy', () => {
  const rows = new Set<string>(POLICY_ROWS.map((r) => r.id));
  for (const k of FINDING_KINDS) {
    assert.ok(CATALOGUE[k].rows.length > 0, k);
    for (const r of CATALOGUE[k].rows) assert.ok(rows.has(r), `${k}: unknown row ${r}`);
  }
});

test('telltale rules --format json lists every kind with its rows, and the detectors', async () => {
  const doc = JSON.parse(await rules(['--format', 'json'])) as { kinds: { id: string; rows: { id: string }[] }[]; detectors: { id: string }[]; policy: unknown[] };
  assert.deepEqual(doc.kinds.map((k) => k.id), [...FINDING_KINDS]);
  for (const k of ['covert-channel-mechanism', 'fingerprint-sent', 'hidden-exfiltration']) assert.ok(doc.kinds.some((x) => x.id === k), k);
  assert.ok(doc.detectors.some((d) => d.id === 'env-read'));
  assert.equal(doc.policy.length, POLICY_ROWS.length);
  const text = await rules([]);
  assert.match(text, /^ {2}covert-channel-mechanism +static +critical\/high\/medium\/none /m);
  await assert.rejects(rules(['--format', 'yaml']), UserError);
});
