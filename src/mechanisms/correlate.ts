// Turns one file's facts and flow graph into ranked findings with evidence chains.
//
// 1. taint: fingerprint sources, region data and hidden data are pushed forward through the graph;
// 2. targeting: comparisons with a fingerprint on one side and region/hidden data on the other;
// 3. covert choices: look-alike/invisible choices conditioned on a fingerprint, format changes
//    conditioned on targeting; choices that flow together form one mechanism;
// 4. sinks: where the mechanism's output goes (network, model request, or prose stored as data);
// 5. everything left over that still matters (plain targeting, fingerprints sent, hidden data).

import type { Decoded, Evidence, EvidenceRole, Finding } from '../model/finding.js';
import type { FindingKind } from '../model/catalogue.js';
import { createFinding } from '../model/create-finding.js';
import { setPart } from '../model/fingerprint.js';
import { effectRank, traits, type Traits } from '../model/traits.js';
import {
  BIT_CHOICE,
  BIT_HIDDEN,
  BIT_REGION,
  BIT_TARGETING,
  BIT_ZONE,
  BIT_LOCALE,
  BIT_ENCODED,
  FINGERPRINT_BITS,
  sourceBit,
  type ChoiceFact,
  type CompareFact,
  type DataFact,
  type Facts,
  type SinkFact,
  type SourceFact,
  type SourceKind,
  type Span,
  type TextFact,
} from '../flow/facts.js';
import type { FlowGraph, Val } from '../flow/graph.js';
import { excerpt, type LineIndex } from '../files/lines.js';
import { countryName } from '../data/region.js';

export interface CorrelateInput {
  file: string;
  text: string;
  lines: LineIndex;
  graph: FlowGraph;
  facts: Facts;
  properties: Map<number, string>;
}

interface Targeting {
  compare: CompareFact;
  sources: SourceFact[];
  data: DataFact[];
}

const TRACE_LIMIT = 20_000;
/** How far (in flow steps) a compared value may be from the fingerprint read, and the data from its literal. */
const MAX_SOURCE_DIST = 20;
const MAX_DATA_DIST = 24;
const MAX_LITERAL_DIST = 6;
const MAX_OFFSET_DIST = 4;
/** How far from a region comparison a request may be and still count as its effect. */
const MAX_EFFECT_DIST = 16;
/** How far a fingerprint may travel to a sink and still be reported as sent. */
const MAX_SEND_DIST = 10;
/** Decoded text shorter than this is not treated as a list to match against, nor reported alone. */
const MIN_HIDDEN_MATCH = 12;
const SOURCE_LABEL: Record<SourceKind, string> = {
  timezone: 'time zone',
  locale: 'locale',
  'host-url': 'configured URL/host',
  hostname: 'host name',
  username: 'user name',
  'machine-id': 'machine identifier',
  'network-interfaces': 'network interfaces (MAC addresses)',
  'ip-geolocation': 'IP geolocation',
  'ci-container': 'CI/container marker',
  platform: 'platform',
};

function clip(s: string, n: number): string {
  return s.length > n ? s.slice(0, n) + '…' : s;
}

