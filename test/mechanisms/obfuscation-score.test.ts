// The obfuscation score on a table of files: javascript-obfuscator output at several settings scores
// heavy; esbuild, terser and (when TELLTALE_BUN names a bun binary) Bun output of the same sources stays
// low. TELLTALE_SCORE_BUNDLES=a.js,b.js scores real bundles too. The table is in docs/obfuscation.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JavaScriptObfuscator, { type ObfuscatorOptions } from 'javascript-obfuscator';
import { transformSync } from 'esbuild';
import { minify } from 'terser';
import { factsFor, analyze } from '../helpers/analyze.js';
import rule from '../../src/analyze/rules/obfuscation-signs.js';
import { HEAVY_OBFUSCATION, obfuscationScore } from '../../src/mechanisms/produce/obfuscated-code.js';

// Two small programs of ours: a settings loader and a text formatter.
const SOURCES: Record<string, string> = {
  settings: `
const DEFAULTS = { retries: 3, timeoutMs: 15000, backoff: 1.5, maxItems: 250, port: 8080, colors: ["red", "green", "blue"] };
function merge(base, extra) { const out = { ...base }; for (const [k, v] of Object.entries(extra || {})) if (v !== undefined) out[k] = v; return out; }
function clamp(n, lo, hi) { return Math.min(hi, Math.max(lo, n)); }
export function load(env) {
  const s = merge(DEFAULTS, { retries: Number(env.RETRIES || 3), port: Number(env.PORT || 8080) });
  s.retries = clamp(s.retries, 0, 10); s.timeoutMs = clamp(s.timeoutMs, 100, 120000); s.maxItems = clamp(s.maxItems, 1, 1000);
  if (s.port < 1024 || s.port > 65535) throw new Error("port out of range: " + s.port);
  return s;
}
export function describe(s) { return ["retries=" + s.retries, "timeout=" + s.timeoutMs + "ms", "items<=" + s.maxItems, "port " + s.port].join(", "); }
export function delays(s) { const out = []; let d = 200; for (let i = 0; i < s.retries; i++) { out.push(Math.round(d)); d *= s.backoff; } return out; }`,
  formatter: `
const UNITS = ["B", "KiB", "MiB", "GiB", "TiB"];
export function size(bytes) { let i = 0; let n = bytes; while (n >= 1024 && i < UNITS.length - 1) { n /= 1024; i++; } return n.toFixed(i === 0 ? 0 : 1) + " " + UNITS[i]; }
export function pad(text, width, fill = " ") { text = String(text); return text.length >= width ? text : fill.repeat(width - text.length) + text; }
export function table(rows) {
  const widths = [];
  for (const r of rows) r.forEach((c, i) => { widths[i] = Math.max(widths[i] || 0, String(c).length); });
  return rows.map((r) => r.map((c, i) => pad(c, widths[i])).join("  ")).join("\\n");
}
export function duration(ms) { const s = Math.floor(ms / 1000), m = Math.floor(s / 60), h = Math.floor(m / 60); return h > 0 ? h + "h" + (m % 60) + "m" : m > 0 ? m + "m" + (s % 60) + "s" : s + "." + String(ms % 1000).padStart(3, "0") + "s"; }
export function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }`,
};

const OBFUSCATOR: Record<string, ObfuscatorOptions> = {
  'javascript-obfuscator default': { seed: 1 },
  'javascript-obfuscator rc4 + rotate + shuffle': { stringArrayEncoding: ['rc4'], stringArrayThreshold: 1, shuffleStringArray: true, seed: 2 },
  'javascript-obfuscator flattening + dead code': { controlFlowFlattening: true, controlFlowFlatteningThreshold: 1, deadCodeInjection: true, deadCodeInjectionThreshold: 1, seed: 3 },
  'javascript-obfuscator high (self-defending, debug protection, base64)': {
    controlFlowFlattening: true,
    deadCodeInjection: true,
    selfDefending: true,
    debugProtection: true,
    stringArrayEncoding: ['base64'],
    stringArrayThreshold: 1,
    stringArrayWrappersCount: 2,
    seed: 4,
  },
  'javascript-obfuscator chained function wrappers, split strings, object keys (rc4)': {
    stringArrayEncoding: ['rc4'],
    stringArrayThreshold: 1,
    stringArrayWrappersCount: 3,
    stringArrayWrappersType: 'function',
    stringArrayWrappersChainedCalls: true,
    splitStrings: true,
    splitStringsChunkLength: 4,
    transformObjectKeys: true,
    seed: 5,
  },
  'javascript-obfuscator names mangled, no hex (flattening, rc4)': {
    identifierNamesGenerator: 'mangled',
    controlFlowFlattening: true,
    controlFlowFlatteningThreshold: 1,
    stringArrayEncoding: ['rc4'],
    stringArrayThreshold: 1,
    seed: 6,
  },
};

