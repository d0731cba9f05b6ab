// Personas: simulated users who differ in time zone, locale, API base-URL host, proxy, host name and user
// name. The matrix is the cross product of what the user asks for; unnamed dimensions stay at the baseline.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { UserError } from '../model/errors.js';
import { SANDBOX_PATHS, SYSTEM_CA_BUNDLE } from './types.js';

export const DIMENSIONS = ['tz', 'lang', 'host', 'scheme', 'proxy', 'hostname', 'user'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
export type Persona = Record<Dimension, string>;

export const BASELINE: Persona = {
  tz: 'UTC',
  lang: 'en_US.UTF-8',
  host: '127.0.0.1',
  scheme: 'https',
  proxy: 'none',
  hostname: 'alex-thinkpad',
  user: 'alex',
};

/** Without --matrix: each dimension varied on its own, spread over regions. Asia/Singapore shares
 *  Asia/Shanghai's offset and date, so it separates "depends on the zone's name" from "depends on the date".
 *  The locales write dates and numbers in Latin digits (a locale with its own digits or calendar, such as
 *  fa_IR, is left to --matrix: its dates are not recognised as renderings, see docs/probe.md). */
export const DEFAULT_MATRIX: Partial<Record<Dimension, string[]>> = {
  tz: ['UTC', 'Asia/Shanghai', 'Europe/Moscow', 'Asia/Tehran', 'America/New_York', 'Asia/Singapore'],
  host: ['127.0.0.1', 'api.example.cn', 'api.example.ru', 'api.example.com'],
  lang: ['en_US.UTF-8', 'zh_CN.UTF-8', 'ru_RU.UTF-8', 'pt_BR.UTF-8', 'hi_IN.UTF-8'],
};

/** Hosts the public LLM SDKs call by default; mapped to the mocks so a tool that ignores the base-URL
 *  variables is still answered (and recorded) instead of failing on DNS. */
export const WELL_KNOWN_API_HOSTS = ['api.anthropic.com', 'api.openai.com', 'generativelanguage.googleapis.com'];

/** Base-URL variables of the common LLM SDKs, and the path each expects after the host. */
export const BASE_URL_VARIABLES: { name: string; suffix: string }[] = [
  { name: 'ANTHROPIC_BASE_URL', suffix: '' },
  { name: 'OPENAI_BASE_URL', suffix: '/v1' },
  { name: 'OPENAI_API_BASE', suffix: '/v1' },
  { name: 'GOOGLE_GEMINI_BASE_URL', suffix: '' },
  { name: 'GEMINI_BASE_URL', suffix: '' },
];

const KEY_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function keyChars(n: number): string {
  return [...randomBytes(n)].map((b) => KEY_CHARS[b % 64]).join('');
}

/** Keys in each vendor's real format (prefix, alphabet, length), random for each probe and the same in all of
 *  its runs, so a tool gets as far as sending a request and a format check does not tell them from real ones. */
export function vendorKeys(): Record<string, string> {
  const google = `AIza${keyChars(35)}`;
  return {
    ANTHROPIC_API_KEY: `sk-ant-api03-${keyChars(93)}AA`,
    OPENAI_API_KEY: `sk-proj-${keyChars(156)}`,
    GEMINI_API_KEY: google,
    GOOGLE_API_KEY: google,
  };
}

const HOST_RE = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

function validate(dim: Dimension, value: string, zoneinfo: string): string {
  const bad = (why: string) => new UserError(`--matrix ${dim}=${value}: ${why}`);
  switch (dim) {
    case 'tz':
      if (!/^[A-Za-z0-9_+-]+(\/[A-Za-z0-9_+-]+){0,2}$/.test(value)) throw bad('not a time zone name');
      if (!fs.existsSync(`${zoneinfo}/${value}`)) throw bad(`no such zone in ${zoneinfo} (is tzdata installed?)`);
      return value;
    case 'lang':
      if (!/^[A-Za-z]{1,8}([_-][A-Za-z0-9]{1,8})?(\.[A-Za-z0-9-]{1,20})?(@[A-Za-z0-9]{1,20})?$|^C(\.UTF-8)?$|^POSIX$/.test(value)) throw bad('not a locale name');
      return value;
    case 'host':
      if (!HOST_RE.test(value)) throw bad('not a host name or IPv4 address');
      return value.toLowerCase();
    case 'scheme':
      if (value !== 'http' && value !== 'https') throw bad('use http or https');
      return value;
    case 'proxy': {
      if (value === 'none') return value;
      let u: URL;
      try {
        u = new URL(value);
      } catch {
        throw bad('not a URL (or none)');
      }
      if (u.protocol !== 'http:' || !HOST_RE.test(u.hostname)) throw bad('use http://host:port');
      if (u.port === '443') throw bad('port 443 is the mock HTTPS API; pick another proxy port');
      return value;
    }
    case 'hostname':
      if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i.test(value)) throw bad('not a host name label');
      return value;
    case 'user':
      if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(value)) throw bad('not a user name');
      return value;
  }
}

export function isDimension(s: string): s is Dimension {
  return (DIMENSIONS as readonly string[]).includes(s);
}

