// Producer of hidden-exfiltration: a fingerprint that goes through an encoder (base64, hex, XOR) on
// its way into a request. The source kinds it reports are not reported again as sent in the clear.

import type { Finding } from '../../model/finding.js';
import { setPart } from '../../model/fingerprint.js';
import { traits } from '../../model/traits.js';
import { BIT_ENCODED, FINGERPRINT_BITS, sourceBit, type SourceFact, type SourceKind } from '../../flow/facts.js';
import { nearest, type Context } from '../context.js';
import { pathBetween } from '../effects.js';
import { flowEvidence } from '../evidence.js';
import { sinkIdentity, sourceIdentity } from '../identity.js';
import { MAX_EFFECT_DIST, MAX_SOURCE_DIST, TRACE_LIMIT } from '../limits.js';
import { exfiltrationMessage, exfiltrationTitle, readsNote, sinkNote } from '../wording.js';

/** A configured endpoint is what requests are for: it is never "sent" by being used. */
export const SENDABLE_BITS = FINGERPRINT_BITS & ~sourceBit('host-url');

export function hiddenExfiltration(ctx: Context): { findings: Finding[]; kinds: Set<SourceKind> } {
  const { graph: g, facts: f } = ctx;
  const findings: Finding[] = [];
  const kinds = new Set<SourceKind>();
  const seeds = f.encoders.filter((e) => g.maskOf(g.one(e.node)) & SENDABLE_BITS && g.distOf(ctx.fpDist, g.one(e.node)) <= MAX_SOURCE_DIST).map((e) => e.node);
  if (seeds.length === 0) return { findings, kinds };
  g.propagate(seeds, BIT_ENCODED, MAX_EFFECT_DIST);
  const reported = new Set<number>();
  for (const s of f.sinks) {
    if ((s.kind !== 'network' && s.kind !== 'model-request') || !(g.mask[g.find(s.node)]! & BIT_ENCODED)) continue;
    const path = g.traceBack(g.one(s.node), BIT_ENCODED, (n) => ctx.encoderAt.has(n), { limit: TRACE_LIMIT, maxTargets: 1 })[0];
    if (!path) continue;
    const enc = ctx.encoderAt.get(path[path.length - 1]!)![0]!;
    if (reported.has(enc.start)) continue;
    reported.add(enc.start);
    const sources = nearest(ctx.sourcesReaching(g.one(enc.node), g.maskOf(g.one(enc.node)) & SENDABLE_BITS), enc.start);
    if (sources.length === 0) continue;
    // Every step from the read to the encoder and on to the request is shown; a source whose path to
    // the encoder cannot be traced is not joined to it.
    const toEncoder = new Map<SourceFact, number[]>();
    for (const x of sources) {
      const p = pathBetween(ctx, x.node, enc.node, sourceBit(x.kind), MAX_SOURCE_DIST);
      if (p) toEncoder.set(x, p);
    }
    if (toEncoder.size === 0) continue;
    for (const x of toEncoder.keys()) kinds.add(x.kind);
    const sourceKinds = [...new Set([...toEncoder.keys()].map((x) => x.kind))];
    const related = [...toEncoder.keys()].map((x) => ctx.evidence('source', x, readsNote(x.kind, x.detail)));
    for (const p of toEncoder.values()) flowEvidence(ctx, p, [...toEncoder.keys(), enc], related);
    related.push(ctx.evidence('encoding', enc, `encodes it: ${enc.detail}`));
    flowEvidence(ctx, [...path].reverse(), [enc, s], related);
    related.push(ctx.evidence('sink', s, `${sinkNote(s)} (${path.length - 1} flow steps from the encoder)`));
    const finding = ctx.finding(
      'hidden-exfiltration',
      traits({ encodedOnTheWay: true, sources: sourceKinds, effect: s.kind }),
      [setPart('sources', [...toEncoder.keys()].map(sourceIdentity)), `encoder=${enc.detail}`, `sink=${sinkIdentity(s)}`],
      exfiltrationTitle(sourceKinds, enc.detail, s),
      exfiltrationMessage(sourceKinds, enc.detail, s),
      enc,
      related,
      [],
    );
    if (finding) findings.push(finding);
  }
  return { findings, kinds };
}