/** Bun's minifier (bun build --minify), when a bun binary is named: Bun is not an npm dev dependency here. */
function bunMinify(src: string): string | null {
  const bun = process.env.TELLTALE_BUN;
  if (!bun) return null;
  const dir = mkdtempSync(join(tmpdir(), 'telltale-bun-'));
  try {
    writeFileSync(join(dir, 'in.js'), src);
    execFileSync(bun, ['build', '--minify', '--format=esm', join(dir, 'in.js'), '--outfile', join(dir, 'out.js')], { stdio: 'ignore' });
    return readFileSync(join(dir, 'out.js'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function score(code: string): number {
  return obfuscationScore(factsFor(code, [rule]).facts.obfuscation).score;
}

const rows: string[] = [];

for (const [name, src] of Object.entries(SOURCES)) {
  test(`${name}: plain and minified outputs score low`, async () => {
    const outputs: Record<string, string> = {
      plain: src,
      'esbuild --minify': transformSync(src, { minify: true, format: 'esm' }).code,
      'terser (mangle, compress)': (await minify(src, { module: true, mangle: true, compress: true })).code!,
    };
    const bun = bunMinify(src);
    if (bun !== null) outputs['bun build --minify'] = bun;
    for (const [tool, code] of Object.entries(outputs)) {
      const s = score(code);
      rows.push(`| ${name} | ${tool} | ${s} |`);
      assert.ok(s < HEAVY_OBFUSCATION, `${tool}: ${s}`);
      assert.ok(!analyze(code).findings.some((f) => f.ruleId === 'obfuscated-code'), tool);
    }
  });

  test(`${name}: javascript-obfuscator outputs score heavy and are reported high`, () => {
    for (const [tool, options] of Object.entries(OBFUSCATOR)) {
      const code = JavaScriptObfuscator.obfuscate(src, { compact: true, ...options }).getObfuscatedCode();
      const s = score(code);
      rows.push(`| ${name} | ${tool} | ${s} |`);
      assert.ok(s >= HEAVY_OBFUSCATION, `${tool}: ${s} ${JSON.stringify(obfuscationScore(factsFor(code, [rule]).facts.obfuscation).signs)}`);
      const f = analyze(code).findings.find((x) => x.ruleId === 'obfuscated-code');
      assert.equal(f?.severity, 'high', tool);
      assert.equal(f?.policy.row, 'heavy-obfuscation');
    }
  });
}

const bundles = (process.env.TELLTALE_SCORE_BUNDLES ?? '').split(',').filter(Boolean);
test('real minified bundles score low (TELLTALE_SCORE_BUNDLES)', { skip: bundles.length === 0 && 'set TELLTALE_SCORE_BUNDLES=a.js,b.js' }, () => {
  for (const file of bundles) {
    const s = score(readFileSync(file, 'utf8'));
    rows.push(`| ${file} | as published | ${s} |`);
    assert.ok(s < HEAVY_OBFUSCATION, `${file}: ${s}`);
  }
});

test('the score table (printed for docs/obfuscation.md)', () => {
  if (process.env.TELLTALE_PRINT_TABLE) console.log(rows.join('\n'));
  assert.ok(rows.length >= 2 * (3 + Object.keys(OBFUSCATOR).length));
});
