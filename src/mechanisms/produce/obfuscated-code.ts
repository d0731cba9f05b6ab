// Producer of obfuscated-code: a file whose obfuscation score (signs counted during the walk) is heavy.

import type { Finding } from '../../model/finding.js';
import type { ObfuscationSigns } from '../../flow/facts.js';
import { traits, type Traits } from '../../model/traits.js';
import type { Context } from '../context.js';
import { obfuscatedMessage, obfuscatedTitle } from '../wording.js';

/** A score at or above this is heavy obfuscation (see docs/obfuscation.md for the measured table). */
export const HEAVY_OBFUSCATION = 5;
export const MAX_OBFUSCATION_SCORE = 12;

export interface ObfuscationScore {
  score: number;
  /** The signs that counted, in words. */
  signs: string[];
}

const share = (part: number, whole: number): number => (whole === 0 ? 0 : part / whole);

/** 0..12 from the signs; the weights put one string array with hex lookups and hex names above the threshold. */
export function obfuscationScore(s: ObfuscationSigns): ObfuscationScore {
  const signs: string[] = [];
  let score = 0;
  const add = (points: number, sign: string): void => {
    score += points;
    signs.push(`${sign} (+${points})`);
  };
  if (s.stringArrays > 0 && (s.rotations > 0 || (s.hexCalls >= 3 && s.hexCalls * 10 >= s.calls))) {
    add(3, s.rotations > 0 ? 'a string array rotated at start-up' : `a string array read through ${s.hexCalls} hex-indexed lookups`);
  }
  if (s.numbers >= 20 && share(s.hexNumbers, s.numbers) >= 0.5) add(2, `${Math.round(100 * share(s.hexNumbers, s.numbers))}% of numbers spelled in hex`);
  if (s.names >= 50 && share(s.hexNames, s.names) >= 0.2) add(2, `${Math.round(100 * share(s.hexNames, s.names))}% of identifiers renamed to hex numbers`);
  if (s.dispatchOrders > 0) add(s.dispatchOrders >= 3 ? 2 : 1, `${s.dispatchOrders} control-flow dispatch order${s.dispatchOrders > 1 ? 's' : ''}`);
  if (s.literalCompares >= 3) add(1, `${s.literalCompares} comparisons of two string literals (dead code)`);
  if (s.constructorCode > 0) add(1, 'code built from a string through a constructor (debug protection)');
  if (s.selfInspection > 0) add(1, 'code that searches its own source (self-defending)');
  return { score, signs };
}

/**
 * The traits of an obfuscated file. A file is judged alone first (high: obfuscation among readable code); the
 * audit judges it again against the rest of the package (src/audit/obfuscation-judgement.ts).
 */
export function obfuscationTraits(throughout: boolean): Traits {
  return traits({ heavyObfuscation: true, obfuscatedThroughout: throughout });
}

export function obfuscatedCode(ctx: Context): Finding[] {
  const { score, signs } = obfuscationScore(ctx.facts.obfuscation);
  if (score < HEAVY_OBFUSCATION) return [];
  const at = { start: 0, end: Math.min(ctx.text.length, 120) };
  const f = ctx.finding(
    'obfuscated-code',
    obfuscationTraits(false),
    ['obfuscated', ...signs.map((x) => x.replace(/\d+%?|\(\+\d+\)/g, '').trim())],
    obfuscatedTitle(score, MAX_OBFUSCATION_SCORE),
    obfuscatedMessage(signs),
    at,
    [],
    [],
  );
  return f ? [f] : [];
}
