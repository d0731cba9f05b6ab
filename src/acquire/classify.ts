import { posix } from 'node:path';

export type FileKind = 'js' | 'package-json' | 'binary' | 'other';

/** How much of a file `classifyFile` needs to see. */
export const CLASSIFY_HEAD_BYTES = 8192;

/** What runtimes load as code: JavaScript, JSX, and TypeScript that Node, Bun and Deno run by stripping its types. */
const JS_EXTENSIONS = new Set(['.js', '.mjs', '.cjs', '.jsx', '.ts', '.mts', '.cts']);
const BINARY_EXTENSIONS = new Set(['.node', '.so', '.dylib', '.dll', '.exe', '.wasm']);
/** Extensions Node never runs as a script: classified 'other' unless the bytes are a known executable format. */
const OTHER_EXTENSIONS = new Set([
  '.md', '.markdown', '.txt', '.rst', '.json', '.json5', '.jsonc', '.map', '.tsx',
  '.css', '.scss', '.sass', '.less', '.html', '.htm', '.xml', '.yml', '.yaml', '.toml', '.ini', '.csv', '.lock',
  '.png', '.jpg', '.jpeg', '.gif', '.svg', '.ico', '.webp', '.bmp', '.avif', '.woff', '.woff2', '.ttf', '.otf', '.eot',
  '.sh', '.bash', '.ps1', '.bat', '.cmd', '.py', '.rb', '.pl', '.c', '.h', '.cc', '.cpp', '.hpp', '.rs', '.go',
  '.gz', '.tgz', '.zip', '.br', '.zst', '.flow', '.vue', '.svelte', '.proto', '.graphql', '.gql', '.snap',
]);
/** Well-known extensionless documentation files: text, but not code. */
const DOC_NAMES = /^(license|licence|copying|readme|changelog|changes|history|authors|contributors|notice|patents|makefile|dockerfile|procfile|gemfile|rakefile)(\.|$)/i;

/** Executable-format magics. None is valid UTF-8 text, so a match wins over any extension. */
const MAGICS: readonly (readonly number[])[] = [
  [0x7f, 0x45, 0x4c, 0x46], // ELF
  [0xfe, 0xed, 0xfa, 0xce], // Mach-O 32 big-endian
  [0xce, 0xfa, 0xed, 0xfe], // Mach-O 32 little-endian
  [0xfe, 0xed, 0xfa, 0xcf], // Mach-O 64 big-endian
  [0xcf, 0xfa, 0xed, 0xfe], // Mach-O 64 little-endian
  [0xca, 0xfe, 0xba, 0xbe], // Mach-O fat (also Java class files)
  [0xca, 0xfe, 0xba, 0xbf], // Mach-O fat 64
  [0xbe, 0xba, 0xfe, 0xca], // fat, byte-swapped
  [0x00, 0x61, 0x73, 0x6d], // wasm
];

function startsWith(head: Buffer, magic: readonly number[]): boolean {
  return head.length >= magic.length && magic.every((b, i) => head[i] === b);
}

/** `MZ` alone is two printable letters; a PE/DOS header also has NULs among its first 64 bytes. */
function isPE(head: Buffer): boolean {
  return head.length >= 64 && head[0] === 0x4d && head[1] === 0x5a && head.subarray(2, 64).includes(0);
}

export function isExecutableFormat(head: Buffer): boolean {
  return MAGICS.some((m) => startsWith(head, m)) || isPE(head);
}

function extensionOf(base: string): string {
  const lower = base.toLowerCase();
  if (/\.d\.[mc]?ts$/.test(lower)) return '.d.ts';
  return posix.extname(lower);
}

const SCRIPT_RUNTIME = /^#!\s*\S*?(?:\/env(?:\s+-\S+)*\s+)?\S*?\b(node|nodejs|bun|deno)(?:\s|$)/;

function isMostlyPrintable(head: Buffer): boolean {
  if (head.length === 0) return false;
  let control = 0;
  for (const b of head) {
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x0b) control++;
    else if (b === 0x7f) control++;
  }
  return control / head.length < 0.01;
}

/** Constructs that occur in code and rarely in prose; two distinct ones make text look like JavaScript. */
const JS_SIGNALS: readonly RegExp[] = [
  /\brequire\s*\(\s*['"`]/,
  /\bmodule\.exports\b|\bexports\.[\w$]+\s*=/,
  /^\s*import\s+(?:[\w${},*\s]+\s+from\s+)?['"]/m,
  /^\s*export\s+(?:default|const|let|var|function|class|async|\{|\*)/m,
  /\bfunction\s*[\w$]*\s*\([^)]*\)\s*\{/,
  /\)\s*=>|[\w$]\s*=>\s*[{(\w]/,
  /\b(?:var|let|const)\s+[\w${[]/,
  /['"]use strict['"]/,
  /\bprocess\.(?:env|argv|platform)\b|\bconsole\.\w+\s*\(/,
  /[;{}]\s*$/m,
];

function looksLikeJs(text: string): boolean {
  let hits = 0;
  for (const re of JS_SIGNALS) if (re.test(text) && ++hits >= 2) return true;
  return false;
}

/**
 * Decides how a file is analysed from its name and first bytes (`CLASSIFY_HEAD_BYTES` are enough).
 * Known executable formats win over the name, so a binary cannot hide behind `.js` or `.png`.
 */
export function classifyFile(path: string, head: Buffer): FileKind {
  const base = posix.basename(path.replace(/\\/g, '/'));
  if (isExecutableFormat(head)) return 'binary';
  if (base === 'package.json') return 'package-json';
  const ext = extensionOf(base);
  if (JS_EXTENSIONS.has(ext)) return 'js';
  if (BINARY_EXTENSIONS.has(ext)) return 'binary';
  if (ext === '.d.ts' || OTHER_EXTENSIONS.has(ext)) return 'other';

  const sample = head.subarray(0, CLASSIFY_HEAD_BYTES);
  if (sample.includes(0)) return 'binary';
  const text = sample.toString('utf8');
  if (text.startsWith('#!')) {
    const firstLine = text.slice(0, text.indexOf('\n') === -1 ? undefined : text.indexOf('\n'));
    return SCRIPT_RUNTIME.test(firstLine) ? 'js' : 'other';
  }
  if (DOC_NAMES.test(base) || !isMostlyPrintable(sample)) return 'other';
  return looksLikeJs(text) ? 'js' : 'other';
}