export function correlate(inp: CorrelateInput): Finding[] {
  const { graph: g, facts: f, text, lines } = inp;
  const findings: Finding[] = [];

  const evidence = (role: EvidenceRole, at: Span, note: string): Evidence => ({
    role,
    location: lines.locate(at.start),
    note,
    excerpt: excerpt(text, at.start, at.end),
  });

  // --- indexes from representative node to fact
  const index = <T extends { node: number }>(items: T[]): Map<number, T[]> => {
    const m = new Map<number, T[]>();
    for (const it of items) {
      if (it.node < 0) continue;
      const r = g.find(it.node);
      const list = m.get(r);
      if (list) list.push(it);
      else m.set(r, [it]);
    }
    return m;
  };
  const sourceAt = index(f.sources);
  const dataAt = index(f.data);
  const sinkAt = index(f.sinks);
  const textAt = index(f.texts);

  // --- 1. taint (decisions travel along control edges; values do not)
  g.controlCarry = BIT_TARGETING;
  const byKind = new Map<number, number[]>();
  for (const s of f.sources) {
    // Capability sources (platform, CI) are inventory: nothing below reads their taint.
    if (s.node < 0 || !(sourceBit(s.kind) & FINGERPRINT_BITS)) continue;
    const bit = sourceBit(s.kind);
    const list = byKind.get(bit);
    if (list) list.push(s.node);
    else byKind.set(bit, [s.node]);
  }
  for (const [bit, nodes] of byKind) g.propagate(nodes, bit);
  g.propagate(f.data.filter((d) => d.kind === 'region' || d.countries.length > 0).map((d) => d.node), BIT_REGION);
  g.propagate(f.data.filter((d) => d.regionKind === 'timezone' || d.regionKind === 'utc-offset').map((d) => d.node), BIT_ZONE);
  g.propagate(f.data.filter((d) => d.regionKind === 'locale' || d.regionKind === 'country-code').map((d) => d.node), BIT_LOCALE);
  g.propagate(f.data.filter((d) => d.kind === 'hidden').map((d) => d.node), BIT_HIDDEN);

  // Comparisons share operands (`z === "A" || z === "B"`): trace each operand once.
  const sourceMemo = new Map<string, SourceFact[]>();
  const sourcesReaching = (v: Val, bits: number): SourceFact[] => {
    const key = `${bits}:${v.map((n) => g.find(n)).join(',')}`;
    const memo = sourceMemo.get(key);
    if (memo) return memo;
    const out: SourceFact[] = [];
    for (const path of g.traceBack(v, bits, (n) => sourceAt.has(n), { limit: TRACE_LIMIT, guide: fpDist })) {
      for (const s of sourceAt.get(path[path.length - 1]!)!) if (sourceBit(s.kind) & bits && !out.includes(s)) out.push(s);
    }
    sourceMemo.set(key, out);
    return out;
  };
  const dataReaching = (v: Val, bits: number): DataFact[] => {
    const out: DataFact[] = [];
    for (const path of g.traceBack(v, bits, (n) => dataAt.has(n), { limit: TRACE_LIMIT, guide: dataDist })) {
      for (const d of dataAt.get(path[path.length - 1]!)!) {
        // Literal region data must sit at the comparison (a zone compared with a constant, or a set of
        // them); a literal used elsewhere (a locale passed to a formatter) is not what is compared.
        // Decoded data may travel through its decoder first.
        const steps = path.length - 1;
        if (steps > (d.kind === 'hidden' ? MAX_DATA_DIST : MAX_LITERAL_DIST)) continue;
        if (!out.includes(d)) out.push(d);
      }
    }
    return out;
  };

  // --- 2. targeting comparisons
  const fpDist = g.distances(f.sources.filter((s) => s.node >= 0 && sourceBit(s.kind) & FINGERPRINT_BITS).map((s) => s.node));
  const dataDist = g.distances(f.data.filter((d) => d.kind === 'hidden' || d.countries.length > 0).map((d) => d.node));
  let offsetDistCache: Int32Array | null = null;
  const offsetDist = () =>
    (offsetDistCache ??= g.distances(f.sources.filter((s) => s.node >= 0 && s.detail.includes('getTimezoneOffset')).map((s) => s.node), MAX_OFFSET_DIST));
  const targeting: Targeting[] = [];
  const targetingAt = new Map<number, Targeting>();
  for (const c of f.compares) {
    const lm = g.maskOf(c.left);
    const rm = g.maskOf(c.right);
    let fpSide: Val | null = null;
    let dataSide: Val | null = null;
    if (lm & FINGERPRINT_BITS && rm & (BIT_REGION | BIT_HIDDEN)) {
      fpSide = c.left;
      dataSide = c.right;
    } else if (rm & FINGERPRINT_BITS && lm & (BIT_REGION | BIT_HIDDEN)) {
      fpSide = c.right;
      dataSide = c.left;
    }
    if (!fpSide || !dataSide) continue;
    if (!kindsCanMatch(g.maskOf(fpSide), g.maskOf(dataSide))) continue;
    // Both ends must be close: the value read and the data it is matched against flow a short way.
    if (g.distOf(fpDist, fpSide) > MAX_SOURCE_DIST || g.distOf(dataDist, dataSide) > MAX_DATA_DIST) continue;
    const sources = nearest(sourcesReaching(fpSide, FINGERPRINT_BITS & g.maskOf(fpSide)), c.start);
    const candidates = dataReaching(dataSide, BIT_REGION | BIT_HIDDEN);
    // A value is matched against data of its own kind: a zone against zones, a locale against locale
    // tags, an IP location against any region; a host, name or machine id against data that was hidden.
    const matched = sources.filter((s) => candidates.some((d) => matches(s, d)));
    if (matched.length === 0) continue;
    const data = candidates.filter((d) => matched.some((s) => matches(s, d)));
    // A number is a UTC offset only right next to getTimezoneOffset() (else it is a char code, a size…).
    if (data.every((d) => d.regionKind === 'utc-offset') && g.distOf(offsetDist(), fpSide) > MAX_OFFSET_DIST) continue;
    const t = { compare: c, sources: matched, data };
    targeting.push(t);
    targetingAt.set(g.find(c.node), t);
  }
  g.propagate(
    targeting.map((t) => t.compare.node),
    BIT_TARGETING,
  );

  // Guides for evidence searches, computed on first use.
  let targetDistCache: Int32Array | null = null;
  let sinkDistCache: Int32Array | null = null;
  const targetDist = () => (targetDistCache ??= g.distances(targeting.map((t) => t.compare.node), undefined, true));
  const sinkDist = () => (sinkDistCache ??= g.distancesBack(f.sinks.map((s) => s.node), undefined, true));
  /** The sink furthest from the user (model request > network > …) that `start` reaches, and how many steps away. */
  const mostSignificantSink = (start: Val, bit: number, bound?: number): { sink: SinkFact | null; steps: number } => {
    let sink: SinkFact | null = null;
    let steps = 0;
    for (const path of g.traceForward(start, bit, (n) => sinkAt.has(n), { limit: TRACE_LIMIT, guide: sinkDist(), ...(bound !== undefined ? { bound } : {}) })) {
      for (const s of sinkAt.get(path[path.length - 1]!)!) {
        if (!sink || effectRank(s.kind) < effectRank(sink.kind)) {
          sink = s;
          steps = path.length - 1;
        }
      }
    }
    return { sink, steps };
  };
  // --- 3. covert choices
  const relevant: { choice: ChoiceFact; mask: number }[] = [];
  for (const ch of f.choices) {
    const m = g.maskOf(ch.cond);
    const env = m & FINGERPRINT_BITS;
    if (ch.kind === 'format' ? (m & BIT_TARGETING) !== 0 : env !== 0 || (m & BIT_TARGETING) !== 0) {
      // Nested conditionals report the same choice twice; keep the outermost.
      if (relevant.some((r) => r.choice.kind === ch.kind && r.choice.start <= ch.start && r.choice.end >= ch.end)) continue;
      for (let i = relevant.length - 1; i >= 0; i--) {
        const r = relevant[i]!.choice;
        if (r.kind === ch.kind && ch.start <= r.start && ch.end >= r.end) relevant.splice(i, 1);
      }
      relevant.push({ choice: ch, mask: m });
    }
  }
  g.propagate(
    relevant.map((r) => r.choice.node),
    BIT_CHOICE,
  );

  // Group choices whose outputs meet within a few steps (one mechanism, several tricks).
  const reach = relevant.map((r) => g.reach([r.choice.node], 8));
  const group = relevant.map((_, i) => i);
  const root = (i: number): number => (group[i] === i ? i : (group[i] = root(group[i]!)));
  for (let i = 0; i < relevant.length; i++) {
    for (let j = i + 1; j < relevant.length; j++) {
      const [a, b] = reach[i]!.size < reach[j]!.size ? [reach[i]!, reach[j]!] : [reach[j]!, reach[i]!];
      for (const n of a.keys()) {
        if (b.has(n)) {
          group[root(j)] = root(i);
          break;
        }
      }
    }
  }
  const groups = new Map<number, number[]>();
  for (let i = 0; i < relevant.length; i++) {
    const r = root(i);
    const list = groups.get(r);
    if (list) list.push(i);
    else groups.set(r, [i]);
  }

  const usedTargeting = new Set<Targeting>();
  const usedData = new Set<DataFact>();

  const targetingEvidence = (t: Targeting, related: Evidence[], decoded: Decoded[]): void => {
    usedTargeting.add(t);
    const values = t.data.map((d) => (d.kind === 'hidden' ? `decoded list (${listPreview(d.text)})` : JSON.stringify(d.text) + countryNote(d.countries)));
    related.push(evidence('condition', t.compare, `${t.sources.map((s) => SOURCE_LABEL[s.kind]).filter(uniq).join(' and ')} compared (${t.compare.op}) with ${clip(values.join(', '), 200)}`));
    for (const s of t.sources) addOnce(related, evidence('source', s, `reads the ${SOURCE_LABEL[s.kind]}: ${clip(s.detail, 120)}`));
    for (const d of t.data) dataEvidence(d, related, decoded);
  };

  const dataEvidence = (d: DataFact, related: Evidence[], decoded: Decoded[]): void => {
    usedData.add(d);
    if (d.kind === 'hidden') {
      addOnce(related, evidence('encoding', d, `encoded literal (${d.decoded?.encoding ?? 'encoded'}) decodes to ${clip(d.text, 160)}${countryNote(d.countries)}`));
      if (d.decoder) addOnce(related, evidence('decoder', d.decoder, 'decoding routine'));
      if (d.decoded && !decoded.some((x) => x.text === d.decoded!.text)) decoded.push(d.decoded);
    } else {
      addOnce(related, evidence('data', d, `region data ${JSON.stringify(d.text)}${countryNote(d.countries)}`));
    }
  };

  // --- 4. mechanisms
  for (const members of groups.values()) {
    const related: Evidence[] = [];
    const decoded: Decoded[] = [];
    const fingerprint = new Set<SourceKind>();
    let isTargeting = false;
    let hidden = false;
    const choiceNotes: string[] = [];
    for (const i of members) {
      const { choice, mask } = relevant[i]!;
      const role: EvidenceRole = choice.kind === 'format' ? 'transform' : 'choice';
      const what =
        choice.kind === 'format'
          ? `format change: ${choice.describe}`
          : `chooses between ${choice.kind === 'invisible' ? 'strings differing only by invisible characters' : 'look-alike strings'}: ${choice.describe}`;
      related.push(evidence(role, choice, what));
      choiceNotes.push(what);
      // Conditions: targeting comparisons first, then raw fingerprint sources.
      if (mask & BIT_TARGETING) {
        for (const path of g.traceBack(choice.cond, BIT_TARGETING, (n) => targetingAt.has(n), { limit: TRACE_LIMIT, guide: targetDist() })) {
          const t = targetingAt.get(path[path.length - 1]!)!;
          isTargeting = true;
          for (const s of t.sources) fingerprint.add(s.kind);
          if (t.data.some((d) => d.kind === 'hidden')) hidden = true;
          if (!usedTargeting.has(t)) targetingEvidence(t, related, decoded);
        }
      }
      const direct = nearest(sourcesReaching(choice.cond, mask & FINGERPRINT_BITS), choice.start).filter((s) => !fingerprint.has(s.kind));
      for (const s of direct) {
        fingerprint.add(s.kind);
        addOnce(related, evidence('source', s, `reads the ${SOURCE_LABEL[s.kind]}: ${clip(s.detail, 120)}`));
      }
      if (mask & BIT_HIDDEN) {
        for (const d of dataReaching(choice.cond, BIT_HIDDEN)) {
          hidden = true;
          if (!usedData.has(d)) dataEvidence(d, related, decoded);
        }
      }
    }
    // Where it goes.
    const starts = members.map((i) => relevant[i]!.choice.node);
    const { sink: best, steps: bestSteps } = mostSignificantSink(starts, BIT_CHOICE);
    let inferredText = false;
    let textFact: TextFact | null = null;
    const near = g.reach(starts, 6);
    for (const n of near.keys()) {
      const t = textAt.get(n);
      if (t) {
        textFact = t[0]!;
        break;
      }
    }
    let storedAs: string | null = null;
    if (textFact) {
      for (const n of g.reach([textFact.node], 6).keys()) {
        const p = inp.properties.get(n);
        if (p !== undefined) {
          storedAs = p;
          break;
        }
      }
      related.push(evidence('context', textFact, `embedded in the text \`${clip(textFact.text, 120)}\`${storedAs ? `, stored as property \`${storedAs}\`` : ''}`));
      if (!best || best.kind === 'console') inferredText = best === null;
    }
    if (best) related.push(evidence('sink', best, `${sinkNote(best)} (${bestSteps} flow steps from the choice)`));
    else if (inferredText)
      related.push(
        evidence('sink', textFact!, `the text is kept as data${storedAs ? ` (property \`${storedAs}\`)` : ''}, not printed: it is context assembled for a request (inferred; no direct network call was traced)`),
      );

    const mechanismTraits: Traits = traits({
      covertChoice: true,
      sources: [...fingerprint],
      regionDecision: isTargeting ? 'singles-out' : null,
      hiddenData: hidden,
      effect: best?.kind ?? null,
      inferredRequestText: inferredText,
    });
    const primary = relevant[members[0]!]!.choice;
    const at = textFact ?? primary;
    const fpList = [...fingerprint].map((k) => SOURCE_LABEL[k]);
    const kinds = new Set(members.map((i) => relevant[i]!.choice.kind));
    const techniques = [
      kinds.has('lookalike') ? 'look-alike characters' : '',
      kinds.has('invisible') ? 'invisible characters' : '',
      kinds.has('format') ? 'a format change' : '',
    ].filter(Boolean);
    const where = best ? sinkNoun(best) : inferredText ? 'text kept for a request' : 'its output';
    const title = `Covert channel: the ${fpList.join(' and ')} hidden in ${where} with ${techniques.join(' and ')}`;
    const message = [
      `The code reads the ${fpList.join(' and ')}` +
        (isTargeting ? `, compares ${fpList.length > 1 ? 'them' : 'it'} with ${hidden ? 'lists stored encoded (decoded below) and region data' : 'region data'}` : '') +
        `, and depending on the answer ${choiceNotes.join('; ')}.`,
      textFact ? `The difference is carried by the text \`${clip(textFact.text, 100)}\`${storedAs ? ` (stored as \`${storedAs}\`)` : ''}, where a reader would not notice it.` : '',
      best ? `It reaches ${sinkNoun(best)} (${best.detail}).` : inferredText ? 'That text is kept as data for a request (inferred; no direct network call was traced).' : '',
    ]
      .filter(Boolean)
      .join(' ');
    const identity = [
      setPart('sources', fingerprint),
      setPart('choices', members.map((i) => relevant[i]!.choice).map((ch) => `${ch.kind}:${[...ch.alternatives].sort().join('|')}`)),
      ...targetingIdentity([...usedTargeting].filter((t) => related.some((e) => e.role === 'condition' && e.location.offset === t.compare.start))),
      `effect=${best?.kind ?? (inferredText ? 'inferred-request-text' : 'none')}`,
    ];
    push('covert-channel-mechanism', mechanismTraits, identity, title, message, at, related, decoded);
  }

  // --- 5a. targeting not part of a mechanism, grouped by proximity
  const leftover = targeting.filter((t) => !usedTargeting.has(t)).sort((a, b) => a.compare.start - b.compare.start);
  for (let i = 0; i < leftover.length; ) {
    let j = i + 1;
    while (j < leftover.length && leftover[j]!.compare.start - leftover[j - 1]!.compare.end < 400) j++;
    const cluster = leftover.slice(i, j);
    i = j;
    const related: Evidence[] = [];
    const decoded: Decoded[] = [];
    const kinds = new Set<SourceKind>();
    let hidden = false;
    for (const t of cluster) {
      targetingEvidence(t, related, decoded);
      for (const s of t.sources) kinds.add(s.kind);
      if (t.data.some((d) => d.kind === 'hidden')) hidden = true;
    }
    // The decision's effect must be near it: a request made in the branch, or with what it chose.
    const { sink: best, steps: bestSteps } = mostSignificantSink(
      cluster.map((t) => t.compare.node),
      BIT_TARGETING,
      MAX_EFFECT_DIST,
    );
    // Picking a language from the locale is what i18n does; it matters only when it changes a request.
    if (!hidden && !best && [...kinds].every((k) => k === 'locale')) continue;
    if (best) related.push(evidence('sink', best, `${sinkNote(best)} (${bestSteps} flow steps from the comparison)`));
    const countries = [...new Set(cluster.flatMap((t) => t.data.flatMap((d) => d.countries)))];
    const label = [...kinds].map((k) => SOURCE_LABEL[k]).join(' and ');
    push(
        'region-targeting',
        traits({ sources: [...kinds], regionDecision: 'singles-out', hiddenData: hidden, effect: best?.kind ?? null }),
        [setPart('sources', kinds), ...targetingIdentity(cluster), `effect=${best?.kind ?? 'none'}`],
        `Behaviour depends on the user's ${label} matching ${hidden ? 'hidden (encoded) data' : 'region data'}${countries.length ? ' (' + countries.slice(0, 6).map(countryLabel).join(', ') + ')' : ''}`,
        `The ${label} is compared with ${hidden ? 'a list that is stored encoded' : 'region-specific values'}; the outcome decides what the code does${best ? ` and reaches ${sinkNoun(best)}` : ''}.`,
        cluster[0]!.compare,
        related,
        decoded,
    );
  }

  // --- 5b'. fingerprints encoded on their way out (hidden exfiltration)
  const exfiltratedKinds = new Set<SourceKind>();
  const sendable = FINGERPRINT_BITS & ~sourceBit('host-url');
  const encoderAt = index(f.encoders);
  const encodedSeeds = f.encoders.filter((e) => g.maskOf(g.one(e.node)) & sendable && g.distOf(fpDist, g.one(e.node)) <= MAX_SOURCE_DIST).map((e) => e.node);
  if (encodedSeeds.length > 0) {
    g.propagate(encodedSeeds, BIT_ENCODED, MAX_EFFECT_DIST);
    const reported = new Set<number>();
    for (const s of f.sinks) {
      if ((s.kind !== 'network' && s.kind !== 'model-request') || !(g.mask[g.find(s.node)]! & BIT_ENCODED)) continue;
      const path = g.traceBack(g.one(s.node), BIT_ENCODED, (n) => encoderAt.has(n), { limit: TRACE_LIMIT, maxTargets: 1 })[0];
      if (!path) continue;
      const enc = encoderAt.get(path[path.length - 1]!)![0]!;
      if (reported.has(enc.start)) continue;
      reported.add(enc.start);
      const sources = nearest(sourcesReaching(g.one(enc.node), g.maskOf(g.one(enc.node)) & sendable), enc.start);
      if (sources.length === 0) continue;
      for (const x of sources) exfiltratedKinds.add(x.kind);
      const kinds = [...new Set(sources.map((x) => x.kind))];
      const label = kinds.map((k) => SOURCE_LABEL[k]).join(' and ');
      push(
          'hidden-exfiltration',
          traits({ encodedOnTheWay: true, sources: kinds, effect: s.kind }),
          [setPart('sources', sources.map(sourceIdentity)), `encoder=${enc.detail}`, `sink=${sinkIdentity(s)}`],
          `The ${label} is encoded (${enc.detail}) and sent in ${sinkNoun(s)}`,
          `A value read from the ${label} goes through ${enc.detail} before it reaches ${sinkNoun(s)} (${s.detail}): whoever inspects the traffic sees an encoded string, not the ${label}.`,
          enc,
          [
            ...sources.map((x) => evidence('source', x, `reads the ${SOURCE_LABEL[x.kind]}: ${clip(x.detail, 120)}`)),
            evidence('encoding', enc, `encodes it: ${enc.detail}`),
            evidence('sink', s, `${sinkNote(s)} (${path.length - 1} flow steps from the encoder)`),
          ],
          [],
      );
    }
  }
  // --- 5b. fingerprints sent to the network in the clear
  const sent = new Map<SourceKind, { sink: SinkFact; source: SourceFact }>();
  for (const s of f.sinks) {
    if (s.kind !== 'network' && s.kind !== 'model-request') continue;
    const m = g.mask[g.find(s.node)]! & FINGERPRINT_BITS & ~sourceBit('host-url');
    if (!m || fpDist[g.find(s.node)]! > MAX_SEND_DIST) continue;
    // A configured endpoint is meant to be used for requests; it is a fingerprint only when it is
    // compared or hidden (above), not when the request goes to it.
    for (const src of nearest(sourcesReaching(g.one(s.node), m & ~sourceBit('host-url')), s.start)) {
      if (src.kind === 'ip-geolocation' && src.start >= s.start && src.end <= s.end) continue; // the geo-IP URL itself
      // Already reported, more severely, as sent encoded.
      if (!sent.has(src.kind) && !exfiltratedKinds.has(src.kind)) sent.set(src.kind, { sink: s, source: src });
    }
  }
  for (const [kind, { sink, source }] of sent) {
    push(
        'fingerprint-sent',
        traits({ sources: [kind], effect: sink.kind }),
        [`source=${sourceIdentity(source)}`, `sink=${sinkIdentity(sink)}`],
        `The ${SOURCE_LABEL[kind]} flows into ${sinkNoun(sink)}`,
        `A value read from the ${SOURCE_LABEL[kind]} (${clip(source.detail, 80)}) can reach ${sinkNoun(sink)} (${sink.detail}). It is not hidden; check whether it is disclosed.`,
        sink,
        [evidence('source', source, `reads the ${SOURCE_LABEL[kind]}`), evidence('sink', sink, sinkNote(sink))],
        [],
    );
  }

  // --- 5c. hidden data on its own
  for (const d of f.data) {
    if (d.kind !== 'hidden' || usedData.has(d)) continue;
    if (d.text.length < MIN_HIDDEN_MATCH && !d.namesSource) continue;
    const hiddenTraits = traits({ hiddenContent: d.namesSource ? 'source-names' : d.countries.length > 0 ? 'region' : 'text' });
    const related: Evidence[] = [];
    const decoded: Decoded[] = [];
    dataEvidence(d, related, decoded);
    const title = d.namesSource
      ? `Encoded string hides a fingerprint source name (${d.namesSource})`
      : d.countries.length > 0
        ? `Encoded string hides region data (${d.countries.slice(0, 6).map(countryLabel).join(', ')})`
        : 'Encoded string decodes to readable text';
    push(d.namesSource ? 'obfuscated-fingerprinting' : 'hidden-data', hiddenTraits, [`decoded=${d.text.trim().slice(0, 4000)}`], title, `Decoded (${d.decoded?.encoding}): ${clip(d.text, 300)}`, d, related, decoded);
  }

  return findings;

  function push(kind: FindingKind, t: Traits, identity: string[], title: string, message: string, at: Span, related: Evidence[], decoded: Decoded[]): void {
    const f = createFinding({ kind, traits: t, identity, title, message, location: lines.locate(at.start), related, decoded, excerpt: excerpt(text, at.start, at.end, 240) });
    if (f) findings.push(f);
  }
}

/** The mask-level version of `matches`: can any source on one side meet data of its kind on the other? */
function kindsCanMatch(fp: number, data: number): boolean {
  return (
    (data & BIT_HIDDEN) !== 0 ||
    ((fp & sourceBit('timezone')) !== 0 && (data & BIT_ZONE) !== 0) ||
    ((fp & sourceBit('locale')) !== 0 && (data & BIT_LOCALE) !== 0) ||
    ((fp & sourceBit('ip-geolocation')) !== 0 && (data & BIT_REGION) !== 0)
  );
}

function matches(source: SourceFact, d: DataFact): boolean {
  // Short decoded words (parser keyword tables) are not data worth matching a user against.
  if (d.kind === 'hidden') return d.text.length >= MIN_HIDDEN_MATCH;
  switch (source.kind) {
    case 'timezone':
      return d.regionKind === 'timezone' || (d.regionKind === 'utc-offset' && source.detail.includes('getTimezoneOffset'));
    case 'locale':
      return d.regionKind === 'locale' || d.regionKind === 'country-code';
    case 'ip-geolocation':
      return d.countries.length > 0;
    default:
      return false;
  }
}

/**
 * The sources to show as evidence: among the first found (cheapest flow paths), those closest in
 * the file to `anchor` (a mechanism is usually one module), at most two of each kind.
 */
function nearest(sources: SourceFact[], anchor?: number): SourceFact[] {
  const perKind = new Map<SourceKind, number>();
  const pool = sources.slice(0, 16);
  if (anchor !== undefined) pool.sort((a, b) => Math.abs(a.start - anchor) - Math.abs(b.start - anchor));
  return pool.filter((s) => {
    const n = perKind.get(s.kind) ?? 0;
    perKind.set(s.kind, n + 1);
    return n < 2;
  });
}

/** What a source is, without the code around it: the variable name for environment reads, else its kind. */
function sourceIdentity(s: SourceFact): string {
  return s.detail.startsWith('process.env.') ? s.detail : s.kind;
}

/** What a sink is, without minified receivers: its kind and the method or constructor name. */
function sinkIdentity(s: SinkFact): string {
  return `${s.kind}:${s.detail.split('.').pop()}`;
}

/** The clear-text constants compared (region literals) and whether hidden lists were, as identity parts. */
function targetingIdentity(ts: Targeting[]): string[] {
  const data = ts.flatMap((t) => t.data);
  return [
    setPart('compared', data.filter((d) => d.kind === 'region').map((d) => d.text)),
    setPart('countries', data.flatMap((d) => (d.kind === 'region' ? d.countries : []))),
    `hidden=${data.some((d) => d.kind === 'hidden')}`,
  ];
}

function uniq<T>(v: T, i: number, a: T[]): boolean {
  return a.indexOf(v) === i;
}

function addOnce(list: Evidence[], e: Evidence): void {
  if (!list.some((x) => x.role === e.role && x.location.offset === e.location.offset)) list.push(e);
}

function listPreview(text: string): string {
  const items = text.split(/[,\n;|]+/).filter(Boolean);
  return items.length > 1 ? `${items.length} items: ${items.slice(0, 4).join(', ')}${items.length > 4 ? ', …' : ''}` : clip(text, 60);
}

function countryLabel(code: string): string {
  const n = countryName(code);
  return n ? `${code} ${n}` : code;
}

function countryNote(codes: string[]): string {
  return codes.length ? ` → ${codes.slice(0, 5).map(countryLabel).join(', ')}` : '';
}

function sinkNoun(s: SinkFact): string {
  switch (s.kind) {
    case 'model-request':
      return 'a request to a model API';
    case 'network':
      return 'a network request';
    case 'file':
      return 'a file write';
    case 'process':
      return 'a child process';
    case 'console':
      return 'terminal output';
    case 'dom':
      return 'the page (DOM)';
    case 'media':
      return 'media playback';
    case 'exit':
      return 'the process exit';
    case 'delay':
      return 'a delay';
  }
}

function sinkNote(s: SinkFact): string {
  return `sent to ${sinkNoun(s)} via ${s.detail}`;
}

