// Command dispatch. Parses arguments, runs a command and decides the exit code:
// 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage error or unreadable target.
// It returns the exit code; only the executable (src/bin/telltale.ts) sets process.exitCode.

import { isSeverity, type Severity } from './model/finding.js';
import { UserError } from './model/errors.js';
import { AUDIT_OPTIONS, closest, parseCommandArgs, wantsHelp } from './model/cli-args.js';
import type { Report } from './model/report.js';
import { FORMATS, REPORTERS, type Format } from './report/index.js';
import { renderEgressJson, renderEgressText } from './report/reporters/egress.js';
import { applyPolicy, gateFailed, loadBaseline, loadPolicy } from './report/policy.js';
import { StatusLine } from './report/status-line.js';
import { resolveSpec } from './acquire/index.js';
import { findLockfile } from './acquire/lockfile.js';
import { statSync } from 'node:fs';
import { TOOL_VERSION } from './version.js';

const USAGE = `telltale ${TOOL_VERSION} — find hidden fingerprinting, region targeting, hidden data and covert channels in npm packages

Usage:
  telltale audit <target> [options]     static audit; <target> is an npm spec (name, name@version, @tag, range),
                                        a .tgz tarball, a folder, or a single .js file
  telltale probe <target> [options] -- <tool args>
                                        run the tool in a sealed sandbox once per simulated user and diff what it sends
  telltale diff <older> <newer> [options]
                                        what changed between two releases (specs, tarballs or folders); exit 1 when
                                        the newer one adds a finding at or above --fail-on
  telltale history <name> [--range R] [--since DATE] [--workers N] [--queue URL] [options]
                                        every release in a range audited (cached), a timeline per finding
  telltale history <name> --bisect <kind or fingerprint> [--range R]
                                        the first and last release carrying a finding, in O(log n) audits
  telltale worker --redis <url> [--concurrency N] [--dead-letters]
                                        run queued history audits (BullMQ on Redis) on this machine
  telltale rules [--format text|json]   list every finding kind, its severity rows, and the detectors
  telltale <command> --help             that command's options
  telltale --version

Audit options:
  --format text|json|sarif|html  report format (default text)
  --egress                print only the egress map (a Markdown table; with --format json, the same as data)
  --fail-on <severity>    exit 1 when a finding is at or above it: critical|high|medium|low|info (default high)
  --allow-incomplete      an entry point or embedded code that could not be analysed (incomplete-analysis, high)
                          does not by itself make the audit exit 1
  --offline               use only the local package cache
  --platform <p>          platform build to follow for stub packages: linux-x64, darwin-arm64, win32-x64, ..., all
  --cache <dir>           package cache (default: $TELLTALE_CACHE or ~/.cache/telltale)
  --quiet                 no progress on stderr
  --verbose               show info findings and the full inventory

diff and history take the audit options above, and:
  --fail-on-any           history: exit 1 when any release (not only the newest) has a finding at or above --fail-on
  --workers N             history: audit processes at once (default: up to 4, one per core)
  --queue <redis-url>     history: run the audits on \`telltale worker\` processes instead
  Results are cached in <cache>/results.sqlite by tarball integrity and analyzer version (docs/history.md).
`;

const AUDIT_USAGE = `telltale audit <target> [options]

Static audit of an npm package: <target> is an npm spec (name, name@version, name@tag, name@range), a .tgz
tarball, a folder, or a single .js file. Package code is never run.

Options:
  --format text|json|sarif|html  report format (default text); sarif: SARIF 2.1.0 for GitHub code
                          scanning; html: one self-contained page
  --egress                print only the egress map (a Markdown table; with --format json, the same as data)
  --fail-on <severity>    exit 1 when a finding is at or above it: critical|high|medium|low|info (default high)
  --offline               use only the local package cache
  --platform <p>          platform build to follow for stub packages: linux-x64, darwin-arm64, win32-x64, ..., all
  --cache <dir>           package cache (default: $TELLTALE_CACHE or ~/.cache/telltale)
  --max-file-mb <n>       largest JavaScript file analysed
  --quiet                 no progress on stderr
  --verbose               show info findings and the full inventory
  --config <file>         policy file (default: telltale.config.json in the current directory, never one inside
                          the target): accepted findings, severity per kind, allowed destinations (docs/policy.md)
  --baseline <report>     an earlier --format json report: only findings not in it are reported
  --allow-incomplete      an entry point or embedded code that could not be analysed does not by itself fail
                          the gate (it is still reported)

A folder with a lockfile (package-lock.json, npm-shrinkwrap.json, pnpm-lock.yaml, yarn.lock or bun.lock) is a
project: every package it resolves is audited on its own (cached, in parallel), with a per-package table worst
first (text, json, or sarif: one run, each finding at the package's lockfile entry); --config, --baseline (a
project report) and --allow-incomplete apply to each package.
  --prod                  project: skip dev dependencies
  --workers N             project: audit processes at once (default: up to 4)

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage error, unreadable target, or
nothing to audit (no JavaScript, no install scripts, no executables).
`;

