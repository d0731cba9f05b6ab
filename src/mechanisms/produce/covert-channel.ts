// Producer of covert-channel-mechanism: one finding per group of covert choices, with the targeting
// decisions and sources behind them, the prose that carries them and where they go.

import type { Decoded, Evidence, EvidenceRole, Finding } from '../../model/finding.js';
import { setPart } from '../../model/fingerprint.js';
import { traits } from '../../model/traits.js';
import { BIT_CHOICE, BIT_HIDDEN, BIT_TARGETING, FINGERPRINT_BITS, type SourceKind, type TextFact } from '../../flow/facts.js';
import { addOnce, nearest, type Context } from '../context.js';
import type { Choice } from '../choices.js';
import { mostSignificantSink } from '../effects.js';
import { dataEvidence, targetingEvidence, type Used } from '../evidence.js';
import { targetingIdentity } from '../identity.js';
import { TEXT_NEAR_STEPS, TRACE_LIMIT } from '../limits.js';
import type { Targeting, TargetingResult } from '../targeting.js';
import { clip, covertMessage, covertTitle, readsNote, sinkNote, type CovertWords } from '../wording.js';

export function covertChannels(ctx: Context, groups: Choice[][], targeting: TargetingResult, used: Used): Finding[] {
  const out: Finding[] = [];
  for (const members of groups) {
    const f = covertChannel(ctx, members, targeting, used);
    if (f) out.push(f);
  }
  return out;
}

function covertChannel(ctx: Context, members: Choice[], targeting: TargetingResult, used: Used): Finding | null {
  const g = ctx.graph;
  const related: Evidence[] = [];
  const decoded: Decoded[] = [];
  const fingerprint = new Set<SourceKind>();
  const shown: Targeting[] = [];
  let isTargeting = false;
  let hidden = false;
  const choiceNotes: string[] = [];
  for (const { choice, mask } of members) {
    const role: EvidenceRole = choice.kind === 'format' ? 'transform' : 'choice';
    const what =
      choice.kind === 'format'
        ? `format change: ${choice.describe}`
        : `chooses between ${choice.kind === 'invisible' ? 'strings differing only by invisible characters' : 'look-alike strings'}: ${choice.describe}`;
    related.push(ctx.evidence(role, choice, what));
    choiceNotes.push(what);
    // Conditions: targeting comparisons first, then raw fingerprint sources.
    if (mask & BIT_TARGETING) {
      for (const path of g.traceBack(choice.cond, BIT_TARGETING, (n) => targeting.at.has(n), { limit: TRACE_LIMIT, guide: targeting.dist() })) {
        const t = targeting.at.get(path[path.length - 1]!)!;
        isTargeting = true;
        for (const s of t.sources) fingerprint.add(s.kind);
        if (t.data.some((d) => d.kind === 'hidden')) hidden = true;
        if (!used.targeting.has(t)) {
          targetingEvidence(ctx, t, used, related, decoded);
          shown.push(t);
        }
      }
    }
    const direct = nearest(ctx.sourcesReaching(choice.cond, mask & FINGERPRINT_BITS), choice.start).filter((s) => !fingerprint.has(s.kind));
    for (const s of direct) {
      fingerprint.add(s.kind);
      addOnce(related, ctx.evidence('source', s, readsNote(s.kind, s.detail)));
    }
    if (mask & BIT_HIDDEN) {
      for (const d of ctx.dataReaching(choice.cond, BIT_HIDDEN)) {
        hidden = true;
        if (!used.data.has(d)) dataEvidence(ctx, d, used, related, decoded);
      }
    }
  }
  // Where it goes.
  const starts = members.map((m) => m.choice.node);
  const { sink: best, steps } = mostSignificantSink(ctx, starts, BIT_CHOICE);
  const carrier = carryingText(ctx, starts);
  let inferredText = false;
  if (carrier) {
    const { text, storedAs } = carrier;
    related.push(ctx.evidence('context', text, `embedded in the text \`${clip(text.text, 120)}\`${storedAs ? `, stored as property \`${storedAs}\`` : ''}`));
    if (!best || best.kind === 'console') inferredText = best === null;
  }
  if (best) related.push(ctx.evidence('sink', best, `${sinkNote(best)} (${steps} flow steps from the choice)`));
  else if (inferredText) {
    const storedAs = carrier!.storedAs;
    related.push(
      ctx.evidence('sink', carrier!.text, `the text is kept as data${storedAs ? ` (property \`${storedAs}\`)` : ''}, not printed: it is context assembled for a request (inferred; no direct network call was traced)`),
    );
  }

  const words: CovertWords = {
    sources: [...fingerprint],
    targeting: isTargeting,
    hidden,
    choiceNotes,
    techniques: [...new Set(members.map((m) => m.choice.kind))],
    text: carrier ? { text: carrier.text.text, storedAs: carrier.storedAs } : null,
    sink: best,
    inferredText,
  };
  const identity = [
    setPart('sources', fingerprint),
    setPart('choices', members.map(({ choice }) => `${choice.kind}:${[...choice.alternatives].sort().join('|')}`)),
    ...targetingIdentity(shown),
    `effect=${best?.kind ?? (inferredText ? 'inferred-request-text' : 'none')}`,
  ];
  return ctx.finding(
    'covert-channel-mechanism',
    traits({ covertChoice: true, sources: [...fingerprint], regionDecision: isTargeting ? 'singles-out' : null, hiddenData: hidden, effect: best?.kind ?? null, inferredRequestText: inferredText }),
    identity,
    covertTitle(words),
    covertMessage(words),
    carrier?.text ?? members[0]!.choice,
    related,
    decoded,
  );
}

/** Prose a few steps from the choices that carries their output, and the property it is stored in. */
function carryingText(ctx: Context, starts: number[]): { text: TextFact; storedAs: string | null } | null {
  let text: TextFact | null = null;
  for (const n of ctx.graph.reach(starts, TEXT_NEAR_STEPS).keys()) {
    const t = ctx.textAt.get(n);
    if (t) {
      text = t[0]!;
      break;
    }
  }
  if (!text) return null;
  for (const n of ctx.graph.reach([text.node], TEXT_NEAR_STEPS).keys()) {
    const p = ctx.properties.get(n);
    if (p !== undefined) return { text, storedAs: p };
  }
  return { text, storedAs: null };
}
