// Producer of region-targeting: targeting comparisons not part of a covert channel, grouped by
// proximity in the file, with the effect the decision has nearby.

import type { Decoded, Evidence, Finding } from '../../model/finding.js';
import { setPart } from '../../model/fingerprint.js';
import { traits, type EffectKind, type RegionDecision } from '../../model/traits.js';
import { BIT_TARGETING, type SourceKind } from '../../flow/facts.js';
import type { Context } from '../context.js';
import { mostSignificantSink } from '../effects.js';
import { flowEvidence, targetingEvidence, type Used } from '../evidence.js';
import { targetingIdentity } from '../identity.js';
import { CLUSTER_CHARS, MAX_EFFECT_DIST, MAX_LOCALE_EFFECT_DIST } from '../limits.js';
import type { TargetingResult } from '../targeting.js';
import { regionTargetingMessage, regionTargetingTitle, sinkNote } from '../wording.js';

/** Effects that show or keep text: an effect of a decision only when the decision decides whether they happen. */
const DISPLAY_EFFECTS: ReadonlySet<EffectKind> = new Set(['console', 'dom', 'file']);

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
    // Picking a language from the locale is what i18n does: text printed or shown in that language is
    // not an effect of a decision about the user; anything else it changes is.
    const localeOnly = !hidden && [...kinds].every((k) => k === 'locale');
    // The decision's effect must be near it: an effect on the branch (or in a function called there),
    // or one that uses what it chose. Text printed, shown or written is an effect when the decision
    // decides whether it happens; when the decision only picks the words, it formats a value.
    let formatted = false;
    const { sink, steps, path } = mostSignificantSink(
      ctx,
      cluster.map((t) => t.compare.node),
      BIT_TARGETING,
      localeOnly ? MAX_LOCALE_EFFECT_DIST : MAX_EFFECT_DIST,
      (s, p) => {
        if (!DISPLAY_EFFECTS.has(s.kind)) return true;
        // Guarded: the last step into the effect is the decision (a branch, or a function called on one).
        const guarded = p.length >= 2 && ctx.graph.controlOnly(p[p.length - 2]!, p[p.length - 1]!);
        if (localeOnly || !guarded) {
          formatted = true;
          return false;
        }
        return true;
      },
    );
    if (localeOnly && !sink) continue;
    // Every region mapped somewhere (tables of regions to values) is routing; any list of some regions singles them out.
    const decision: RegionDecision = !sink && formatted && !hidden ? 'format-only' : cluster.every((t) => t.decision === 'partition') ? 'partition' : 'singles-out';
    if (sink) {
      flowEvidence(ctx, path, [...cluster.map((t) => t.compare), sink], related);
      related.push(ctx.evidence('sink', sink, `${sinkNote(sink)} (${steps} flow steps from the comparison)`));
    }
    const countries = [...new Set(cluster.flatMap((t) => t.data.flatMap((d) => d.countries)))];
    const f = ctx.finding(
      'region-targeting',
      traits({ sources: [...kinds], regionDecision: decision, hiddenData: hidden, effect: sink?.kind ?? null }),
      [setPart('sources', kinds), ...targetingIdentity(cluster), `effect=${sink?.kind ?? 'none'}`, ...(decision === 'partition' ? ['decision=partition'] : [])],
      regionTargetingTitle([...kinds], hidden, countries, decision === 'partition'),
      regionTargetingMessage([...kinds], hidden, sink, decision === 'partition'),
      cluster[0]!.compare,
      related,
      decoded,
    );
    if (f) out.push(f);
  }
  return out;
}
