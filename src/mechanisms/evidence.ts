// Evidence steps shared by several producers: a targeting comparison with its sources and data, and
// region or hidden data with its decoder.

import type { Decoded, Evidence } from '../model/finding.js';
import type { DataFact } from '../flow/facts.js';
import { addOnce, type Context } from './context.js';
import type { Targeting } from './targeting.js';
import { clip, countryNote, labels, listPreview, readsNote } from './wording.js';

/** Facts already shown in a finding: later producers report only what is left. */
export interface Used {
  targeting: Set<Targeting>;
  data: Set<DataFact>;
}

export function targetingEvidence(ctx: Context, t: Targeting, used: Used, related: Evidence[], decoded: Decoded[]): void {
  used.targeting.add(t);
  const values = t.data.map((d) => (d.kind === 'hidden' ? `decoded list (${listPreview(d.text)})` : JSON.stringify(d.text) + countryNote(d.countries)));
  related.push(ctx.evidence('condition', t.compare, `${labels(t.sources.map((s) => s.kind))} compared (${t.compare.op}) with ${clip(values.join(', '), 200)}`));
  for (const s of t.sources) addOnce(related, ctx.evidence('source', s, readsNote(s.kind, s.detail)));
  for (const d of t.data) dataEvidence(ctx, d, used, related, decoded);
}

export function dataEvidence(ctx: Context, d: DataFact, used: Used, related: Evidence[], decoded: Decoded[]): void {
  used.data.add(d);
  if (d.kind === 'hidden') {
    addOnce(related, ctx.evidence('encoding', d, `encoded literal (${d.decoded?.encoding ?? 'encoded'}) decodes to ${clip(d.text, 160)}${countryNote(d.countries)}`));
    if (d.decoder) addOnce(related, ctx.evidence('decoder', d.decoder, 'decoding routine'));
    if (d.decoded && !decoded.some((x) => x.text === d.decoded!.text)) decoded.push(d.decoded);
  } else {
    addOnce(related, ctx.evidence('data', d, `region data ${JSON.stringify(d.text)}${countryNote(d.countries)}`));
  }
}
