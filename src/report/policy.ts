// The reviewer's policy (`telltale.config.json`) and baselines: what a team decided about findings it has looked at.
// The file is read from the current directory or from --config, never from inside the audited target: a hostile
// package would ship one that accepts its own findings. See docs/policy.md.
//
// - accept: findings by fingerprint, each with a reason and an expiry date. An accepted finding is still listed,
//   marked accepted with its reason, and does not fail the gate; once the date has passed it fails the gate
//   whatever its severity, until someone reviews it again.
// - severity: a severity per finding kind, replacing the policy's (the finding keeps the row that decided the
//   original one, and says it was overridden).
// - allowedDestinations: hosts (`api.example.com`, `*.example.com`) the team expects the package to talk to; the
//   report lists the hosts it mentions that are not on the list.
// - a baseline (an earlier JSON report): only findings whose fingerprint is not in it are reported.
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { closest } from '../model/cli-args.js';
import { FINDING_KINDS, type FindingKind } from '../model/catalogue.js';
import { atLeast, isSeverity, type Finding, type Severity } from '../model/finding.js';
import { UserError } from '../model/errors.js';
import type { PolicyReport, Report } from '../model/report.js';

export const POLICY_FILE = 'telltale.config.json';
const MAX_POLICY_BYTES = 4 * 1024 * 1024;
const MAX_BASELINE_BYTES = 512 * 1024 * 1024;

export interface Acceptance {
  fingerprint: string;
  reason: string;
  /** YYYY-MM-DD: accepted up to and including that day (UTC). */
  expires: string;
}

export interface Policy {
  /** Where it was read from (absolute). */
  file: string;
  accept: Acceptance[];
  severity: Partial<Record<FindingKind, Severity>>;
  allowedDestinations: string[];
}

const KEYS = ['$schema', 'accept', 'severity', 'allowedDestinations'];
const ACCEPT_KEYS = ['fingerprint', 'reason', 'expires'];

function fail(file: string, what: string): never {
  throw new UserError(`${file}: ${what}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkKeys(file: string, where: string, o: Record<string, unknown>, valid: string[]): void {
  for (const k of Object.keys(o)) {
    if (!valid.includes(k)) {
      const near = closest(k, valid);
      fail(file, `unknown key "${k}"${where}${near ? ` (did you mean "${near}"?)` : ''}`);
    }
  }
}

function validDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** Parses and checks a policy; every mistake is one line naming the file and the entry. */
export function parsePolicy(text: string, file: string): Policy {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    fail(file, `not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
  if (!isObject(raw)) fail(file, 'must be a JSON object');
  checkKeys(file, '', raw, KEYS);
  const accept: Acceptance[] = [];
  if (raw.accept !== undefined) {
    if (!Array.isArray(raw.accept)) fail(file, '"accept" must be a list');
    raw.accept.forEach((a, i) => {
      const at = ` in accept[${i}]`;
      if (!isObject(a)) fail(file, `accept[${i}] must be an object with fingerprint, reason and expires`);
      checkKeys(file, at, a, ACCEPT_KEYS);
      if (typeof a.fingerprint !== 'string' || !/^[0-9a-f]{32}(:\d+)?$/.test(a.fingerprint)) fail(file, `accept[${i}].fingerprint must be a finding's fingerprint (32 hex digits, as in the JSON report)`);
      if (typeof a.reason !== 'string' || a.reason.trim() === '') fail(file, `accept[${i}].reason must say why it was accepted`);
      if (typeof a.expires !== 'string' || !validDate(a.expires)) fail(file, `accept[${i}].expires must be a date such as 2027-01-31 (an acceptance without an end is not allowed)`);
      accept.push({ fingerprint: a.fingerprint, reason: a.reason.trim(), expires: a.expires });
    });
  }
  const severity: Partial<Record<FindingKind, Severity>> = {};
  if (raw.severity !== undefined) {
    if (!isObject(raw.severity)) fail(file, '"severity" must be an object: finding kind → severity');
    for (const [kind, sev] of Object.entries(raw.severity)) {
      if (!(FINDING_KINDS as readonly string[]).includes(kind)) {
        const near = closest(kind, FINDING_KINDS);
        fail(file, `severity: unknown finding kind "${kind}"${near ? ` (did you mean "${near}"?)` : ''}; telltale rules lists them`);
      }
      if (typeof sev !== 'string' || !isSeverity(sev)) fail(file, `severity.${kind} must be one of critical, high, medium, low, info`);
      severity[kind as FindingKind] = sev;
    }
  }
  const allowedDestinations: string[] = [];
  if (raw.allowedDestinations !== undefined) {
    if (!Array.isArray(raw.allowedDestinations)) fail(file, '"allowedDestinations" must be a list of host names');
    for (const h of raw.allowedDestinations) {
      if (typeof h !== 'string' || !/^(\*\.)?[a-z0-9.-]+$/i.test(h)) fail(file, `allowedDestinations: "${String(h)}" is not a host name (api.example.com or *.example.com)`);
      allowedDestinations.push(h.toLowerCase());
    }
  }
  return { file, accept, severity, allowedDestinations };
}

function inside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
}

