// Turns what a user typed into an audit job. Registry specs are resolved to an exact version and its tarball
// integrity first (one manifest request, cached by pacote), so the result cache is consulted before anything is
// downloaded; local paths become absolute, so a job means the same thing in any process.
import type Pacote from 'pacote';
import { fetchFailure, loadPacote, pacoteOptions, resolveSpec } from '../acquire/index.js';
import type { AuditJob } from './audit-job.js';

export interface JobDefaults {
  platform: string;
  maxFileMb?: number;
  cacheDir?: string;
  offline?: boolean;
}

export async function jobForSpec(spec: string, d: JobDefaults): Promise<AuditJob> {
  const base = { platform: d.platform, ...(d.maxFileMb !== undefined ? { maxFileMb: d.maxFileMb } : {}) };
  const resolved = await resolveSpec(spec);
  if (resolved.kind !== 'registry') return { ...base, spec: resolved.path };
  let manifest: Awaited<ReturnType<typeof Pacote.manifest>>;
  try {
    manifest = await (await loadPacote()).manifest(resolved.spec, pacoteOptions(d));
  } catch (e) {
    throw fetchFailure(resolved.spec, e);
  }
  const integrity = typeof manifest._integrity === 'string' ? manifest._integrity : undefined;
  return { ...base, spec: `${manifest.name}@${manifest.version}`, ...(integrity ? { integrity } : {}) };
}
