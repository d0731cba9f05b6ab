// Package-level rule: install-time scripts run on every `npm install`, before anyone reads the code.
import type { Finding, Severity } from '../../model/finding.js';
import { findingId } from '../../model/finding.js';
import type { RootManifest } from '../../acquire/index.js';

export const INSTALL_HOOKS = ['preinstall', 'install', 'postinstall', 'prepare'] as const;

// Commands in an install script that fetch or run remote or inline code.
const RISKY = /\b(curl|wget|Invoke-WebRequest|iwr|certutil|bitsadmin|powershell\s+-e|node\s+-e|python3?\s+-c|eval|base64\s+(-d|--decode))\b|https?:\/\//i;

export const meta = {
  id: 'install-scripts',
  category: 'install-script',
  severity: 'low',
  description: 'Install-time lifecycle scripts (preinstall, install, postinstall, prepare).',
  docs:
    'npm runs these scripts on install, with the user\'s privileges, before anyone has looked at the code. Each is ' +
    'reported (low), and raised to medium when the command downloads or evaluates code inline. The files they run ' +
    'are entry points of their own; they are audited like every other file of the package.',
} as const;

export function installScripts(manifest: RootManifest, file: string): { findings: Finding[]; scripts: { name: string; command: string }[] } {
  const findings: Finding[] = [];
  const scripts: { name: string; command: string }[] = [];
  for (const hook of INSTALL_HOOKS) {
    const command = manifest.scripts?.[hook];
    if (typeof command !== 'string') continue;
    scripts.push({ name: hook, command });
    const risky = RISKY.test(command);
    const severity: Severity = risky ? 'medium' : 'low';
    const location = { file, offset: 0, line: 1, column: 1 };
    findings.push({
      id: findingId(meta.id, location) + ':' + hook,
      ruleId: meta.id,
      category: 'install-script',
      severity,
      title: `Runs a ${hook} script on install`,
      message: `\`${hook}\`: ${command.slice(0, 300)}${risky ? ' (downloads or evaluates code inline)' : ''}`,
      location,
      related: [],
      decoded: [],
      excerpt: `"${hook}": ${JSON.stringify(command.slice(0, 200))}`,
    });
  }
  return { findings, scripts };
}
