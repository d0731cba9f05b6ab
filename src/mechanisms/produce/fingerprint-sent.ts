// Producer of fingerprint-sent: a fingerprint that reaches a request in the clear, one finding per
// source kind (the first sink found), unless it was already reported as sent encoded.

import type { Finding } from '../../model/finding.js';
import { traits } from '../../model/traits.js';
import { sourceBit, type SinkFact, type SourceFact, type SourceKind } from '../../flow/facts.js';
import { nearest, type Context } from '../context.js';
import { flowEvidence } from '../evidence.js';
import { pathBetween } from '../effects.js';
import { sinkIdentity, sourceIdentity } from '../identity.js';
import { MAX_SEND_DIST } from '../limits.js';
import { SENDABLE_BITS } from './hidden-exfiltration.js';
import { sentMessage, sentTitle, sinkNote, SOURCE_LABEL } from '../wording.js';

/**
 * `decisions`: nodes of targeting comparisons and lookups. A path through one carries the decision,
 * not the value read (a host picked from a table by the zone does not send the zone).
 */
export function fingerprintsSent(ctx: Context, sentEncoded: Set<SourceKind>, decisions: ReadonlyMap<number, unknown>): Finding[] {
  const g = ctx.graph;
  const sent = new Map<SourceKind, { sink: SinkFact; source: SourceFact }>();
  for (const s of ctx.facts.sinks) {
    if (s.kind !== 'network' && s.kind !== 'model-request') continue;
    const m = g.mask[g.find(s.node)]! & SENDABLE_BITS;
    if (!m || ctx.fpDist[g.find(s.node)]! > MAX_SEND_DIST) continue;
    for (const src of nearest(ctx.sourcesReaching(g.one(s.node), m & ~sourceBit('host-url')), s.start)) {
      if (src.kind === 'ip-geolocation' && src.start >= s.start && src.end <= s.end) continue; // the geo-IP URL itself
      if (!sent.has(src.kind) && !sentEncoded.has(src.kind)) sent.set(src.kind, { sink: s, source: src });
    }
  }
  const out: Finding[] = [];
  for (const [kind, { sink, source }] of sent) {
    // A flow nobody can follow is not reported: the evidence shows every step from the read to the request.
    const path = pathBetween(ctx, source.node, sink.node, sourceBit(kind));
    if (!path || path.some((n) => decisions.has(g.find(n)))) continue;
    const related = [ctx.evidence('source', source, `reads the ${SOURCE_LABEL[kind]}`)];
    flowEvidence(ctx, path, [source, sink], related);
    related.push(ctx.evidence('sink', sink, `${sinkNote(sink)} (${path.length - 1} flow steps from the read)`));
    const f = ctx.finding(
      'fingerprint-sent',
      traits({ sources: [kind], effect: sink.kind }),
      [`source=${sourceIdentity(source)}`, `sink=${sinkIdentity(sink)}`],
      sentTitle(kind, sink),
      sentMessage(kind, source.detail, sink),
      sink,
      related,
      [],
    );
    if (f) out.push(f);
  }
  return out;
}
