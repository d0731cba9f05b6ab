// Turns one file's facts and flow graph into findings, in stages with explicit inputs and outputs:
//
//   taint      fingerprint sources, region data and hidden data pushed forward through the graph
//   targeting  comparisons with a fingerprint on one side and region/hidden data on the other
//   choices    look-alike/invisible/format choices conditioned on them, grouped into mechanisms
//   produce    one producer per finding kind (produce/*.ts), in the order their outputs feed each
//              other: covert channels take the targeting they explain, region targeting the rest;
//              hidden exfiltration takes the source kinds fingerprint-sent must not repeat; hidden
//              data is what no decision used.
//   egress     every network call: what reaches it, where it goes, its guards and timing (the egress
//              map; its findings are made per package, in src/audit/egress.ts).
//
// Severities are not decided here: producers describe findings with traits (src/model/traits.ts).

import type { Finding } from '../model/finding.js';
import type { ComparedValues } from '../model/report.js';
import { createContext, type CorrelateInput } from './context.js';
import { propagateTaint } from './taint.js';
import { findTargeting } from './targeting.js';
import { groupChoices } from './choices.js';
import type { Used } from './evidence.js';
import { covertChannels } from './produce/covert-channel.js';
import { regionTargeting } from './produce/region-targeting.js';
import { hiddenExfiltration } from './produce/hidden-exfiltration.js';
import { fingerprintsSent } from './produce/fingerprint-sent.js';
import { hiddenData } from './produce/hidden-data.js';
import { egressMap, type EgressResult } from './egress.js';
import { obfuscatedCode } from './produce/obfuscated-code.js';
import { comparedValues } from './comparisons.js';

export type { CorrelateInput } from './context.js';

export function correlate(inp: CorrelateInput): Finding[] {
  return correlateFile(inp).findings;
}

/**
 * The findings, the file's part of the egress map (read last: it pushes taint classes of its own), and the
 * comparisons of fingerprints with region data, targeting or not (for the report's inventory).
 */
export function correlateFile(inp: CorrelateInput): { findings: Finding[]; egress: EgressResult; comparisons: ComparedValues[] } {
  const ctx = createContext(inp);
  propagateTaint(ctx);
  const targeting = findTargeting(ctx);
  const groups = groupChoices(ctx);
  const used: Used = { targeting: new Set(), data: new Set() };
  const covert = covertChannels(ctx, groups, targeting, used);
  const region = regionTargeting(ctx, targeting, used);
  const exfiltration = hiddenExfiltration(ctx);
  const sent = fingerprintsSent(ctx, exfiltration.kinds, targeting.at);
  const hidden = hiddenData(ctx, used);
  const egress = egressMap(ctx);
  return { findings: [...covert, ...region, ...exfiltration.findings, ...sent, ...hidden, ...obfuscatedCode(ctx)], egress, comparisons: comparedValues(ctx, targeting.comparisons) };
}
