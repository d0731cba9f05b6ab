// Producer of region-targeting: targeting comparisons not part of a covert channel, grouped by
// proximity in the file, with the effect the decision has nearby. The same decision made again
// elsewhere in the file (the same data compared, the same kind of effect: a bundle's copies of one
// module, one helper inlined at each call site) is one mechanism, reported once with every place.

import type { Decoded, Evidence, Finding } from '../../model/finding.js';
import { setPart } from '../../model/fingerprint.js';
import { traits, SOURCE_KINDS, type EffectKind, type RegionDecision } from '../../model/traits.js';
import { BIT_TARGETING, type SinkFact, type SourceKind } from '../../flow/facts.js';
import type { Context } from '../context.js';
import { mostSignificantSink } from '../effects.js';
import { flowEvidence, targetingEvidence, type Used } from '../evidence.js';
import { targetingIdentity } from '../identity.js';
import { CLUSTER_CHARS, MAX_EFFECT_DIST, MAX_LOCALE_EFFECT_DIST, MAX_REPEAT_EVIDENCE } from '../limits.js';
import type { Targeting, TargetingResult } from '../targeting.js';
import { regionTargetingMessage, regionTargetingTitle, repeatNote, repeatsMessage, sinkNote } from '../wording.js';

/** Effects that show or keep text: an effect of a decision only when the decision decides whether they happen. */
const DISPLAY_EFFECTS: ReadonlySet<EffectKind> = new Set(['console', 'dom', 'file']);

/** One cluster of comparisons with its evidence and effect, before repeats are merged. */
interface Decision {
  cluster: Targeting[];
  related: Evidence[];
  decoded: Decoded[];
  kinds: Set<SourceKind>;
  hidden: boolean;
  sink: SinkFact | null;
  decision: RegionDecision;
  /** What makes two decisions the same mechanism: the data compared, how it is used and the kind of effect. */
  key: string;
}

export function regionTargeting(ctx: Context, targeting: TargetingResult, used: Used): Finding[] {
  const groups = new Map<string, Decision[]>();
  const leftover = targeting.list.filter((t) => !used.targeting.has(t)).sort((a, b) => a.compare.start - b.compare.start);
  for (let i = 0; i < leftover.length; ) {
    let j = i + 1;
    while (j < leftover.length && leftover[j]!.compare.start - leftover[j - 1]!.compare.end < CLUSTER_CHARS) j++;
    const d = decide(ctx, leftover.slice(i, j), used);
    i = j;
    if (!d) continue;
    const same = groups.get(d.key);
    if (same) same.push(d);
    else groups.set(d.key, [d]);
  }
  const out: Finding[] = [];
  for (const repeats of groups.values()) {
    const f = report(ctx, repeats);
    if (f) out.push(f);
  }
  return out;
}

function decide(ctx: Context, cluster: Targeting[], used: Used): Decision | null {
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
  if (localeOnly && !sink) return null;
  // Every region mapped somewhere (tables of regions to values) is routing; any list of some regions singles them out.
  const decision: RegionDecision = !sink && formatted && !hidden ? 'format-only' : cluster.every((t) => t.decision === 'partition') ? 'partition' : 'singles-out';
  if (sink) {
    flowEvidence(ctx, path, [...cluster.map((t) => t.compare), sink], related);
    related.push(ctx.evidence('sink', sink, `${sinkNote(sink)} (${steps} flow steps from the comparison)`));
  }
  const data = cluster.flatMap((t) => t.data);
  const key = [setPart('data', data.map((d) => `${d.kind}:${d.text}`)), `decision=${decision}`, `effect=${sink?.kind ?? 'none'}`].join('\0');
  return { cluster, related, decoded, kinds, hidden, sink: sink ?? null, decision, key };
}

/** One finding for a decision and its repeats: the first place with its evidence, the others as more places. */
function report(ctx: Context, repeats: Decision[]): Finding | null {
  const [first, ...more] = repeats as [Decision, ...Decision[]];
  // Source kinds read for the same decision differ between copies only in how far the flow reached: all of them are named.
  const kinds = SOURCE_KINDS.filter((k) => repeats.some((d) => d.kinds.has(k)));
  const cluster = repeats.flatMap((d) => d.cluster);
  const related = [...first.related];
  for (const d of more.slice(0, MAX_REPEAT_EVIDENCE)) {
    const c = d.cluster[0]!.compare;
    related.push(ctx.evidence('condition', c, repeatNote(d.sink)));
  }
  const { hidden, sink, decision } = first;
  const countries = [...new Set(cluster.flatMap((t) => t.data.flatMap((d) => d.countries)))];
  const unnamed = [...new Set(cluster.flatMap((t) => t.data.filter((d) => d.regionKind === 'geo-id').map((d) => d.text)))];
  const message = regionTargetingMessage(kinds, hidden, sink, decision === 'partition');
  const f = ctx.finding(
    'region-targeting',
    traits({ sources: kinds, regionDecision: decision, hiddenData: hidden, effect: sink?.kind ?? null }),
    [setPart('sources', kinds), ...targetingIdentity(cluster), `effect=${sink?.kind ?? 'none'}`, ...(decision === 'partition' ? ['decision=partition'] : [])],
    regionTargetingTitle(kinds, hidden, countries, decision === 'partition', unnamed),
    more.length > 0 ? message + repeatsMessage(more.length) : message,
    first.cluster[0]!.compare,
    related,
    first.decoded,
  );
  if (f && more.length > 0) f.alsoAt = more.map((d) => ({ ...ctx.lines.locate(d.cluster[0]!.compare.start), file: ctx.file }));
  return f;
}