/** Parses `tz=UTC,Asia/Shanghai` style words. */
export function parseMatrixWord(word: string, zoneinfo = '/usr/share/zoneinfo'): [Dimension, string[]] {
  const eq = word.indexOf('=');
  const dim = word.slice(0, eq);
  if (eq < 1 || !isDimension(dim)) throw new UserError(`--matrix: expected one of ${DIMENSIONS.join(', ')} followed by =values, got "${word}"`);
  const values = [...new Set(word.slice(eq + 1).split(',').map((v) => v.trim()).filter(Boolean))];
  if (values.length === 0) throw new UserError(`--matrix ${dim}: no values`);
  return [dim, values.map((v) => validate(dim, v, zoneinfo))];
}

export const MAX_PERSONAS = 64;

/** The personas to run. The first is the baseline: the first value of every dimension. */
export function buildMatrix(matrix: Partial<Record<Dimension, string[]>> | undefined): Persona[] {
  if (!matrix) {
    const base = { ...BASELINE };
    const out: Persona[] = [base];
    for (const [dim, values] of Object.entries(DEFAULT_MATRIX) as [Dimension, string[]][]) {
      base[dim] = values[0]!;
      for (const v of values.slice(1)) out.push({ ...BASELINE, [dim]: v });
    }
    return out;
  }
  let out: Persona[] = [{ ...BASELINE }];
  for (const dim of DIMENSIONS) {
    const values = matrix[dim];
    if (!values?.length) continue;
    out = out.flatMap((p) => values.map((v) => ({ ...p, [dim]: v })));
  }
  if (out.length > MAX_PERSONAS) throw new UserError(`--matrix: ${out.length} personas, at most ${MAX_PERSONAS}`);
  return out;
}

/** Dimensions that take more than one value in this matrix, in a stable order. */
export function variedDimensions(personas: Persona[]): Dimension[] {
  return DIMENSIONS.filter((d) => new Set(personas.map((p) => p[d])).size > 1);
}

export function personaLabel(p: Persona, dims: Dimension[]): string {
  const shown = dims.length ? dims : (['tz'] as Dimension[]);
  return shown.map((d) => `${d}=${p[d]}`).join(',');
}

export function proxyOf(p: Persona): URL | undefined {
  return p.proxy === 'none' ? undefined : new URL(p.proxy);
}

export function defaultPort(scheme: string): number {
  return scheme === 'http' ? 80 : 443;
}

/** The tool's complete environment for one persona: what a developer's login shell has, plus the base URLs
 *  and keys. No hook, no variable that names the probe. The zone comes from /etc/localtime (no `TZ`), as on
 *  a desktop; Node reads its CA bundle unless told otherwise, so `NODE_EXTRA_CA_CERTS` names the system
 *  bundle (the one remaining marker, see docs/probe.md). */
export function personaEnv(p: Persona, extra: Record<string, string>, keys: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {
    PATH: `${SANDBOX_PATHS.npmPrefix}/bin:${SANDBOX_PATHS.home}/.local/bin:/usr/local/bin:/usr/bin:/bin:/usr/games`,
    HOME: SANDBOX_PATHS.home,
    USER: p.user,
    LOGNAME: p.user,
    SHELL: '/bin/bash',
    TERM: 'xterm-256color',
    COLORTERM: 'truecolor',
    EDITOR: 'vim',
    PAGER: 'less',
    SHLVL: '1',
    PWD: SANDBOX_PATHS.workDir,
    LANG: p.lang,
    NODE_EXTRA_CA_CERTS: SYSTEM_CA_BUNDLE,
  };
  const origin = `${p.scheme}://${p.host}`;
  for (const v of BASE_URL_VARIABLES) env[v.name] = origin + v.suffix;
  Object.assign(env, keys);
  const proxy = proxyOf(p);
  if (proxy) for (const k of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy']) env[k] = proxy.href.replace(/\/$/, '');
  for (const [k, v] of Object.entries(extra)) env[k] = v;
  return env;
}

/** Every name the tool may legitimately use (and `extra`: the destinations a static audit predicted), mapped to
 *  loopback; anything else meets the REFUSING DNS stub. */
export function hostsFile(personas: Persona[], own: Persona, extra: string[] = []): string {
  const names = new Set(['localhost', ...WELL_KNOWN_API_HOSTS, ...extra]);
  for (const p of personas) {
    if (!/^[\d.]+$/.test(p.host)) names.add(p.host);
    const proxy = proxyOf(p);
    if (proxy) names.add(proxy.hostname);
  }
  const lines = ['127.0.0.1\t' + [...names].join(' '), '::1\tlocalhost ip6-localhost ip6-loopback'];
  lines.push(`127.0.1.1\t${own.hostname}`);
  return lines.join('\n') + '\n';
}

export function certificateNames(personas: Persona[], extra: string[] = []): string[] {
  const names = new Set([...WELL_KNOWN_API_HOSTS, ...extra]);
  for (const p of personas) names.add(p.host);
  return [...names];
}

export function listeningPorts(personas: Persona[]): { https: number[]; http: number[]; proxy: number[] } {
  const proxy = new Set<number>();
  for (const p of personas) {
    const u = proxyOf(p);
    if (u) proxy.add(Number(u.port || 80));
  }
  proxy.delete(80);
  return { https: [443], http: [80], proxy: [...proxy] };
}
