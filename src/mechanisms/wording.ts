// Every word the mechanisms stage writes into a report: labels of sources and effects, and the titles
// and messages of each finding kind. Producers pass facts; the sentences are made here.

import type { SinkFact, SourceKind } from '../flow/facts.js';
import { countryName } from '../data/region.js';
import type { FindingKind } from '../model/catalogue.js';
import type { EgressOwner, EgressTiming } from '../model/egress.js';
import type { DataClass, DestinationKind } from '../model/traits.js';

export const SOURCE_LABEL: Record<SourceKind, string> = {
  timezone: 'time zone',
  locale: 'locale',
  'host-url': 'configured or page URL/host',
  hostname: 'host name',
  username: 'user name',
  'machine-id': 'machine identifier',
  'network-interfaces': 'network interfaces (MAC addresses)',
  'ip-geolocation': 'geolocation (IP or device)',
  'ci-container': 'CI/container marker',
  platform: 'platform',
};

export function clip(s: string, n: number): string {
  return s.length > n ? s.slice(0, n) + '…' : s;
}

export function labels(kinds: Iterable<SourceKind>): string {
  return [...new Set(kinds)].map((k) => SOURCE_LABEL[k]).join(' and ');
}

export function sinkNoun(s: SinkFact): string {
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

export function sinkNote(s: SinkFact): string {
  return `sent to ${sinkNoun(s)} via ${s.detail}`;
}

export function countryLabel(code: string): string {
  const n = countryName(code);
  return n ? `${code} ${n}` : code;
}

export function countryNote(codes: string[]): string {
  return codes.length ? ` → ${codes.slice(0, 5).map(countryLabel).join(', ')}${codes.length > 5 ? `, … (${codes.length} countries)` : ''}` : '';
}

/** A region literal as written: regular expressions and array literals as they are, strings quoted. */
export function dataText(text: string): string {
  return /^[/[]/.test(text) ? text : JSON.stringify(text);
}

/** How a literal was read as region data: ` read as country-code domains .ru, .by`, or ` (zone areas)` for the literal itself. */
export function readingNote(d: { text: string; reading?: string }): string {
  if (!d.reading) return '';
  return d.reading.endsWith(' ' + d.text) ? ` (${d.reading.slice(0, -d.text.length - 1)})` : ` read as ${d.reading}`;
}

export function listPreview(text: string): string {
  const items = text.split(/[,\n;|]+/).filter(Boolean);
  return items.length > 1 ? `${items.length} items: ${items.slice(0, 4).join(', ')}${items.length > 4 ? ', …' : ''}` : clip(text, 60);
}

export function readsNote(kind: SourceKind, detail: string): string {
  return `reads the ${SOURCE_LABEL[kind]}: ${clip(detail, 120)}`;
}

export interface CovertWords {
  sources: SourceKind[];
  targeting: boolean;
  hidden: boolean;
  choiceNotes: string[];
  techniques: ('lookalike' | 'invisible' | 'format')[];
  text: { text: string; storedAs: string | null } | null;
  sink: SinkFact | null;
  inferredText: boolean;
}

export function covertTitle(w: CovertWords): string {
  const fp = labels(w.sources);
  const techniques = [
    w.techniques.includes('lookalike') ? 'look-alike characters' : '',
    w.techniques.includes('invisible') ? 'invisible characters' : '',
    w.techniques.includes('format') ? 'a format change' : '',
  ].filter(Boolean);
  const where = w.sink ? sinkNoun(w.sink) : w.inferredText ? 'text kept for a request' : 'its output';
  return `Covert channel: the ${fp} hidden in ${where} with ${techniques.join(' and ')}`;
}

export function covertMessage(w: CovertWords): string {
  const fp = labels(w.sources);
  const many = new Set(w.sources).size > 1;
  return [
    `The code reads the ${fp}` +
      (w.targeting ? `, compares ${many ? 'them' : 'it'} with ${w.hidden ? 'lists stored encoded (decoded below) and region data' : 'region data'}` : '') +
      `, and depending on the answer ${w.choiceNotes.join('; ')}.`,
    w.text ? `The difference is carried by the text \`${clip(w.text.text, 100)}\`${w.text.storedAs ? ` (stored as \`${w.text.storedAs}\`)` : ''}, where a reader would not notice it.` : '',
    w.sink ? `It reaches ${sinkNoun(w.sink)} (${w.sink.detail}).` : w.inferredText ? 'That text is kept as data for a request (inferred; no direct network call was traced).' : '',
  ]
    .filter(Boolean)
    .join(' ');
}

/** `unnamed`: region data that names no country (`Windows GeoId 203`), shown as it is. */
export function regionTargetingTitle(sources: SourceKind[], hidden: boolean, countries: string[], partition = false, unnamed: string[] = []): string {
  if (partition) return `Behaviour is routed by the user's ${labels(sources)} through a table that maps regions to values (${countries.length} countries)`;
  const named = [...countries.slice(0, 6).map(countryLabel), ...unnamed.slice(0, 6)];
  return `Behaviour depends on the user's ${labels(sources)} matching ${hidden ? 'hidden (encoded) data' : 'region data'}${named.length ? ' (' + named.join(', ') + ')' : ''}`;
}

export function regionTargetingMessage(sources: SourceKind[], hidden: boolean, sink: SinkFact | null, partition = false): string {
  if (partition) {
    return `The ${labels(sources)} is looked up in a table keyed by regions, with a value for every region listed${sink ? `; the value chosen reaches ${sinkNoun(sink)}` : ''}. A partition of the world (routing among endpoints) rather than a list singling some regions out.`;
  }
  return `The ${labels(sources)} is compared with ${hidden ? 'a list that is stored encoded' : 'region-specific values'}; the outcome decides what the code does${sink ? ` and reaches ${sinkNoun(sink)}` : ''}.`;
}

/** Evidence note of another place where the same region decision is made. */
export function repeatNote(sink: SinkFact | null): string {
  return `the same decision again: the same data compared${sink ? `, its outcome reaching ${sinkNoun(sink)}` : ''}`;
}

/** Appended to a region-targeting message when the decision is made at more places. */
export function repeatsMessage(more: number): string {
  return ` The same decision (the same data compared, the same kind of effect) is made at ${more} more ${more === 1 ? 'place' : 'places'} in this file: ${more} more ${more === 1 ? 'occurrence' : 'occurrences'}, every location listed with the finding.`;
}

export function exfiltrationTitle(sources: SourceKind[], encoder: string, sink: SinkFact): string {
  return `The ${labels(sources)} is encoded (${encoder}) and sent in ${sinkNoun(sink)}`;
}

export function exfiltrationMessage(sources: SourceKind[], encoder: string, sink: SinkFact): string {
  const label = labels(sources);
  return `A value read from the ${label} goes through ${encoder} before it reaches ${sinkNoun(sink)} (${sink.detail}): whoever inspects the traffic sees an encoded string, not the ${label}.`;
}

export function sentTitle(kind: SourceKind, sink: SinkFact): string {
  return `The ${SOURCE_LABEL[kind]} flows into ${sinkNoun(sink)}`;
}

export function sentMessage(kind: SourceKind, detail: string, sink: SinkFact): string {
  return `A value read from the ${SOURCE_LABEL[kind]} (${clip(detail, 80)}) can reach ${sinkNoun(sink)} (${sink.detail}). It is not hidden; check whether it is disclosed.`;
}

export function hiddenTitle(namesSource: string | undefined, countries: string[]): string {
  if (namesSource) return `Encoded string hides a fingerprint source name (${namesSource})`;
  if (countries.length > 0) return `Encoded string hides region data (${countries.slice(0, 6).map(countryLabel).join(', ')})`;
  return 'Encoded string decodes to readable text';
}

export function hiddenMessage(encoding: string | undefined, text: string): string {
  return `Decoded (${encoding}): ${clip(text, 300)}`;
}

/** Evidence for a string-array decoder that was run in the sandbox. */
export function stringArrayNote(decoder: string, strings: number): string {
  return `string-array decoder ${decoder}: run in the QuickJS sandbox with its array of ${strings} strings and the array's setup code; each call site was evaluated and replaced by the string it returns`;
}

/** Evidence for a constant digest: what hashes to it, when a known value does. */
export function digestNote(algorithm: string, named: string | null): string {
  return named !== null ? `constant ${algorithm} digest of ${JSON.stringify(named)} (found by hashing the region data and the file's hosts)` : `constant ${algorithm} digest; no known time zone, country code, ccTLD or host of the file hashes to it`;
}

// ---------------------------------------------------------------- the egress map

export const DATA_CLASS_LABEL: Record<DataClass, string> = {
  identity: 'identity',
  environment: 'environment',
  platform: 'platform details',
  usage: 'usage events',
  errors: 'errors and stack traces',
  content: 'file contents',
  prompts: 'prompts and model context',
  credentials: 'credentials',
};

export const OWNER_LABEL: Record<DestinationKind, string> = {
  'model-api': 'a model API',
  vendor: "the vendor's own service",
  'third-party-telemetry': 'a third-party analytics/telemetry/error service',
  registry: 'a package registry',
  'third-party': 'a third party',
  unknown: 'an unknown destination',
};

export const TIMING_LABEL: Record<EgressTiming, string> = {
  install: 'at install',
  start: 'on start',
  'on-use': 'on use',
  exit: 'on exit',
  background: 'from a detached background process',
};

function ownerPhrase(owner: EgressOwner): string {
  return `${OWNER_LABEL[owner.kind]}${owner.name ? ` (${owner.name})` : ''}`;
}

export function egressFindingTitle(kind: FindingKind, sent: DataClass[], destination: string, owner: EgressOwner): string {
  const what = sent.map((c) => DATA_CLASS_LABEL[c]).join(', ');
  const where = `${destination}, ${ownerPhrase(owner)}`;
  return kind === 'background-reporter' ? `A background or install-time reporter sends ${what} to ${where}` : `Sends ${what} to ${where}`;
}

export function egressFindingMessage(sent: DataClass[], destination: string, owner: EgressOwner, timing: EgressTiming[], optOuts: string[], events: string[]): string {
  const parts = [
    `${sent.map((c) => DATA_CLASS_LABEL[c]).join(', ')} reach ${destination}, ${ownerPhrase(owner)}, ${timing.map((t) => TIMING_LABEL[t]).join(' and ') || 'when called'}.`,
    optOuts.length ? `Opt-out checked on the way: ${optOuts.join(', ')}.` : 'No opt-out found.',
  ];
  if (events.length) parts.push(`Events: ${clip(events.join(', '), 300)}.`);
  return parts.join(' ');
}

export function obfuscatedTitle(score: number, max: number): string {
  return `Heavily obfuscated code (obfuscation score ${score} of ${max})`;
}

export function obfuscatedMessage(signs: string[]): string {
  return `The file is made deliberately unreadable, beyond what minifiers do: ${signs.join('; ')}.`;
}

/** Added to an obfuscated-code message when the package-level judgement finds nothing readable. */
export function obfuscatedThroughoutNote(what: 'every-file' | 'entry-code'): string {
  return what === 'every-file'
    ? 'The whole package is obfuscated; nothing readable to compare with (every analysed JavaScript file scores as heavily obfuscated).'
    : 'The whole package is obfuscated; nothing readable to compare with (all of its entry code scores as heavily obfuscated).';
}
