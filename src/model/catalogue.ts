// The finding catalogue: every kind of finding a telltale report can contain — static mechanisms,
// package rules, notes about the analysis itself, and the probe's — with what it means and which rows
// of the severity policy can rank it. Adding a kind means adding it here (the compiler then asks for
// its metadata), producing it through createFinding, documenting it (docs/rules.md is generated from
// this table) and testing it (test/model/catalogue.test.ts checks both).

import type { Category } from './finding.js';
import type { PolicyRowId } from './severity-policy.js';

export const FINDING_KINDS = [
  'acquire-problem',
  'analysis-error',
  'background-reporter',
  'container-error',
  'content-exfiltration',
  'covert-channel-mechanism',
  'data-skipped',
  'decoder-stopped',
  'depth-limit',
  'file-error',
  'fingerprint-sent',
  'hidden-data',
  'hidden-embedded-code',
  'hidden-exfiltration',
  'incomplete-analysis',
  'install-scripts',
  'invalid-utf8',
  'obfuscated-code',
  'obfuscated-fingerprinting',
  'packed-runtime',
  'parse-error',
  'probe-covert-channel',
  'probe-egress-attempt',
  'probe-region-dependent',
  'probe-run-problem',
  'probe-unknown-host',
  'probe-unpredicted-destination',
  'region-targeting',
  'rule-error',
  'size-limit',
  'telemetry-identity',
  'time-limit',
  'usage-telemetry',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

/** Who produces a kind: the static flow analysis, the package manifest, the audit pipeline itself, or the probe. */
export type Producer = 'static' | 'package' | 'internal' | 'probe';

export interface KindMeta {
  producer: Producer;
  category: Category;
  /** The kind in a few words (a finding's own title says more). */
  name: string;
  /** One line. */
  description: string;
  /** What it looks for and why it matters; rendered into docs/rules.md. */
  docs: string;
  /** The rows of the severity policy that can rank it (the policy decides which, from the finding's traits). */
  rows: readonly PolicyRowId[];
}

const INTERNAL: Pick<KindMeta, 'producer' | 'category' | 'rows'> = { producer: 'internal', category: 'internal', rows: ['internal'] };

export const CATALOGUE = {
  'covert-channel-mechanism': {
    producer: 'static',
    category: 'covert-channel',
    name: 'Covert channel',
    description: 'A fingerprint decides, unnoticeably, what the code produces: look-alike or invisible characters, or a format change.',
    docs:
      'The mechanism the tool was built around, found by kind: the code reads a fingerprint (time zone, locale, configured ' +
      'host, user or host name, machine id, …), possibly compares it with region data or with a list stored encoded, and ' +
      'depending on the answer chooses between strings that look the same to a reader (look-alike apostrophes, ' +
      'invisible characters) or changes a format (a date separator). Choices that flow together form one finding. The ' +
      'evidence chain shows each source, comparison, decoded list, choice and format change, the text that carries the ' +
      'difference and where it goes. Critical when the output leaves the machine (a request, or text kept as request ' +
      'context); high when the decision uses region or hidden data but no request was traced; nothing when the choice is ' +
      'only shown locally (a terminal fallback).',
    rows: ['covert-choice-leaves', 'hidden-region-decision-leaves', 'region-decision-effect', 'install-time', 'covert-choice-conditioned', 'covert-choice-no-effect', 'covert-choice-displayed'],
  },
  'region-targeting': {
    producer: 'static',
    category: 'region-targeting',
    name: 'Region targeting',
    description: "Behaviour depends on the user's region: a fingerprint compared with region data or a hidden list.",
    docs:
      'A time zone, locale, IP-geolocation answer, or (against hidden data) a host or identity, compared with region data ' +
      '(zones, UTC offsets, locale tags, country codes, country-code domains) or with a decoded list. Comparisons close ' +
      'to each other form one finding. Critical when the list is hidden and the outcome changes what leaves the machine; ' +
      'high with any side effect; medium when no effect was traced; nothing when region data only formats values.',
    rows: ['hidden-region-decision-leaves', 'region-decision-effect', 'install-time', 'hidden-region-decision', 'region-partition', 'region-decision-no-effect', 'region-format-only'],
  },
  'obfuscated-code': {
    producer: 'static',
    category: 'hidden-data',
    name: 'Obfuscated code',
    description: 'A file made deliberately unreadable: string arrays, control-flow flattening, dead code, debug protection, hex-renamed identifiers.',
    docs:
      'Minifiers shorten code; obfuscators hide it. Each file gets an obfuscation score from signs the walk counts ' +
      'anyway: a string array read through hex-indexed lookups or rotated at start-up (3 points), numbers spelled in hex ' +
      '(2), identifiers renamed to hex numbers (2), dispatch orders of control-flow flattening (1, or 2 for three or ' +
      'more), comparisons of two string literals deciding branches when written (dead-code injection, 1), code built ' +
      'from a string through a constructor (debug protection, 1), code searching its own source (self-defending, 1). ' +
      'A score of 5 or more out of 12 is heavy obfuscation, reported high with the signs that were seen ' +
      '(docs/obfuscation.md has the table of measured scores). esbuild, terser and Bun output score 0 to 2. ' +
      'The judgement is made against the rest of the package: obfuscated files among readable ones are high; when ' +
      'every analysed JavaScript file, or all of the entry code, is obfuscated, there is nothing readable to compare ' +
      'with and the finding is medium, with that reason in its message.',
    rows: ['heavy-obfuscation', 'obfuscated-throughout'],
  },
  'hidden-exfiltration': {
    producer: 'static',
    category: 'exfiltration',
    name: 'Hidden exfiltration',
    description: 'A fingerprint is encoded (base64, hex, XOR) on its way into a request.',
    docs:
      'Encoding is normal for binary payloads, but a host name, user name, time zone or machine id that goes through an ' +
      'encoder before it is sent is hidden from whoever inspects the traffic. It replaces the plain fingerprint-sent ' +
      'finding for the same source.',
    rows: ['encoded-fingerprint-sent', 'install-time'],
  },
  'fingerprint-sent': {
    producer: 'static',
    category: 'fingerprint',
    name: 'Fingerprint sent',
    description: 'A fingerprint (user or host name, machine id, MAC, time zone, locale) flows into a request in the clear.',
    docs:
      'A value read from a fingerprint source reaches a network or model request within a few flow steps. It is not ' +
      'hidden; the reviewer checks whether it is disclosed. A configured endpoint used for requests is not a fingerprint ' +
      'sent (that is what it is for).',
    rows: ['identity-to-telemetry', 'identity-from-install-or-background', 'install-time'],
  },
  'telemetry-identity': {
    producer: 'static',
    category: 'fingerprint',
    name: 'Identity or environment sent',
    description: 'Identity (user, host, machine id, MAC) or environment (time zone, locale, CI markers) reaches a destination of the egress map.',
    docs:
      'One finding per destination of the egress map that receives identity or environment data, naming the owner ' +
      '(from the tracker database and the public suffix list), when the call runs and the opt-out that guards it, or ' +
      'that none was found. Medium for any destination but the model API; high from install-time code. For network ' +
      'calls it replaces fingerprint-sent, so one behaviour yields one finding.',
    rows: ['identity-to-telemetry', 'install-time'],
  },
  'background-reporter': {
    producer: 'static',
    category: 'exfiltration',
    name: 'Background or install-time reporter',
    description: 'A destination is contacted from install-time code or from a detached background process.',
    docs:
      'A reporter started with `detached: true` / `.unref()` keeps sending after the command returned, and an install ' +
      'script runs before anyone has read the code. High when identity data is sent that way; otherwise ranked like any ' +
      'other telemetry of the egress map (environment medium, platform-only low, info behind an opt-out).',
    rows: ['identity-from-install-or-background', 'install-time', 'identity-to-telemetry', 'platform-telemetry', 'platform-telemetry-opt-out'],
  },
  'content-exfiltration': {
    producer: 'static',
    category: 'exfiltration',
    name: 'Content sent to a third party',
    description: 'File contents, source code or prompts reach a third party other than the model API.',
    docs:
      'File contents (fs reads of anything but configuration), prompts and LLM request bodies that reach a destination ' +
      'the tracker database names as a third party (analytics, error tracking, other services). Sending them to the ' +
      'model API the tool is configured for is its purpose and is only listed in the egress map.',
    rows: ['content-to-third-party'],
  },
  'usage-telemetry': {
    producer: 'static',
    category: 'exfiltration',
    name: 'Usage telemetry',
    description: 'Platform details, usage events or errors reach a destination other than the model API.',
    docs:
      'Telemetry that carries nothing about the person or the place: OS, versions, event names, error reports. Low when ' +
      'no opt-out check guards the call, info when one does (the egress map names it).',
    rows: ['platform-telemetry', 'platform-telemetry-opt-out'],
  },
  'obfuscated-fingerprinting': {
    producer: 'static',
    category: 'hidden-data',
    name: 'Obfuscated fingerprinting',
    description: 'Encoded data decodes to the names of fingerprint sources (APIs, files, variables).',
    docs:
      'Code that stores the names of the things it reads (`/etc/machine-id`, `networkInterfaces`, `USERNAME`) encoded ' +
      'hides its fingerprinting from a reader and from scanners that look for those names.',
    rows: ['hidden-source-names'],
  },
  'hidden-data': {
    producer: 'static',
    category: 'hidden-data',
    name: 'Hidden data',
    description: 'An encoded string literal that decodes to readable text, or to region data.',
    docs:
      'base64, hex, character codes, escape runs, reversed literals and XOR (with the key the code names, or found by ' +
      'brute force) are decoded without running anything; the plaintext is shown. Region data hidden this way is medium ' +
      'even when no decision using it was found; other readable text is low. Images, fonts, wasm and tables stay quiet.',
    rows: ['hidden-region-data', 'hidden-text'],
  },
  'install-scripts': {
    producer: 'package',
    category: 'install-script',
    name: 'Install script',
    description: 'Install-time lifecycle scripts (preinstall, install, postinstall, prepare).',
    docs:
      "npm runs preinstall, install and postinstall on every install, with the user's privileges, before anyone has " +
      'looked at the code. Each is reported (low), and raised to medium when the command downloads or decodes code. ' +
      '`prepare` runs only for git and local installs and is listed as info. The files the scripts run are entry ' +
      'points of their own; they are audited like every other file of the package.',
    rows: ['install-script-fetches-code', 'install-script', 'git-only-script'],
  },
  'hidden-embedded-code': {
    producer: 'package',
    category: 'hidden-data',
    name: 'Embedded code hidden from the headers',
    description: "A compiled executable carries embedded JavaScript that its headers hide (no section names it, or they say it is empty).",
    docs:
      'A runtime such as Bun finds its embedded module graph without consulting section headers, so an executable can be ' +
      'edited to keep running its embedded app while tools that trust the headers see a plain runtime. telltale scans the ' +
      'whole file for module graphs by their trailer and checks each by parsing it; code found that way but not through the ' +
      'headers is audited like any embedded code and reported here. Nobody ships that by accident: high.',
    rows: ['code-hidden-from-container'],
  },
  'incomplete-analysis': {
    producer: 'package',
    category: 'internal',
    name: 'Incomplete analysis',
    description: 'An entry point (main, exports, bin, install script) or an embedded executable\'s code could not be analysed.',
    docs:
      'A report whose entry point was not analysed (a parse failure, a time or size limit, a corrupted executable) must not ' +
      'look like a clean pass to a CI job: this finding is high, so the audit exits 1. `--allow-incomplete` accepts it ' +
      '(exit code from the other findings). Every file or container that could not be analysed is listed in the report ' +
      '(`stats.unanalysed` in JSON, "Not analysed" in text), entry or not; only entries raise this finding.',
    rows: ['entry-unanalysed'],
  },
  'packed-runtime': {
    producer: 'package',
    category: 'packed-runtime',
    name: 'Packed runtime',
    description: 'An executable with a packed runtime (pkg, nexe, deno) whose JavaScript telltale cannot open.',
    docs: 'The JavaScript inside such an executable was not audited; the reviewer has to obtain it another way.',
    rows: ['packed-runtime'],
  },
  'parse-error': {
    ...INTERNAL,
    name: 'Parse error',
    description: 'A file could not be parsed as JavaScript and was not analysed.',
    docs: 'The parser rejected the file; nothing in it was analysed. The message says where and why.',
  },
  'analysis-error': {
    ...INTERNAL,
    name: 'Analysis error',
    description: 'The analysis of one file failed; the audit went on with the others.',
    docs: 'An internal failure while walking or correlating one file. Other files are unaffected.',
  },
  'rule-error': {
    ...INTERNAL,
    name: 'Rule error',
    description: 'One detector failed on one file; the other detectors still ran.',
    docs: 'A crash inside one detector is caught and reported with the detector id and the offset; the walk goes on.',
  },
  'depth-limit': {
    ...INTERNAL,
    name: 'Depth limit',
    description: 'The AST nesting limit was reached; deeper parts of the file were not analysed.',
    docs: 'Nesting beyond the configured depth (2,000 by default) is skipped so a hostile file cannot exhaust the stack.',
  },
  'size-limit': {
    ...INTERNAL,
    name: 'Size limit',
    description: 'A file over the size limit for JavaScript was not analysed.',
    docs: 'Files over the limit (64 MB by default, `--max-file-mb`) are listed, not analysed.',
  },
  'time-limit': {
    ...INTERNAL,
    name: 'Time limit',
    description: 'The analysis of one file ran over its time budget and was stopped.',
    docs: 'Each file is analysed in a worker thread with a time budget; a file that runs over it is stopped and reported.',
  },
  'invalid-utf8': {
    ...INTERNAL,
    name: 'Invalid UTF-8',
    description: 'A file is not valid UTF-8; invalid bytes were replaced before analysis.',
    docs: 'Invalid byte sequences are replaced with U+FFFD, so offsets after them may differ from a byte view of the file.',
  },
  'file-error': {
    ...INTERNAL,
    name: 'File error',
    description: 'A file could not be read or audited.',
    docs: 'Reading or classifying one file failed; the audit went on with the others.',
  },
  'acquire-problem': {
    ...INTERNAL,
    name: 'Entry skipped',
    description: 'An entry of the package was skipped while reading it (unsafe path, link, device, over a limit).',
    docs: 'Tarball and folder entries that could escape the extraction folder, links, devices and entries over the limits are refused and listed.',
  },
  'data-skipped': {
    ...INTERNAL,
    name: 'Data skipped',
    description: 'The tail of a huge list of plain names or numbers in a large file was not analysed.',
    docs:
      'A list of millions of names or numbers costs tens of bytes of syntax tree per character. In a file of 4 MB or ' +
      'more, a comma list of over 100,000 plain names or numbers keeps its first 10,000 elements and the first occurrence ' +
      'of each name; the rest is blanked before parsing (offsets are unchanged) and reported here. The file counts as ' +
      'not fully analysed: for an entry point that is an incomplete-analysis finding.',
  },
  'decoder-stopped': {
    ...INTERNAL,
    name: 'Decoder stopped',
    description: 'A decoder function of the file was stopped in the sandbox by its time or memory limit, or by the file\'s decoder budget.',
    docs:
      'Decoders run in QuickJS with a work budget and a memory limit per call, and all runs for one file share a budget far ' +
      'below the file\'s own time limit. A decoder that is stopped is not run again for the same file; the finding points at ' +
      'it, what it would have decoded is not reported, and the rest of the file is analysed as usual.',
  },
  'container-error': {
    ...INTERNAL,
    name: 'Container error',
    description: 'An executable could not be opened to look for embedded JavaScript.',
    docs: 'A truncated or corrupted executable; what could be read is reported, the rest is listed here.',
  },
  'probe-covert-channel': {
    producer: 'probe',
    category: 'covert-channel',
    name: 'Covert channel (observed)',
    description: 'A request changes unnoticeably (invisible, look-alike or format-only) with the simulated user.',
    docs:
      'Seen by running the tool once per simulated user against mock APIs and diffing what it sent code point by code ' +
      'point: a difference nobody reading the request would notice, not explained by the persona itself.',
    rows: ['covert-choice-leaves'],
  },
  'probe-region-dependent': {
    producer: 'probe',
    category: 'region-targeting',
    name: 'Region-dependent request (observed)',
    description: 'A request changes visibly with the simulated user, and the persona does not explain the change.',
    docs: 'A difference between personas that is not a rendering of the persona’s own setting (its zone, locale, host, names).',
    rows: ['region-dependent-observed', 'explained-by-persona'],
  },
  'probe-egress-attempt': {
    producer: 'probe',
    category: 'exfiltration',
    name: 'Egress attempt (observed)',
    description: 'The tool tried to reach a non-loopback address during a sealed probe run.',
    docs: 'The sandbox has no route off loopback, so nothing left the machine; the attempt itself is recorded.',
    rows: ['probe-egress-attempt'],
  },
  'probe-unknown-host': {
    producer: 'probe',
    category: 'exfiltration',
    name: 'Unknown host (observed)',
    description: 'The tool looked up a host outside the mocked APIs during a probe run.',
    docs: 'Names the tool tried to resolve that are not among the mocked API hosts (the DNS stub refused them).',
    rows: ['probe-unknown-host'],
  },
  'probe-unpredicted-destination': {
    producer: 'probe',
    category: 'exfiltration',
    name: 'Destination not in the egress map (observed)',
    description: 'The tool contacted a host the static egress map did not predict during a probe run.',
    docs:
      'With a static report (`--static auto` or a file), the hosts and paths the tool contacted in its sealed runs are set ' +
      'against the destinations of the egress map: confirmed, predicted but not seen, and seen but not predicted. A host ' +
      'seen but not predicted is where the static analysis missed a destination (a name built at run time, read from a ' +
      'file or fetched); it replaces the unknown-host finding for that host.',
    rows: ['probe-unpredicted-destination'],
  },
  'probe-run-problem': {
    producer: 'probe',
    category: 'internal',
    name: 'Probe run problem',
    description: 'A probe run did not complete normally (surviving processes, time-out, no request).',
    docs: 'Processes that survived a run are high; a run that timed out is low; a run without any request is info.',
    rows: ['probe-surviving-process', 'probe-timeout', 'probe-no-request'],
  },
} as const satisfies Record<FindingKind, KindMeta>;

export function kindMeta(kind: FindingKind): KindMeta {
  return CATALOGUE[kind];
}

export function isFindingKind(s: string): s is FindingKind {
  return (FINDING_KINDS as readonly string[]).includes(s);
}
