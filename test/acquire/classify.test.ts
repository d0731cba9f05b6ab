import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyFile, type FileKind } from '../../src/acquire/index.js';

const text = (s: string) => Buffer.from(s, 'utf8');
const bytes = (...b: number[]) => Buffer.concat([Buffer.from(b), Buffer.alloc(64, 0x01)]);
const pe = () => {
  const h = Buffer.alloc(128);
  h.write('MZ', 0, 'latin1');
  h.writeUInt32LE(0x40, 0x3c);
  h.write('PE\0\0', 0x40, 'latin1');
  return h;
};

const cases: [name: string, path: string, head: Buffer, kind: FileKind][] = [
  ['.js', 'lib/index.js', text('module.exports = 1'), 'js'],
  ['.mjs', 'a.mjs', text('export {}'), 'js'],
  ['.cjs', 'a.cjs', text(''), 'js'],
  ['.jsx', 'App.jsx', text('<div/>'), 'js'],
  ['upper-case extension', 'A.JS', text('x'), 'js'],
  ['.js with a NUL inside is still JS', 'a.js', text('var s = "\0";'), 'js'],
  ['node shebang, extensionless', 'bin/cli', text('#!/usr/bin/env node\nrequire("./x")'), 'js'],
  ['env -S node', 'bin/cli', text('#!/usr/bin/env -S node --no-warnings\n'), 'js'],
  ['absolute node', 'bin/cli', text('#!/usr/local/bin/node\n'), 'js'],
  ['bun shebang', 'run', text('#!/usr/bin/env bun\n'), 'js'],
  ['deno shebang', 'run', text('#! /usr/bin/env deno run -A\n'), 'js'],
  ['shell shebang', 'bin/install', text('#!/bin/sh\nexec node x.js'), 'other'],
  ['python shebang under a node path', 'bin/x', text('#!/home/node/bin/python\n'), 'other'],
  ['nodey is not node', 'bin/x', text('#!/usr/bin/env nodey\n'), 'other'],
  ['extensionless JS', 'bin/tool', text("'use strict';\nconst x = require('fs');\n"), 'js'],
  ['unknown extension JS', 'dist/x.es6', text('export default function f(a) { return a }\n'), 'js'],
  ['extensionless prose', 'NOTES', text('Remember to export the function to the team.\n'), 'other'],
  ['LICENSE', 'LICENSE', text("const x = require('y'); module.exports = x;"), 'other'],
  ['package.json at root', 'package.json', text('{}'), 'package-json'],
  ['package.json at depth', 'node_modules/a/package.json', text('{}'), 'package-json'],
  ['other json', 'tsconfig.json', text('{}'), 'other'],
  ['.ts', 'src/index.ts', text('export const x: number = 1;'), 'js'],
  ['.mts', 'a.mts', text('export {};'), 'js'],
  ['.cts', 'a.cts', text('module.exports = 1 as number;'), 'js'],
  ['.tsx is not run by type stripping', 'App.tsx', text('export const A = () => <div/>;'), 'other'],
  ['.d.ts', 'index.d.ts', text('export declare const x: number;'), 'other'],
  ['.d.mts', 'index.d.mts', text('export {};'), 'other'],
  ['.d.cts', 'index.d.cts', text('export {};'), 'other'],
  ['.map', 'a.js.map', text('{"version":3}'), 'other'],
  ['.md', 'README.md', text('# hi'), 'other'],
  ['png', 'logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), 'other'],
  ['ELF', 'bin/tool', bytes(0x7f, 0x45, 0x4c, 0x46), 'binary'],
  ['ELF named .js', 'index.js', bytes(0x7f, 0x45, 0x4c, 0x46), 'binary'],
  ['ELF named .png', 'logo.png', bytes(0x7f, 0x45, 0x4c, 0x46), 'binary'],
  ['Mach-O 64', 'tool', bytes(0xcf, 0xfa, 0xed, 0xfe), 'binary'],
  ['Mach-O 32', 'tool', bytes(0xce, 0xfa, 0xed, 0xfe), 'binary'],
  ['Mach-O big-endian', 'tool', bytes(0xfe, 0xed, 0xfa, 0xcf), 'binary'],
  ['Mach-O fat', 'tool', bytes(0xca, 0xfe, 0xba, 0xbe), 'binary'],
  ['Mach-O fat 64', 'tool', bytes(0xca, 0xfe, 0xba, 0xbf), 'binary'],
  ['PE', 'tool.exe', pe(), 'binary'],
  ['PE extensionless', 'tool', pe(), 'binary'],
  ['text starting with MZ', 'notes', text('MZ is a pair of letters, not a program header at all.'), 'other'],
  ['wasm', 'x.wasm', bytes(0x00, 0x61, 0x73, 0x6d), 'binary'],
  ['wasm named .bin', 'x.bin', bytes(0x00, 0x61, 0x73, 0x6d), 'binary'],
  ['.node addon without magic', 'build/a.node', text('??'), 'binary'],
  ['NUL-containing unknown', 'data.bin', Buffer.from([1, 2, 0, 3]), 'binary'],
  ['control characters, no NUL', 'blob', Buffer.from(Array.from({ length: 200 }, (_, i) => (i % 30) + 1)), 'other'],
  ['empty extensionless', 'empty', Buffer.alloc(0), 'other'],
];

describe('classifyFile', () => {
  for (const [name, path, head, kind] of cases) {
    it(`${name}: ${path} → ${kind}`, () => assert.equal(classifyFile(path, head), kind));
  }
});
