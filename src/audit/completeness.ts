// Completeness of an audit: which files and containers could not be analysed and why, and whether any of them is
// code the package runs (an entry point, a bin, an install script's file, an embedded executable's code). Such a
// gap is an `incomplete-analysis` finding (high): a CI job must not read an unanalysed entry point as a clean pass.
import { posix } from 'node:path';
import type { Finding } from '../model/finding.js';
import type { FindingKind } from '../model/catalogue.js';
import type { Unanalysed } from '../model/report.js';
import type { RootManifest } from '../acquire/index.js';
import { createFinding } from '../model/create-finding.js';
import { traits } from '../model/traits.js';

/** Notes that mean a file (or container) was not analysed. */
const NOT_ANALYSED: ReadonlySet<FindingKind> = new Set(['parse-error', 'analysis-error', 'time-limit', 'size-limit', 'container-error', 'file-error', 'data-skipped']);
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall'];

function normal(p: string): string {
  return posix.normalize(p.replace(/\\/g, '/')).replace(/^(\.\/)+/, '');
}

/** Files the package runs: main (or index.js), exports, bin, and the files install scripts run with node. */
export function entryFiles(manifest: RootManifest | undefined, prefix = ''): Set<string> {
  const out = new Set<string>();
  const add = (p: string): void => {
    const n = normal(p);
    out.add(prefix + n);
    if (!/\.[cm]?[jt]sx?$/.test(n)) out.add(prefix + n + '.js');
  };
  add(manifest?.main ?? 'index.js');
  for (const e of manifest?.exports ?? []) add(e);
  const bin = manifest?.bin;
  if (typeof bin === 'string') add(bin);
  else if (bin) for (const b of Object.values(bin)) add(b);
  for (const s of INSTALL_SCRIPTS) {
    const cmd = manifest?.scripts?.[s];
    if (!cmd) continue;
    for (const m of cmd.matchAll(/\bnode\s+(?:-{1,2}[\w-]+(?:=\S+)?\s+)*([^\s;&|'"]+)/g)) add(m[1]!);
  }
  return out;
}

/** What could not be analysed, and the `incomplete-analysis` findings for the entries among them. */
export function completeness(findings: readonly Finding[], entries: ReadonlySet<string>): { unanalysed: Unanalysed[]; findings: Finding[] } {
  const unanalysed: Unanalysed[] = [];
  const out: Finding[] = [];
  for (const f of findings) {
    if (!NOT_ANALYSED.has(f.ruleId as FindingKind)) continue;
    const file = f.location.file;
    const container = file.split('!')[0]!;
    // Embedded executable code and the executables that carry it are entries: the package ships them to run.
    const entry = entries.has(file) || entries.has(container) || file.includes('!') || f.ruleId === 'container-error';
    unanalysed.push({ file, kind: f.ruleId, reason: f.message, entry });
    if (!entry) continue;
    const made = createFinding({
      kind: 'incomplete-analysis',
      traits: traits({ entryUnanalysed: true }),
      identity: [`file=${file}`, `cause=${f.ruleId}`],
      title: file.includes('!') || f.ruleId === 'container-error' ? 'Embedded executable code could not be analysed' : 'An entry point could not be analysed',
      message: `${f.title}: ${f.message} This code runs when the package is used; the audit is incomplete (--allow-incomplete accepts that).`,
      location: f.location,
    });
    if (made) out.push(made);
  }
  return { unanalysed, findings: out };
}
