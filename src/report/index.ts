import type { Report } from '../model/report.js';
import { renderJson } from './reporters/json.js';
import { renderText } from './reporters/text.js';
import { renderSarif } from './reporters/sarif.js';

export const FORMATS = ['text', 'json', 'sarif'] as const;
export type Format = (typeof FORMATS)[number];

export interface RenderOptions {
  color: boolean;
  verbose: boolean;
}

export const REPORTERS: Record<Format, (r: Report, o: RenderOptions) => string> = {
  text: (r, o) => renderText(r, o),
  json: (r) => renderJson(r),
  sarif: (r) => renderSarif({ tool: r.tool, target: r.target, findings: r.findings, command: 'audit' }),
};
