// Parse errors on files the runtime loads, over the registry's most-downloaded packages.
//
//   node dist/bench/parse-errors.js [--parser path/to/parse.js] [--label name] [--limit N]
//
// For each package of bench/parse-errors-packages.tsv (the 100 most-downloaded of the registry list, pinned),
// every file telltale treats as code is parsed with the given parser (default: this checkout's). A file the
// parser rejects is then checked the way the runtime would load it: written to a temporary file with the
// extension its module type gives (.mjs/.cjs from the extension or the nearest package.json "type"; without a
// type field, either, as Node detects ES module syntax) and run through `node --check`. TypeScript is loadable when type stripping (ts-blank-space, as Node's strip-only mode)
// removes every type and `node --check` accepts the result. A loadable file the parser rejects is a parse error.
// Results: bench/results/parse-errors-<label>.json. Packages come through pacote's cache (`defaultCacheDir()`).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, readdirSync, lstatSync, openSync, readSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import tsBlankSpace from 'ts-blank-space';
import { classifyFile, CLASSIFY_HEAD_BYTES, fetchPackage } from '../src/acquire/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

type ParseResult = { ok: true } | { ok: false; message: string; offset: number };
interface ParserModule {
  parseFile?: (file: string, text: string) => ParseResult;
  parseJs: (text: string) => ParseResult;
}

interface PackageResult {
  spec: string;
  files: number;
  bytes: number;
  rejected: number;
  /** Rejected by the parser, accepted by `node --check`: the parse errors that count. */
  loadableRejected: { file: string; message: string }[];
  /** Rejected by both: not code the runtime loads (templates, fixtures with deliberate errors, JSX in .js, …). */
  notLoadable: { file: string; reason: string }[];
  error?: string;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile() && st.size > 0) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

function head(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(CLASSIFY_HEAD_BYTES);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** The nearest package.json's `type` inside the package: `module`, `commonjs`, or `unset` (no type field). */
function moduleType(file: string, pkgRoot: string): 'module' | 'commonjs' | 'unset' {
  for (let d = dirname(file); d.startsWith(pkgRoot); d = dirname(d)) {
    try {
      const type = (JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')) as { type?: unknown }).type;
      return type === 'module' ? 'module' : type === 'commonjs' ? 'commonjs' : 'unset';
    } catch {
      // no package.json here, or not JSON: look further up
    }
    if (d === pkgRoot) break;
  }
  return 'unset';
}

/** Whether the runtime would load the file: `null` when it would, else why not. */
function runtimeRejects(file: string, text: string, pkgRoot: string, tmp: string): string | null {
  const lower = file.toLowerCase();
  let code = text;
  if (/\.[mc]?ts$/.test(lower)) {
    let unsupported = 0;
    try {
      code = tsBlankSpace(text, () => unsupported++);
    } catch (e) {
      return `type stripping failed: ${String((e as Error).message).split('\n')[0]}`;
    }
    if (unsupported > 0) return 'TypeScript that strip-only loading rejects (enum, namespace, parameter property…)';
  }
  let exts: ('.mjs' | '.cjs')[];
  if (lower.endsWith('.mjs') || lower.endsWith('.mts')) exts = ['.mjs'];
  else if (lower.endsWith('.cjs') || lower.endsWith('.cts')) exts = ['.cjs'];
  else {
    // Without a "type" field Node detects the goal from the syntax (module syntax makes an ES module).
    const type = moduleType(file, pkgRoot);
    exts = type === 'module' ? ['.mjs'] : type === 'commonjs' ? ['.cjs'] : ['.cjs', '.mjs'];
  }
  let why = '';
  for (const ext of exts) {
    const probe = join(tmp, 'probe' + ext);
    writeFileSync(probe, code);
    const r = spawnSync(process.execPath, ['--check', probe], { encoding: 'utf8', timeout: 120_000 });
    if (r.status === 0) return null;
    const msg = (r.stderr || '').split('\n').find((l) => /Error/.test(l)) ?? `exit ${r.status}`;
    why += `${why ? '; ' : ''}node --check (${ext}): ${msg.trim().slice(0, 200)}`;
  }
  return why;
}

async function main(): Promise<void> {
  const parserPath = resolve(arg('--parser') ?? join(root, 'dist', 'src', 'parse', 'parse.js'));
  const label = arg('--label') ?? 'current';
  const limit = Number(arg('--limit') ?? 100);
  const parser = (await import(pathToFileURL(parserPath).href)) as ParserModule;
  const parse = (file: string, text: string): ParseResult => (parser.parseFile ? parser.parseFile(file, text) : parser.parseJs(text));
  const list = readFileSync(join(root, 'bench', 'parse-errors-packages.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((l) => l.split('\t'))
    .slice(0, limit);
  const tmp = mkdtempSync(join(tmpdir(), 'telltale-parse-bench-'));
  const results: PackageResult[] = [];
  const started = performance.now();
  try {
    for (const [name, version] of list) {
      const spec = `${name}@${version}`;
      const res: PackageResult = { spec, files: 0, bytes: 0, rejected: 0, loadableRejected: [], notLoadable: [] };
      results.push(res);
      let pkg;
      try {
        pkg = await fetchPackage(spec);
      } catch (e) {
        res.error = String((e as Error).message);
        process.stderr.write(`${spec}: ${res.error}\n`);
        continue;
      }
      try {
        for (const abs of listFiles(pkg.dir)) {
          const rel = relative(pkg.dir, abs);
          if (classifyFile(rel, head(abs)) !== 'js') continue;
          const text = readFileSync(abs, 'utf8');
          res.files++;
          res.bytes += Buffer.byteLength(text);
          const r = parse(rel, text);
          if (r.ok) continue;
          res.rejected++;
          const why = runtimeRejects(abs, text, pkg.dir, tmp);
          if (why === null) res.loadableRejected.push({ file: rel, message: r.message });
          else res.notLoadable.push({ file: rel, reason: why });
        }
      } finally {
        await pkg.dispose();
      }
      process.stderr.write(`${spec}: ${res.files} files, ${res.rejected} rejected, ${res.loadableRejected.length} loadable\n`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const sum = (f: (r: PackageResult) => number) => results.reduce((a, r) => a + f(r), 0);
  const summary = {
    label,
    parser: relative(root, parserPath) || parserPath,
    date: new Date().toISOString(),
    node: process.version,
    packages: results.length,
    fetchFailures: results.filter((r) => r.error).length,
    files: sum((r) => r.files),
    bytes: sum((r) => r.bytes),
    rejected: sum((r) => r.rejected),
    loadableRejected: sum((r) => r.loadableRejected.length),
    seconds: Math.round((performance.now() - started) / 1000),
  };
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  const out = join(root, 'bench', 'results', `parse-errors-${label}.json`);
  writeFileSync(out, JSON.stringify({ summary, packages: results.filter((r) => r.rejected > 0 || r.error) }, null, 2) + '\n');
  process.stdout.write(JSON.stringify(summary, null, 2) + '\n' + `written to ${relative(root, out)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`parse-errors: ${(e as Error)?.message ?? e}\n`);
  process.exitCode = 2;
});
