// What a mechanism finding is about, as fingerprint identity parts (src/model/fingerprint.ts): the
// kinds of things read and affected, constants compared, characters chosen — never minified names.

import { setPart } from '../model/fingerprint.js';
import type { SinkFact, SourceFact } from '../flow/facts.js';
import type { Targeting } from './targeting.js';

/** What a source is, without the code around it: the variable name for environment reads, else its kind. */
export function sourceIdentity(s: SourceFact): string {
  return s.detail.startsWith('process.env.') ? s.detail : s.kind;
}

/** What a sink is, without minified receivers: its kind and the method or constructor name. */
export function sinkIdentity(s: SinkFact): string {
  return `${s.kind}:${s.detail.split('.').pop()}`;
}

/** The clear-text constants compared (region literals), their countries, and whether hidden lists were. */
export function targetingIdentity(ts: Targeting[]): string[] {
  const data = ts.flatMap((t) => t.data);
  return [
    setPart('compared', data.filter((d) => d.kind === 'region').map((d) => d.text)),
    setPart('countries', data.flatMap((d) => (d.kind === 'region' ? d.countries : []))),
    `hidden=${data.some((d) => d.kind === 'hidden')}`,
  ];
}
