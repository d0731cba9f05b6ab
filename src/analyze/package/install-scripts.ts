// Package-level rule: install-time scripts run on every `npm install`, before anyone reads the code.
import type { Finding } from '../../model/finding.js';
import type { RootManifest } from '../../acquire/index.js';
import { createFinding } from '../../model/create-finding.js';
import { traits, type InstallScript } from '../../model/traits.js';

export const INSTALL_HOOKS = ['preinstall', 'install', 'postinstall', 'prepare'] as const;
/** `prepare` runs for git and local installs, not when a consumer installs the published tarball. */
const CONSUMER_HOOKS: readonly string[] = ['preinstall', 'install', 'postinstall'];

// Commands in an install script that download or decode code to run.
const RISKY = /\b(curl|wget|Invoke-WebRequest|iwr|certutil|bitsadmin|powershell\s+-e(nc)?|base64\s+(-d|--decode)|atob|Buffer\.from)\b|https?:\/\//i;

export function installScripts(manifest: RootManifest, file: string): { findings: Finding[]; scripts: { name: string; command: string }[] } {
  const findings: Finding[] = [];
  const scripts: { name: string; command: string }[] = [];
  for (const hook of INSTALL_HOOKS) {
    const command = manifest.scripts?.[hook];
    if (typeof command !== 'string') continue;
    scripts.push({ name: hook, command });
    const consumer = CONSUMER_HOOKS.includes(hook);
    const risky = RISKY.test(command);
    const what: InstallScript = !consumer ? 'git-only' : risky ? 'fetches-code' : 'runs';
    const f = createFinding({
      kind: 'install-scripts',
      traits: traits({ installScript: what }),
      identity: [`hook=${hook}`, `command=${command}`],
      title: consumer ? `Runs a ${hook} script on install` : `Has a ${hook} script (runs for git/local installs only)`,
      message: `\`${hook}\`: ${command.slice(0, 300)}${risky ? ' (downloads or decodes code)' : ''}`,
      location: { file, offset: 0, line: 1, column: 1 },
      excerpt: `"${hook}": ${JSON.stringify(command.slice(0, 200))}`,
    });
    if (f) {
      // One package.json location holds every hook: the hook keeps the ids apart.
      f.id += ':' + hook;
      findings.push(f);
    }
  }
  return { findings, scripts };
}
