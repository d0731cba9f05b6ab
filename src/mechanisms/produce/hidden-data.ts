// Producers of hidden-data and obfuscated-fingerprinting: decoded data no decision used, reported on
// its own when it is long enough to matter or names a fingerprint source.

import type { Decoded, Evidence, Finding } from '../../model/finding.js';
import { traits } from '../../model/traits.js';
import type { Context } from '../context.js';
import { dataEvidence, type Used } from '../evidence.js';
import { MIN_HIDDEN_MATCH } from '../limits.js';
import { hiddenMessage, hiddenTitle } from '../wording.js';

export function hiddenData(ctx: Context, used: Used): Finding[] {
  const out: Finding[] = [];
  for (const d of ctx.facts.data) {
    if (d.kind !== 'hidden' || used.data.has(d)) continue;
    // A digest no fingerprint is compared with is a checksum; a named one is shown with its name.
    if (d.digest && !d.digest.named) continue;
    if (d.text.length < MIN_HIDDEN_MATCH && !d.namesSource) continue;
    const related: Evidence[] = [];
    const decoded: Decoded[] = [];
    dataEvidence(ctx, d, used, related, decoded);
    const f = ctx.finding(
      d.namesSource ? 'obfuscated-fingerprinting' : 'hidden-data',
      traits({ hiddenContent: d.namesSource ? 'source-names' : d.countries.length > 0 ? 'region' : 'text' }),
      [`decoded=${d.text.trim().slice(0, 4000)}`],
      hiddenTitle(d.namesSource, d.countries),
      hiddenMessage(d.decoded?.encoding, d.text),
      d,
      related,
      decoded,
    );
    if (f) out.push(f);
  }
  return out;
}
