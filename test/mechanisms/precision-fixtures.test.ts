// False highs the precision set (test/e2e/precision.test.ts) found on clean popular packages, reproduced as small
// fixtures written for this project and spelt generally. Each must stay below high. A case whose fix belongs to
// a change still under way is a todo naming it (it runs and reports; drop the todo when that change lands).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../helpers/analyze.js';
import { atLeast } from '../../src/model/finding.js';

function highs(code: string): string[] {
  return analyze(code)
    .findings.filter((f) => atLeast(f.severity, 'high'))
    .map((f) => `${f.severity} ${f.ruleId}: ${f.title}`);
}


test('a zone-specific number (a DST shift) used in arithmetic and printed is computing a value, not targeting', () => {
  // Seen in a date library: two zones with unusual DST shifts get their own number; the result is shown by a debug method.
  const code = `
const halfShift = (zone) => {
  if (zone === 'Pacific/Chatham') return 0.75;
  if (zone === 'Europe/Dublin') return -1;
  return 1;
};
const here = Intl.DateTimeFormat().resolvedOptions().timeZone;
function winterOffset(summer) { return summer - halfShift(here); }
export function describe(summer) {
  console.log('winter offset ' + winterOffset(summer));
}
`;
  assert.deepEqual(highs(code), []);
});

test('a locale compared with the default locale chooses translations, not a region', () => {
  const code = `
const loc = process.env.LC_ALL || process.env.LANG || 'en-US';
if (loc !== 'en-US') { fetch('https://cdn.example.com/strings/' + loc + '.json'); }
`;
  assert.deepEqual(highs(code), []);
});

test('LC_TERMINAL names a terminal program, not a locale; a locale compared with its own fallback is checked for being unset', () => {
  const code = `
const lang = process.env.LC_TERMINAL || process.env.LANGUAGE || 'pt-BR';
if (lang !== 'pt-BR') fetch('https://cdn.example.com/strings/' + lang + '.json');
const term = process.env.LC_TERMINAL;
if (term === 'iTerm2') fetch('https://cdn.example.com/hints/term.json');
`;
  assert.deepEqual(highs(code), []);
});

test('the reference case stays high: a zone list that changes where requests go', () => {
  const code = `
const here = Intl.DateTimeFormat().resolvedOptions().timeZone;
let base = 'https://registry.example.com';
if (here === 'Asia/Kolkata' || here === 'Asia/Calcutta') base = 'https://alt.example.in';
fetch(base + '/index');
`;
  assert.equal(highs(code).length, 1, 'the benign twins above are quiet only if this stays found');
});

test('a language check in a key parser changes which key events an editor sees; its timers and requests are far off: i18n, not targeting', () => {
  // Seen in a terminal UI: one language's keyboard types a character another platform reads as Alt+key. The
  // event goes through an emitter and a prompt widget to an ordinary debounce timer and, via a shared field
  // name, to unrelated network code.
  const code = `
function* parseKeys(emit) {
  const lc = process.env.LC_MESSAGES || '';
  const turkishKeyboard = lc.startsWith('tr');
  for (;;) {
    let ch = yield;
    let label = undefined, seq = ch, printable = false;
    if (turkishKeyboard && ch === '\\u0131') { printable = true; }
    else if (ch === '\\u00df') { label = 'alt+s'; }
    else { label = ch; }
    emit({ label, seq, printable });
  }
}
const pending = [];
const parser = parseKeys((ev) => pending.push(ev));
parser.next();
export function onData(buf) { for (const c of buf) parser.next(c); drain(); }
function drain() {
  while (pending.length) {
    const ev = pending.shift();
    const typed = widget.buffer + ev.seq;
    const next = widget.render(typed);
    widget.buffer = next;
    if (widget.buffer.length > 3) { widget.timer = setTimeout(() => { widget.buffer = ''; }, 900); }
  }
}
const widget = { buffer: '', timer: null, render: (s) => s.trim() };
export async function download(asset) {
  const target = asset.label + '.tgz';
  return fetch('https://mirror.example.org/files/' + target);
}
`;
  assert.deepEqual(highs(code), []);
});

test('the same language check deciding a delay or a request right there stays high', () => {
  const code = `
const lc = process.env.LC_MESSAGES || '';
if (lc.startsWith('tr')) { setTimeout(() => process.exit(3), 45000); }
`;
  assert.equal(highs(code).length, 1, 'the twin above is quiet only if this stays found');
});
