// `telltale probe <target> [--matrix dim=v1,v2 ...] [--format text|json|html] [--timeout 30] [--repeat 2]
//  [--env K=V ...] [--static auto|report.json] [--concurrency N] [--bin name] -- <args for the tool>`
import fs from 'node:fs/promises';
import { atLeast } from '../model/finding.js';
import type { Report } from '../model/report.js';
import { UserError } from '../model/errors.js';
import { closest } from '../model/cli-args.js';

const PROBE_OPTIONS = ['matrix', 'format', 'timeout', 'repeat', 'concurrency', 'env', 'bin', 'static', 'help'];
import { audit } from '../audit/audit.js';
import { isDimension, parseMatrixWord, type Dimension } from './persona.js';
import { defaultConcurrency, runProbe, type ProbeOptions } from './probe.js';
import { RENDERERS, type ProbeFormat } from './report.js';
import { detectSandbox } from './sandbox.js';

export interface ProbeIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

export interface ParsedProbeArgs extends Omit<ProbeOptions, 'staticReport'> {
  format: ProbeFormat;
  staticPath?: string;
}

const MAX_STATIC_BYTES = 256 * 1024 * 1024;

function intOption(name: string, raw: string | undefined, min: number, max: number): number {
  const n = Number(raw);
  if (raw === undefined || !Number.isInteger(n) || n < min || n > max) throw new UserError(`${name} needs a whole number from ${min} to ${max}`);
  return n;
}

export function parseProbeArgs(args: string[], zoneinfo?: string): ParsedProbeArgs {
  const dash = args.indexOf('--');
  const own = dash >= 0 ? args.slice(0, dash) : args;
  const toolArgs = dash >= 0 ? args.slice(dash + 1) : [];
  let target: string | undefined;
  let matrix: Partial<Record<Dimension, string[]>> | undefined;
  let format: ProbeFormat = 'text';
  let timeoutSec = 30;
  let repeat = 2;
  let concurrency = defaultConcurrency();
  let bin: string | undefined;
  let staticPath: string | undefined;
  const env: Record<string, string> = {};
  for (let i = 0; i < own.length; i++) {
    const a = own[i]!;
    const [flag, inline] = a.startsWith('--') && a.includes('=') && !a.startsWith('--matrix=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      const v = own[++i];
      if (v === undefined) throw new UserError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--matrix': {
        matrix ??= {};
        // Words after --matrix are dim=values until the next option.
        let any = false;
        while (i + 1 < own.length && !own[i + 1]!.startsWith('--') && isDimension(own[i + 1]!.split('=')[0]!)) {
          const [dim, values] = parseMatrixWord(own[++i]!, zoneinfo);
          matrix[dim] = [...new Set([...(matrix[dim] ?? []), ...values])];
          any = true;
        }
        if (!any) throw new UserError('--matrix needs at least one dim=values word (tz, lang, host, scheme, proxy, hostname, user)');
        break;
      }
      case '--format': {
        const f = value();
        if (!(f in RENDERERS)) throw new UserError(`--format must be text, json, html or sarif, not ${f}`);
        format = f as ProbeFormat;
        break;
      }
      case '--timeout':
        timeoutSec = intOption('--timeout', value(), 1, 3600);
        break;
      case '--repeat':
        repeat = intOption('--repeat', value(), 2, 10);
        break;
      case '--concurrency':
        concurrency = intOption('--concurrency', value(), 1, 16);
        break;
      case '--env': {
        const kv = value();
        const eq = kv.indexOf('=');
        if (eq < 1 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(kv.slice(0, eq))) throw new UserError(`--env needs NAME=value, got ${kv}`);
        env[kv.slice(0, eq)] = kv.slice(eq + 1);
        break;
      }
      case '--bin':
        bin = value();
        break;
      case '--static':
        staticPath = value();
        break;
      default:
        if (a.startsWith('-')) {
          const near = closest(a, PROBE_OPTIONS);
          throw new UserError(`unknown option ${a} for telltale probe${near ? ` (did you mean --${near}?)` : ''}; tool arguments go after --`);
        }
        if (target !== undefined) throw new UserError(`one target only (got ${target} and ${a}); tool arguments go after --`);
        target = a;
    }
  }
  if (!target) throw new UserError('usage: telltale probe <npm spec | folder | tarball> [--matrix tz=UTC,Asia/Shanghai host=...] [--format text|json|html] [--timeout 30] [--repeat 2] [--env K=V] [--static auto|report.json] -- <tool args>');
  return { target, ...(matrix ? { matrix } : {}), format, timeoutSec, repeat, concurrency, env, toolArgs, ...(bin ? { bin } : {}), ...(staticPath ? { staticPath } : {}) };
}

async function loadStatic(file: string): Promise<Report> {
  let text: string;
  try {
    const st = await fs.stat(file);
    if (st.size > MAX_STATIC_BYTES) throw new UserError(`--static ${file}: larger than ${MAX_STATIC_BYTES} bytes`);
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`--static ${file}: cannot read it`);
  }
  try {
    const r = JSON.parse(text) as Report;
    if (!Array.isArray(r.findings)) throw new Error('no findings');
    for (const f of r.findings) {
      f.related ??= [];
      f.decoded ??= [];
      f.excerpt ??= '';
    }
    return r;
  } catch {
    throw new UserError(`--static ${file}: not a telltale audit JSON report`);
  }
}

/** Exit codes: 0 nothing at or above high, 1 findings at or above high, 2 usage error or no sandbox. */
const PROBE_USAGE = `telltale probe <npm spec | folder | tarball> [options] -- <arguments for the tool>

Runs the tool in a sealed, loopback-only sandbox once per simulated user and diffs what it sends.
  --matrix dim=v1,v2 ...   personas: tz, lang, host, scheme, proxy, hostname, user (cross product)
  --format text|json|html|sarif  report format (default text)
  --timeout S              hard time limit per run (default 30)
  --repeat N               runs of every persona, to learn what varies on its own (default 2; the
                           baseline runs once more)
  --env K=V                extra environment for the tool (repeatable)
  --static auto|report.json  audit the tool statically (or read a telltale audit JSON report): tie
                           differences to its findings, and add a persona for every zone, offset,
                           locale and API host its targeting comparisons name; set the hosts and
                           paths contacted against its egress map (confirmed, predicted but not
                           seen, seen but not predicted)
  --concurrency N          runs in parallel
  --bin name               which bin of the package to run
See docs/probe.md.
`;

export async function probeCommand(args: string[], io: ProbeIo): Promise<number> {
  const dashes = args.indexOf('--');
  const own = dashes === -1 ? args : args.slice(0, dashes);
  if (own.includes('--help') || own.includes('-h')) {
    io.stdout(PROBE_USAGE);
    return 0;
  }
  try {
    const parsed = parseProbeArgs(args);
    const sandbox = await detectSandbox();
    if ('reason' in sandbox) {
      io.stderr(`${sandbox.reason}\n`);
      return 2;
    }
    let staticReport: Report | undefined;
    if (parsed.staticPath === 'auto') {
      io.stderr(`probe: static audit of ${parsed.target}\n`);
      staticReport = await audit(parsed.target);
    } else if (parsed.staticPath) staticReport = await loadStatic(parsed.staticPath);
    const report = await runProbe({ ...parsed, ...(staticReport ? { staticReport } : {}) }, sandbox.mode, (s) => io.stderr(s + '\n'));
    io.stdout(RENDERERS[parsed.format](report));
    return report.findings.some((f) => atLeast(f.severity, 'high')) ? 1 : 0;
  } catch (e) {
    if (e instanceof UserError) {
      io.stderr(`telltale probe: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
