// Producer of region-targeting: targeting comparisons not part of a covert channel, grouped by
// proximity in the file, with the effect the decision has nearby.

import type { Decoded, Evidence, Finding } from '../../model/finding.js';
import { setPart } from '../../model/fingerprint.js';
import { traits } from '../../model/traits.js';
import { BIT_TARGETING, type SourceKind } from '../../flow/facts.js';
import type { Context } from '../context.js';
import { mostSignificantSink } from '../effects.js';
import { targetingEvidence, type Used } from '../evidence.js';
import { targetingIdentity } from '../identity.js';
import { CLUSTER_CHARS, MAX_EFFECT_DIST } from '../limits.js';
import type { TargetingResult } from '../targeting.js';
import { regionTargetingMessage, regionTargetingTitle, sinkNote } from '../wording.js';

export function regionTargeting(ctx: Context, targeting: TargetingResult, used: Used): Finding[] {
  const out: Finding[] = [];
  const leftover = targeting.list.filter((t) => !used.targeting.has(t)).sort((a, b) => a.compare.start - b.compare.start);
  for (let i = 0; i < leftover.length; ) {
    let j = i + 1;
    while (j < leftover.length && leftover[j]!.compare.start - leftover[j - 1]!.compare.end < CLUSTER_CHARS) j++;
    const cluster = leftover.slice(i, j);
    i = j;
    const related: Evidence[] = [];
    const decoded: Decoded[] = [];
    const kinds = new Set<SourceKind>();
    let hidden = false;
    for (const t of cluster) {
      targetingEvidence(ctx, t, used, related, decoded);
      for (const s of t.sources) kinds.add(s.kind);
      if (t.data.some((d) => d.kind === 'hidden')) hidden = true;
    }
    // The decision's effect must be near it: a request made in the branch, or with what it chose.
    const { sink, steps } = mostSignificantSink(
      ctx,
      cluster.map((t) => t.compare.node),
      BIT_TARGETING,
      MAX_EFFECT_DIST,
    );
    // Picking a language from the locale is what i18n does; it matters only when it changes a request.
    if (!hidden && !sink && [...kinds].every((k) => k === 'locale')) continue;
    if (sink) related.push(ctx.evidence('sink', sink, `${sinkNote(sink)} (${steps} flow steps from the comparison)`));
    const countries = [...new Set(cluster.flatMap((t) => t.data.flatMap((d) => d.countries)))];
    const f = ctx.finding(
      'region-targeting',
      traits({ sources: [...kinds], regionDecision: 'singles-out', hiddenData: hidden, effect: sink?.kind ?? null }),
      [setPart('sources', kinds), ...targetingIdentity(cluster), `effect=${sink?.kind ?? 'none'}`],
      regionTargetingTitle([...kinds], hidden, countries),
      regionTargetingMessage([...kinds], hidden, sink),
      cluster[0]!.compare,
      related,
      decoded,
    );
    if (f) out.push(f);
  }
  return out;
}
