// Regenerates docs/rules.md from the catalogue, the severity policy and the detectors' metadata:
// `node dist/scripts/gen-rules-doc.js`. test/model/catalogue.test.ts fails when the file is stale.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { renderRulesMarkdown } from '../src/report/catalogue.js';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..');
writeFileSync(join(root, 'docs', 'rules.md'), renderRulesMarkdown());