/**
 * The policy for a run: `--config <file>` when given, else `telltale.config.json` in `cwd`. A file found in `cwd`
 * that lies inside a local target (`telltale audit .`) is the target's own and is ignored: `warn` says so.
 */
export function loadPolicy(opts: { config?: string; cwd: string; localTargets: string[]; warn: (line: string) => void }): Policy | undefined {
  let file: string;
  if (opts.config !== undefined) {
    file = resolve(opts.cwd, opts.config);
    if (!existsSync(file)) throw new UserError(`--config ${opts.config}: no such file`);
  } else {
    file = resolve(opts.cwd, POLICY_FILE);
    if (!existsSync(file)) return undefined;
    const target = opts.localTargets.map(real).find((t) => inside(real(file), statSync(t).isDirectory() ? t : dirname(t)));
    if (target) {
      opts.warn(`ignoring ${file}: it is inside the audited target (${target}); a package must not set its own policy. Use --config to name a policy file.`);
      return undefined;
    }
  }
  const st = statSync(file);
  if (!st.isFile()) throw new UserError(`${file}: not a file`);
  if (st.size > MAX_POLICY_BYTES) throw new UserError(`${file}: larger than ${MAX_POLICY_BYTES} bytes`);
  return parsePolicy(readFileSync(file, 'utf8'), file);
}

/** Fingerprint → how often it occurs. */
export type FingerprintCounts = Map<string, number>;

export interface Baseline {
  file: string;
  /** A package report's fingerprints. */
  fingerprints: FingerprintCounts;
  /** A project report's (`telltale audit <dir> --format json`): per package name, as versions change. */
  byPackage?: Map<string, FingerprintCounts>;
}

function countFingerprints(findings: unknown[]): FingerprintCounts {
  const fingerprints: FingerprintCounts = new Map();
  for (const f of findings) {
    const fp = isObject(f) && typeof f.fingerprint === 'string' ? f.fingerprint.replace(/:\d+$/, '') : undefined;
    if (fp) fingerprints.set(fp, (fingerprints.get(fp) ?? 0) + 1);
  }
  return fingerprints;
}

/** The fingerprints of an earlier JSON report (`telltale audit --format json`, of a package or of a project). */
export function loadBaseline(path: string, cwd: string): Baseline {
  const file = resolve(cwd, path);
  let text: string;
  try {
    if (statSync(file).size > MAX_BASELINE_BYTES) throw new UserError(`--baseline ${path}: larger than ${MAX_BASELINE_BYTES} bytes`);
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`--baseline ${path}: cannot read it`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new UserError(`--baseline ${path}: not JSON (give a report made with --format json)`);
  }
  const packages = isObject(data) ? data.packages : undefined;
  if (Array.isArray(packages)) {
    const byPackage = new Map<string, FingerprintCounts>();
    for (const p of packages) {
      if (!isObject(p) || typeof p.name !== 'string' || !Array.isArray(p.findings)) continue;
      const counts = byPackage.get(p.name) ?? new Map<string, number>();
      for (const [fp, n] of countFingerprints(p.findings)) counts.set(fp, (counts.get(fp) ?? 0) + n);
      byPackage.set(p.name, counts);
    }
    return { file, fingerprints: new Map(), byPackage };
  }
  const findings = isObject(data) ? data.findings : undefined;
  if (!Array.isArray(findings)) throw new UserError(`--baseline ${path}: not a telltale JSON report (no findings list)`);
  return { file, fingerprints: countFingerprints(findings) };
}

