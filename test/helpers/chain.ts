// The evidence chain of a finding as two reports show it: the text report's step lines and a SARIF result's
// threadFlow. Tests compare the two so that a SARIF viewer walks the same steps a reader of the text report sees.
import { FLOW_ORDER } from '../../src/report/reporters/sarif.js';

export interface Step {
  role: string;
  file: string;
  line: number;
  column: number;
}

export interface TextFinding {
  severity: string;
  ruleId: string;
  at: string;
  steps: Step[];
}

const HEADER = /^(CRITICAL|HIGH|MEDIUM|LOW|INFO) .* {2}\[([a-z0-9-]+)\]/;
const STEP = /^ {4}([a-z]+) +(.+?):(\d+):(\d+)(?: {2}|$)/;

/** Every finding of a text report (rendered without colour) with the evidence steps listed under it. */
export function textFindings(text: string): TextFinding[] {
  const out: TextFinding[] = [];
  let cur: TextFinding | undefined;
  for (const line of text.split('\n')) {
    const h = HEADER.exec(line);
    if (h) {
      cur = { severity: h[1]!.toLowerCase(), ruleId: h[2]!, at: '', steps: [] };
      out.push(cur);
      continue;
    }
    if (!cur) continue;
    if (line === '') {
      cur = undefined;
      continue;
    }
    if (line.startsWith('  at ') && !cur.at) cur.at = line.slice(5);
    const s = STEP.exec(line);
    if (s) cur.steps.push({ role: s[1]!, file: s[2]!, line: Number(s[3]), column: Number(s[4]) });
  }
  return out;
}

/** The steps of a SARIF result's one threadFlow, with the file as the report names it (inside an executable too). */
export function sarifSteps(result: any): Step[] {
  const locs = (result.codeFlows?.[0]?.threadFlows?.[0]?.locations ?? []) as any[];
  return locs.map((l) => {
    const loc = l.location;
    const uri = decodeURIComponent(loc.physicalLocation.artifactLocation.uri as string);
    if (loc.properties?.embeddedPath) return { role: l.kinds[0], file: `${uri}!${loc.properties.embeddedPath}`, line: loc.properties.embeddedLine, column: loc.properties.embeddedColumn };
    return { role: l.kinds[0], file: uri, line: loc.physicalLocation.region.startLine, column: loc.physicalLocation.region.startColumn };
  });
}

/** The text report's steps in the order a threadFlow runs them (by role, stable within a role). */
export function inFlowOrder(steps: Step[]): Step[] {
  return steps
    .map((s, i) => ({ s, i }))
    .sort((a, b) => FLOW_ORDER.indexOf(a.s.role as never) - FLOW_ORDER.indexOf(b.s.role as never) || a.i - b.i)
    .map((x) => x.s);
}
