// Package-level rule: install-time scripts run on every `npm install`, before anyone reads the code.
import type { Finding, Severity } from '../../model/finding.js';
import { findingId } from '../../model/finding.js';
import type { RootManifest } from '../../acquire/index.js';

export const INSTALL_HOOKS = ['preinstall', 'install', 'postinstall', 'prepare'] as const;
/** `prepare` runs for git and local installs, not when a consumer installs the published tarball. */
const CONSUMER_HOOKS: readonly string[] = ['preinstall', 'install', 'postinstall'];

// Commands in an install script that download or decode code to run.
const RISKY = /\b(curl|wget|Invoke-WebRequest|iwr|certutil|bitsadmin|powershell\s+-e(nc)?|base64\s+(-d|--decode)|atob|Buffer\.from)\b|https?:\/\//i;

export const meta = {
  id: 'install-scripts',
  category: 'install-script',
  severity: 'low',
  description: 'Install-time lifecycle scripts (preinstall, install, postinstall, prepare).',
  docs:
    'npm runs preinstall, install and postinstall on every install, with the user\'s privileges, before anyone has ' +
    'looked at the code. Each is reported (low), and raised to medium when the command downloads or decodes code. ' +
    '`prepare` runs only for git and local installs and is listed as info. The files the scripts run are entry ' +
    'points of their own; they are audited like every other file of the package.',
} as const;

export function installScripts(manifest: RootManifest, file: string): { findings: Finding[]; scripts: { name: string; command: string }[] } {
  const findings: Finding[] = [];
  const scripts: { name: string; command: string }[] = [];
  for (const hook of INSTALL_HOOKS) {
    const command = manifest.scripts?.[hook];
    if (typeof command !== 'string') continue;
    scripts.push({ name: hook, command });
    const consumer = CONSUMER_HOOKS.includes(hook);
    const risky = RISKY.test(command);
    const severity: Severity = !consumer ? 'info' : risky ? 'medium' : 'low';
    const location = { file, offset: 0, line: 1, column: 1 };
    findings.push({
      id: findingId(meta.id, location) + ':' + hook,
      ruleId: meta.id,
      category: 'install-script',
      severity,
      title: consumer ? `Runs a ${hook} script on install` : `Has a ${hook} script (runs for git/local installs only)`,
      message: `\`${hook}\`: ${command.slice(0, 300)}${risky ? ' (downloads or decodes code)' : ''}`,
      location,
      related: [],
      decoded: [],
      excerpt: `"${hook}": ${JSON.stringify(command.slice(0, 200))}`,
    });
  }
  return { findings, scripts };
}