export function hostAllowed(host: string, allowed: readonly string[]): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return allowed.some((a) => (a.startsWith('*.') ? h.endsWith(a.slice(1)) || h === a.slice(2) : h === a));
}

/** Today as YYYY-MM-DD (UTC). */
export function today(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/**
 * Applies a policy and a baseline to a report, in place: severity overrides, then the baseline (findings already
 * in it are dropped and counted), then acceptances (marked on the finding). Returns the report.
 */
export function applyPolicy(report: Report, policy: Policy | undefined, baseline: Pick<Baseline, 'file' | 'fingerprints'> | undefined, now: Date = new Date()): Report {
  if (!policy && !baseline) return report;
  const summary: PolicyReport = { accepted: 0, expired: [], overridden: [], unused: [] };
  if (policy) summary.file = policy.file;
  let findings = report.findings;
  if (policy) {
    for (const f of findings) {
      const to = policy.severity[f.ruleId];
      if (to && to !== f.severity) {
        summary.overridden.push({ id: f.id, kind: f.ruleId, from: f.severity, to });
        f.policy = { row: f.policy.row, reason: `${f.policy.reason} (was ${f.severity}; set to ${to} for ${f.ruleId} by the policy file)` };
        f.severity = to;
      }
    }
  }
  if (baseline) {
    const left = new Map(baseline.fingerprints);
    const known: Finding[] = [];
    findings = findings.filter((f) => {
      const fp = f.fingerprint.replace(/:\d+$/, '');
      const n = left.get(fp) ?? 0;
      if (n > 0) {
        left.set(fp, n - 1);
        known.push(f);
        return false;
      }
      return true;
    });
    summary.baseline = { file: baseline.file, known: known.length, new: findings.length };
  }
  if (policy) {
    const day = today(now);
    const byFp = new Map(policy.accept.map((a) => [a.fingerprint, a]));
    const used = new Set<string>();
    for (const f of findings) {
      const a = byFp.get(f.fingerprint) ?? byFp.get(f.fingerprint.replace(/:\d+$/, ''));
      if (!a) continue;
      used.add(a.fingerprint);
      const expired = a.expires < day;
      f.accepted = { reason: a.reason, expires: a.expires, ...(expired ? { expired: true } : {}) };
      if (expired) summary.expired.push({ id: f.id, fingerprint: f.fingerprint, reason: a.reason, expires: a.expires });
      else summary.accepted++;
    }
    summary.unused = policy.accept.filter((a) => !used.has(a.fingerprint)).map((a) => a.fingerprint);
    if (policy.allowedDestinations.length) {
      summary.destinations = {
        allowed: policy.allowedDestinations,
        notAllowed: report.inventory.hosts.map((h) => h.value).filter((h) => !hostAllowed(h, policy.allowedDestinations)).sort(),
      };
    }
  }
  report.findings = findings;
  report.policy = summary;
  return report;
}

/**
 * The findings that fail the gate: those at or above `failOn` that are not accepted, and every finding whose
 * acceptance has expired, whatever its severity (an expired review is a decision nobody has made again).
 */
export function gateFailures(report: Report, failOn: Severity): Finding[] {
  return report.findings.filter((f) => (f.accepted ? f.accepted.expired === true : atLeast(f.severity, failOn)));
}

/**
 * The gate of one audited package, the same for `telltale audit <package>` and for each package of a project:
 * failed when gateFailures has a finding, except that with --allow-incomplete an analysis that could not finish
 * (incomplete-analysis) does not by itself fail it.
 */
export function gateFailed(report: Report, failOn: Severity, allowIncomplete: boolean): boolean {
  return gateFailures(report, failOn).some((f) => !(allowIncomplete && f.ruleId === 'incomplete-analysis'));
}
