// Findings are matched across releases by their fingerprint: a stable identity of what a finding is about, the
// same when lines shift and identifiers are renamed by a new minification.
//
// TEMPORARY: the finding catalogue (issue 7) adds `fingerprint` to every finding. Until it is on main, this
// derives one from what a finding says (kind, category, the title with numbers blanked, and for hidden data the
// decoded text), never from names or offsets. When the field lands, delete everything here
// but `return f.fingerprint`.
import { createHash } from 'node:crypto';
import type { Finding } from '../model/finding.js';

export function fingerprintOf(f: Finding): string {
  const own = (f as { fingerprint?: unknown }).fingerprint;
  if (typeof own === 'string' && own !== '') return own;
  const decoded = f.category === 'hidden-data' ? f.decoded.map((d) => d.text).sort() : [];
  const parts = [f.ruleId, f.category, f.title.replace(/\d+/g, '#'), ...decoded];
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 16);
}
