// Evidence steps shared by several producers: a targeting comparison with its sources and data, and
// region or hidden data with its decoder.

import type { Decoded, Evidence } from '../model/finding.js';
import type { DataFact, Span } from '../flow/facts.js';
import { addOnce, type Context } from './context.js';
import { MAX_FLOW_STEPS } from './limits.js';
import type { Targeting } from './targeting.js';
import { clip, countryNote, dataText, digestNote, labels, listPreview, readingNote, readsNote } from './wording.js';

/** Facts already shown in a finding: later producers report only what is left. */
export interface Used {
  targeting: Set<Targeting>;
  data: Set<DataFact>;
}

export function targetingEvidence(ctx: Context, t: Targeting, used: Used, related: Evidence[], decoded: Decoded[]): void {
  used.targeting.add(t);
  const values = t.data.map((d) =>
    d.kind === 'hidden'
      ? `decoded list (${listPreview(d.text)})`
      : d.table
        ? `a table of ${d.table.keys} regions (${listPreview(d.text)})${countryNote(d.countries)}`
        : dataText(d.text) + readingNote(d) + countryNote(d.countries),
  );
  const how =
    t.compare.op === 'lookup' ? (t.decision === 'partition' ? 'looked up in' : 'looked up in the set') : t.compare.op === 'case' ? 'matched by a switch case with' : `compared (${t.compare.op}) with`;
  related.push(ctx.evidence('condition', t.compare, `${labels(t.sources.map((s) => s.kind))} ${how} ${clip(values.join(', '), 200)}`));
  for (const s of t.sources) addOnce(related, ctx.evidence('source', s, readsNote(s.kind, s.detail)));
  for (const d of t.data) dataEvidence(ctx, d, used, related, decoded);
}

export function dataEvidence(ctx: Context, d: DataFact, used: Used, related: Evidence[], decoded: Decoded[]): void {
  used.data.add(d);
  if (d.kind === 'hidden' && d.digest) {
    addOnce(related, ctx.evidence('encoding', d, digestNote(d.digest.algorithm, d.digest.named ? d.text : null) + countryNote(d.countries)));
    if (d.decoder) addOnce(related, ctx.evidence('decoder', d.decoder, 'hashing routine: the value compared is hashed first, so the list can be matched but not read'));
    if (d.decoded && !decoded.some((x) => x.text === d.decoded!.text)) decoded.push(d.decoded);
  } else if (d.kind === 'hidden') {
    addOnce(related, ctx.evidence('encoding', d, `encoded literal (${d.decoded?.encoding ?? 'encoded'}) decodes to ${clip(d.text, 160)}${countryNote(d.countries)}`));
    if (d.decoder) addOnce(related, ctx.evidence('decoder', d.decoder, 'decoding routine'));
    if (d.decoded && !decoded.some((x) => x.text === d.decoded!.text)) decoded.push(d.decoded);
  } else if (d.table) {
    addOnce(related, ctx.evidence('data', { start: d.start, end: Math.min(d.end, d.start + 160) }, `${d.table.membership ? 'a set' : 'a table'} keyed by ${d.table.keys} regions${countryNote(d.countries)}`));
  } else {
    addOnce(related, ctx.evidence('data', d, `region data ${dataText(d.text)}${readingNote(d)}${countryNote(d.countries)}`));
  }
}

/**
 * The steps of a flow path (graph nodes, in order) as evidence: file:line and the code at each step
 * that has code of its own, role `flow`. Steps inside `shown` spans (the source, the comparison, the
 * sink, already in the evidence) are left out; a long path keeps its first and last steps.
 */
export function flowEvidence(ctx: Context, path: readonly number[], shown: readonly Span[], related: Evidence[]): void {
  const offsets: number[] = [];
  for (const n of path) {
    const o = ctx.graph.origin(n);
    if (o < 0 || offsets.includes(o) || shown.some((s) => o >= s.start && o < s.end)) continue;
    offsets.push(o);
  }
  const keep = offsets.length <= MAX_FLOW_STEPS ? offsets : [...offsets.slice(0, MAX_FLOW_STEPS / 2), ...offsets.slice(-MAX_FLOW_STEPS / 2)];
  keep.forEach((o, i) => {
    const skipped = offsets.length - keep.length;
    const note = `flow step ${i + 1} of ${keep.length}${skipped > 0 && i === MAX_FLOW_STEPS / 2 ? ` (${skipped} steps between left out)` : ''}`;
    const eol = ctx.text.indexOf('\n', o);
    const end = Math.min(o + FLOW_EXCERPT, eol < 0 ? ctx.text.length : eol);
    const code = ctx.text.slice(o, end).replace(/\s+/g, ' ').trim();
    addOnce(related, { role: 'flow', location: ctx.lines.locate(o), note, excerpt: end < eol ? code + '…' : code });
  });
}

/** Characters of code shown at a flow step (the graph keeps where a step starts, not where it ends). */
const FLOW_EXCERPT = 120;
