// Gets the tool to probe onto disk: an npm spec or tarball through pacote, or a folder as it is. Runtime and
// optional dependencies (a native tool's per-platform build) are installed with scripts disabled, so no package
// code runs on the host.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pacote from 'pacote';
import type { TargetInfo } from '../model/report.js';
import { UserError } from '../model/errors.js';

export interface PreparedTool {
  info: TargetInfo;
  /** Host directory of the package (bound read-only into the sandbox). */
  dir: string;
  /** The bin entry, relative to dir. */
  bin: string;
  /** The bin's command name, when the package names it. */
  binName?: string;
  /** True for a native executable (ELF), which runs as it is rather than under node. */
  native: boolean;
  dispose(): Promise<void>;
}

const INSTALL_TIMEOUT_MS = 10 * 60_000;

interface Manifest {
  name?: string;
  version?: string;
  bin?: string | Record<string, string>;
  dependencies?: Record<string, string>;
  /** Where launchers of native tools keep their per-platform builds (`@openai/codex` → its linux-x64 package). */
  optionalDependencies?: Record<string, string>;
}

/** Whether npm has anything to install for the package: runtime or optional (per-platform) dependencies. */
export function needsInstall(pkg: Manifest): boolean {
  return Object.keys(pkg.dependencies ?? {}).length > 0 || Object.keys(pkg.optionalDependencies ?? {}).length > 0;
}

/** The command name npm would link for the chosen bin. */
export function binNameOf(pkg: Manifest, wanted?: string): string | undefined {
  const name = (pkg.name ?? '').replace(/^@[^/]+\//, '');
  if (typeof pkg.bin === 'string') return name || undefined;
  const entries = Object.keys(pkg.bin ?? {});
  return wanted && entries.includes(wanted) ? wanted : (entries.find((k) => k === name) ?? entries[0]);
}

export function chooseBin(pkg: Manifest, wanted?: string): string {
  const name = (pkg.name ?? '').replace(/^@[^/]+\//, '');
  if (typeof pkg.bin === 'string') return pkg.bin;
  const entries = Object.entries(pkg.bin ?? {});
  if (entries.length === 0) throw new UserError(`${pkg.name ?? 'target'} has no bin entry in package.json`);
  if (wanted) {
    const hit = entries.find(([k]) => k === wanted);
    if (!hit) throw new UserError(`${pkg.name ?? 'target'} has no bin named ${wanted} (has ${entries.map(([k]) => k).join(', ')})`);
    return hit[1];
  }
  return (entries.find(([k]) => k === name) ?? entries[0]!)[1];
}

function npmInstall(dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      'npm',
      ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock'],
      { cwd: dir, timeout: INSTALL_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
      (err, _out, stderr) => (err ? reject(new UserError(`npm install of the tool's dependencies failed: ${String(stderr).trim().split('\n').slice(-1)[0] ?? err.message}`)) : resolve()),
    );
  });
}

async function readManifest(dir: string): Promise<Manifest> {
  try {
    return JSON.parse(await fs.readFile(path.join(dir, 'package.json'), 'utf8')) as Manifest;
  } catch {
    throw new UserError(`no readable package.json in ${dir}`);
  }
}

async function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(
    () => true,
    () => false,
  );
}

export async function prepareTool(spec: string, wantedBin?: string): Promise<PreparedTool> {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'telltale-probe-tool-'));
  const dispose = () => fs.rm(tmp, { recursive: true, force: true });
  try {
    const stat = await fs.stat(spec).catch(() => undefined);
    let dir: string;
    let kind: TargetInfo['kind'];
    if (stat?.isDirectory()) {
      kind = 'folder';
      dir = path.resolve(spec);
      const pkg = await readManifest(dir);
      if (needsInstall(pkg) && !(await exists(path.join(dir, 'node_modules')))) {
        await fs.cp(dir, path.join(tmp, 'package'), { recursive: true });
        dir = path.join(tmp, 'package');
        await npmInstall(dir);
      }
    } else {
      kind = stat?.isFile() ? 'tarball' : 'registry';
      dir = path.join(tmp, 'package');
      try {
        await pacote.extract(stat?.isFile() ? `file:${path.resolve(spec)}` : spec, dir, { cache: path.join(os.homedir(), '.npm', '_cacache') });
      } catch (e) {
        throw new UserError(`cannot fetch ${spec}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
      }
      const pkg = await readManifest(dir);
      if (needsInstall(pkg)) await npmInstall(dir);
    }
    const pkg = await readManifest(dir);
    const bin = path.normalize(chooseBin(pkg, wantedBin));
    if (path.isAbsolute(bin) || bin.startsWith('..')) throw new UserError(`bin entry ${bin} points outside the package`);
    if (!(await exists(path.join(dir, bin)))) throw new UserError(`bin entry ${bin} does not exist in the package`);
    const head = Buffer.alloc(4);
    const fh = await fs.open(path.join(dir, bin), 'r');
    try {
      await fh.read(head, 0, 4, 0);
    } finally {
      await fh.close();
    }
    return {
      native: head.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46])),
      info: { spec, kind, ...(pkg.name ? { name: pkg.name } : {}), ...(pkg.version ? { version: pkg.version } : {}) },
      dir,
      bin,
      ...(binNameOf(pkg, wantedBin) ? { binName: binNameOf(pkg, wantedBin)! } : {}),
      dispose,
    };
  } catch (e) {
    await dispose();
    throw e;
  }
}
