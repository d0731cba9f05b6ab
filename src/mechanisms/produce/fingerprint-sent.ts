// Producer of fingerprint-sent: a fingerprint that reaches a request in the clear, one finding per
// source kind (the first sink found), unless it was already reported as sent encoded.

import type { Finding } from '../../model/finding.js';
import { traits } from '../../model/traits.js';
import { FINGERPRINT_KINDS, sourceBit, type SinkFact, type SourceFact, type SourceKind } from '../../flow/facts.js';
import type { Context } from '../context.js';
import { flowEvidence } from '../evidence.js';
import { sinkIdentity, sourceIdentity } from '../identity.js';
import { MAX_SEND_DIST, TRACE_LIMIT } from '../limits.js';
import { SENDABLE_BITS } from './hidden-exfiltration.js';
import { sentMessage, sentTitle, sinkNote, SOURCE_LABEL } from '../wording.js';

/**
 * `decisions`: nodes of targeting comparisons and lookups. A path through one carries the decision,
 * not the value read (a host picked from a table by the zone does not send the zone).
 */
export function fingerprintsSent(ctx: Context, sentEncoded: Set<SourceKind>, decisions: ReadonlyMap<number, unknown>): Finding[] {
  const g = ctx.graph;
  const sent = new Map<SourceKind, { sink: SinkFact; source: SourceFact; path: number[] }>();
  for (const s of ctx.facts.sinks) {
    if (s.kind !== 'network' && s.kind !== 'model-request') continue;
    const m = g.mask[g.find(s.node)]! & SENDABLE_BITS & ~sourceBit('host-url');
    if (!m || ctx.fpDist[g.find(s.node)]! > MAX_SEND_DIST) continue;
    for (const kind of FINGERPRINT_KINDS) {
      const bit = sourceBit(kind);
      if (!(m & bit) || sent.has(kind) || sentEncoded.has(kind)) continue;
      // The read of this kind nearest along the flow, within the distance a value is still "sent": a flow
      // nobody can follow is not reported, and the evidence shows every step from the read to the request.
      const isRead = (n: number) => ctx.sourceAt.get(n)?.some((x) => x.kind === kind && !geoUrlItself(x, s)) ?? false;
      const back = g.traceBack(g.one(s.node), bit, isRead, { limit: TRACE_LIMIT, maxTargets: 1, guide: ctx.fpDist, bound: MAX_SEND_DIST })[0];
      if (!back || back.some((n) => decisions.has(g.find(n)))) continue;
      const source = ctx.sourceAt.get(back[back.length - 1]!)!.find((x) => x.kind === kind)!;
      sent.set(kind, { sink: s, source, path: back.reverse() });
    }
  }
  const out: Finding[] = [];
  for (const [kind, { sink, source, path }] of sent) {
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

/** The geolocation service's URL in the request to it is not a value sent. */
function geoUrlItself(src: SourceFact, sink: SinkFact): boolean {
  return src.kind === 'ip-geolocation' && src.start >= sink.start && src.end <= sink.end;
}
