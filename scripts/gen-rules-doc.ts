// Regenerates docs/rules.md from the rules' own metadata: `node dist/scripts/gen-rules-doc.js`.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { RULES } from '../src/analyze/registry.js';
import { meta as installMeta } from '../src/analyze/package/install-scripts.js';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..');
const parts = [
  '# Rules',
  '',
  'Generated from each rule\'s metadata by `scripts/gen-rules-doc.ts`. AST rules are detectors: they record facts',
  '(sources, region data, encoded literals, choices, sinks) during the one shared walk. Severities of flow findings are',
  'decided by `src/mechanisms/severity.ts` (see [report-format.md](report-format.md)).',
  '',
];
for (const r of [...RULES.map((r) => r.meta), installMeta]) {
  parts.push(`## ${r.id}`, '', `*${r.category}* — ${r.description}`, '', r.docs, '');
}
writeFileSync(join(root, 'docs', 'rules.md'), parts.join('\n'));