const DIFF_USAGE = `telltale diff <older> <newer> [options]

What changed between two releases (npm specs, tarballs or folders): findings matched by fingerprint, new
destinations, variables and decoded data. Exit 1 when the newer one adds a finding at or above --fail-on.

Options: --format text|json|sarif|html, --fail-on <severity>, --offline, --platform <p>, --cache <dir>, --max-file-mb <n>,
         --quiet, --verbose (as for telltale audit). Results are cached in <cache>/results.sqlite.
`;

const HISTORY_USAGE = `telltale history <name> [options]
telltale history <name> --bisect <kind or fingerprint> [options]

Every release of a range audited (cached, in parallel), a timeline per finding; --bisect finds the first and last
release carrying a finding in O(log n) audits.

Options:
  --range <semver range>  releases to audit (default: every version)
  --since <date>          only releases published since then
  --workers N             audit processes at once (default: up to 4, one per core)
  --queue <redis-url>     run the audits on \`telltale worker\` processes instead
  --bisect <kind|fp>      first and last release carrying a finding kind or fingerprint
  --fail-on-any           exit 1 when any release (not only the newest) has a finding at or above --fail-on
  and the audit options: --format text|json|html, --fail-on, --offline, --platform, --cache, --max-file-mb, --quiet, --verbose
`;

const WORKER_USAGE = `telltale worker --redis <url> [options]

Runs queued history audits (BullMQ on Redis) on this machine until stopped (SIGINT or SIGTERM).
  --redis <url>           the queue's Redis, e.g. redis://127.0.0.1:6379
  --concurrency N         audits at once (default 1)
  --cache <dir>           package cache
  --offline               use only the local package cache
  --lock-seconds N        a dead worker's job is taken over after about this long (default 30)
  --name <name>           this worker's name in the queue
  --dead-letters          print the jobs that failed every attempt and exit (--format text|json)
`;

const RULES_USAGE = `telltale rules [--format text|json]

Lists every finding kind a report can contain, the severity rows that can rank it, and the detectors.
`;

const COMMAND_USAGE: Record<string, string> = { audit: AUDIT_USAGE, diff: DIFF_USAGE, history: HISTORY_USAGE, worker: WORKER_USAGE, rules: RULES_USAGE };
const COMMANDS = ['audit', 'probe', 'diff', 'history', 'worker', 'rules', 'help'];

/**
 * A target that gave the audit nothing to look at: no JavaScript was analysed, and there are no install scripts,
 * executables or findings. Passing it would be a silent pass on a typo'd folder or a file of another language.
 */
export function nothingToAudit(r: Report): boolean {
  return r.stats.files === 0 && r.findings.length === 0 && r.inventory.binaries.length === 0 && r.inventory.installScripts.length === 0;
}

/** The local folder or file a target names, if it is one (a policy file inside it is the target's own). */
async function localTarget(spec: string, cwd: string): Promise<string | undefined> {
  try {
    const r = await resolveSpec(spec, cwd);
    return r.kind === 'registry' ? undefined : r.path;
  } catch {
    return undefined; // the audit reports the error
  }
}

interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  isTTY: boolean;
}

