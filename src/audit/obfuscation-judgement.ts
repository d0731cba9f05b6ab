// Obfuscation judged against the rest of the package. A file is judged alone while it is analysed (heavy
// obfuscation: high, as if the rest were readable); after all files, the package decides: obfuscated files among
// readable ones stay high, and a package whose JavaScript is obfuscated throughout (every analysed file, or all of
// its entry code) has nothing readable to compare with: medium, with that reason in the message.
import type { Finding } from '../model/finding.js';
import { rejudgeFinding } from '../model/create-finding.js';
import { obfuscationTraits } from '../mechanisms/produce/obfuscated-code.js';
import { obfuscatedThroughoutNote } from '../mechanisms/wording.js';

function filesOf(f: Finding): string[] {
  return [f.location.file, ...(f.alsoAt ?? []).map((l) => l.file)];
}

/** What is obfuscated throughout, if anything: every analysed JS file, or all of the entry code that was analysed. */
export function obfuscatedThroughout(heavy: ReadonlySet<string>, analysed: readonly string[], entries: ReadonlySet<string>): 'every-file' | 'entry-code' | null {
  if (heavy.size === 0 || analysed.length === 0) return null;
  if (analysed.every((f) => heavy.has(f))) return 'every-file';
  const entryCode = analysed.filter((f) => entries.has(f));
  return entryCode.length > 0 && entryCode.every((f) => heavy.has(f)) ? 'entry-code' : null;
}

/** The findings, with each obfuscated-code finding judged again when the package is obfuscated throughout. */
export function judgeObfuscation(findings: readonly Finding[], analysed: readonly string[], entries: ReadonlySet<string>): Finding[] {
  const obfuscated = findings.filter((f) => f.ruleId === 'obfuscated-code');
  if (obfuscated.length === 0) return [...findings];
  const throughout = obfuscatedThroughout(new Set(obfuscated.flatMap(filesOf)), analysed, entries);
  if (throughout === null) return [...findings];
  const note = obfuscatedThroughoutNote(throughout);
  const out: Finding[] = [];
  for (const f of findings) {
    if (f.ruleId !== 'obfuscated-code') out.push(f);
    else {
      const again = rejudgeFinding(f, obfuscationTraits(true), note);
      if (again) out.push(again);
    }
  }
  return out;
}
