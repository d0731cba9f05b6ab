// Stage 1: push fingerprint sources, region data and hidden data forward through the flow graph, and
// measure how far every node is from a fingerprint read and from region/hidden data.

import { BIT_DOMAIN, BIT_HIDDEN, BIT_LOCALE, BIT_REGION, BIT_ZONE, DOMAIN_DATA, FINGERPRINT_BITS, LOCALE_DATA, isRegionEvidence, ZONE_DATA, sourceBit } from '../flow/facts.js';
import type { Context } from './context.js';

export function propagateTaint(ctx: Context): void {
  const { graph: g, facts: f } = ctx;
  const byKind = new Map<number, number[]>();
  for (const s of f.sources) {
    // Capability sources (platform, CI) are inventory: nothing downstream reads their taint.
    if (s.node < 0 || !(sourceBit(s.kind) & FINGERPRINT_BITS)) continue;
    const bit = sourceBit(s.kind);
    const list = byKind.get(bit);
    if (list) list.push(s.node);
    else byKind.set(bit, [s.node]);
  }
  for (const [bit, nodes] of byKind) g.propagate(nodes, bit);
  g.propagate(f.data.filter((d) => d.kind === 'region' || d.countries.length > 0).map((d) => d.node), BIT_REGION);
  const ofKinds = (kinds: ReadonlySet<string>) => f.data.filter((d) => d.regionKind !== undefined && kinds.has(d.regionKind)).map((d) => d.node);
  g.propagate(ofKinds(ZONE_DATA), BIT_ZONE);
  g.propagate(ofKinds(LOCALE_DATA), BIT_LOCALE);
  g.propagate(ofKinds(DOMAIN_DATA), BIT_DOMAIN);
  g.propagate(f.data.filter((d) => d.kind === 'hidden').map((d) => d.node), BIT_HIDDEN);
  ctx.fpDist = g.distances(f.sources.filter((s) => s.node >= 0 && sourceBit(s.kind) & FINGERPRINT_BITS).map((s) => s.node));
  ctx.dataDist = g.distances(f.data.filter(isRegionEvidence).map((d) => d.node));
}