export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    io.stdout(USAGE);
    return command ? 0 : 2;
  }
  if (command === '--version' || command === '-v') {
    io.stdout(TOOL_VERSION + '\n');
    return 0;
  }
  if (command !== 'probe' && COMMAND_USAGE[command] && wantsHelp(rest)) {
    io.stdout(COMMAND_USAGE[command]);
    return 0;
  }
  if (command === 'rules') return rulesCommand(rest, io);
  if (command === 'probe') {
    const { probeCommand } = await import('./probe/command.js');
    return probeCommand(rest, io);
  }
  if (command === 'diff' || command === 'history') {
    const { diffCommand, historyCommand } = await import('./history/command.js');
    return command === 'diff' ? diffCommand(rest, io) : historyCommand(rest, io);
  }
  if (command === 'worker') {
    const { workerCommand } = await import('./jobs/worker-command.js');
    return workerCommand(rest, io);
  }
  if (command !== 'audit') {
    const near = closest(command, COMMANDS);
    throw new UserError(`unknown command "${command}"${near ? ` (did you mean telltale ${near}?)` : ''}; telltale --help lists them`);
  }
  return auditCommand(rest, io);
}

async function rulesCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseCommandArgs('rules', args, { format: { type: 'string', default: 'text' } }, false);
  // The detectors' registry is loaded only here (it is the analyser).
  const { renderRulesJson, renderRulesText } = await import('./report/catalogue.js');
  if (values.format === 'json') io.stdout(renderRulesJson());
  else if (values.format === 'text') io.stdout(renderRulesText());
  else throw new UserError(`unknown format "${values.format}" for rules (text or json)`);
  return 0;
}

async function auditCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs('audit', args, AUDIT_OPTIONS);
  if (positionals.length !== 1) throw new UserError('audit takes exactly one target (try: telltale --help)');
  const format = values.format as Format;
  if (!FORMATS.includes(format)) throw new UserError(`unknown format "${values.format}" (${FORMATS.join(', ')})`);
  const failOn = values['fail-on']!;
  if (!isSeverity(failOn)) throw new UserError(`--fail-on must be one of critical, high, medium, low, info (got "${failOn}")`);
  const maxMb = values['max-file-mb'] !== undefined ? Number(values['max-file-mb']) : undefined;
  if (maxMb !== undefined && !(maxMb > 0)) throw new UserError('--max-file-mb takes a positive number');

  // The policy and the baseline are read before the audit: a mistake in them is reported before minutes of work.
  const cwd = process.cwd();
  const local = await localTarget(positionals[0]!, cwd);
  const lockfile = local !== undefined && statSync(local).isDirectory() ? findLockfile(local) : undefined;
  if (lockfile) {
    const { projectCommand } = await import('./history/project.js');
    return projectCommand(lockfile, args.filter((a) => a !== positionals[0]), io);
  }
  const policy = loadPolicy({ config: values.config, cwd, localTargets: local ? [local] : [], warn: (l) => io.stderr(`telltale: ${l}\n`) });
  const baseline = values.baseline !== undefined ? loadBaseline(values.baseline, cwd) : undefined;
  if (baseline?.byPackage) throw new UserError(`--baseline ${values.baseline} is a project report; a package audit takes an earlier --format json report of the package`);

  const status = !values.quiet && io.isTTY ? new StatusLine({ write: io.stderr, columns: process.stderr.columns }) : undefined;
  let report: Report;
  try {
    // Loaded here: the analyser is most of the CLI's start-up, and a project, diff or history run does its audits in
    // child processes.
    const { audit } = await import('./audit/audit.js');
    report = await audit(positionals[0]!, {
      offline: values.offline,
      cacheDir: values.cache,
      platform: values.platform,
      onProgress: status ? (msg) => status.update(msg) : undefined,
      limits: maxMb ? { maxJsFileBytes: maxMb * 1024 * 1024 } : undefined,
    });
  } finally {
    status?.stop();
  }
  if (nothingToAudit(report)) throw new UserError(`nothing to audit: ${positionals[0]} has no JavaScript, install scripts or executables`);
  applyPolicy(report, policy, baseline);
  // --allow-incomplete: an entry point that could not be analysed is reported but does not decide the exit code.
  const failed = gateFailed(report, failOn as Severity, values['allow-incomplete']);
  if (values.egress) io.stdout(format === 'json' ? renderEgressJson(report) : renderEgressText(report));
  else io.stdout(REPORTERS[format](report, { color: io.isTTY && format === 'text' && !process.env.NO_COLOR, verbose: values.verbose, failOn: failOn as Severity, failed }));
  return failed ? 1 : 0;
}

