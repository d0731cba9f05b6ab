// The cheaper path for huge plain lists: what is blanked, what is kept, and that offsets and lines never move.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HUGE_LIST_FROM_CHARS, HUGE_LIST_KEEP_ELEMENTS, HUGE_LIST_MIN_ELEMENTS, reduceHugeLists } from '../../src/parse/huge-lists.js';
import { parseJs } from '../../src/parse/parse.js';

/** `count` comma-separated elements made by `el`, every 50th followed by a newline. */
function list(count: number, el: (i: number) => string): string {
  const parts: string[] = [];
  for (let i = 0; i < count; i++) parts.push(el(i) + (i % 50 === 49 ? ',\n' : ','));
  return parts.join('');
}

const PAD = '// padding\n'.repeat(Math.ceil(HUGE_LIST_FROM_CHARS / 11));

function assertSameShape(a: string, b: string): void {
  assert.equal(a.length, b.length, 'length changed');
  for (const [i, c] of [...a.matchAll(/[\r\n]/g)].map((m) => [m.index!, m[0]] as const)) assert.equal(b[i], c, `line break at ${i} moved`);
}

describe('reduceHugeLists', () => {
  it('leaves files under the size threshold alone, however long their lists', () => {
    const text = `var x = [${list(HUGE_LIST_MIN_ELEMENTS * 2, () => 'a')} 0];`;
    assert.ok(text.length < HUGE_LIST_FROM_CHARS);
    assert.equal(reduceHugeLists(text).text, text);
  });

  it('leaves lists under the element threshold alone in a big file', () => {
    const text = `${PAD}var x = [${list(HUGE_LIST_MIN_ELEMENTS - 10, (i) => String(i))} 0];\n`;
    const r = reduceHugeLists(text);
    assert.equal(r.text, text);
    assert.deepEqual(r.skipped, []);
  });

  it('numbers: keeps the head, blanks the tail, keeps the last element, offsets and lines unchanged, still parses', () => {
    const n = HUGE_LIST_MIN_ELEMENTS + 5_000;
    const head = `${PAD}var x = [`;
    const text = `${head}${list(n, (i) => String((i * 7919) % 100_003))} -42];\nfetch("https://after.example.com/");\n`;
    const r = reduceHugeLists(text);
    assertSameShape(text, r.text);
    assert.equal(r.skipped.length, 1);
    const s = r.skipped[0]!;
    assert.equal(s.start, head.length);
    assert.equal(s.blanked, n - HUGE_LIST_KEEP_ELEMENTS - 1);
    const kept = r.text.slice(head.length, r.text.indexOf(']', head.length)).split(',').map((e) => e.trim()).filter(Boolean);
    // The first element, the kept head after it, and the last element.
    assert.equal(kept.length, HUGE_LIST_KEEP_ELEMENTS + 2);
    assert.equal(kept.at(-1), '-42');
    assert.match(r.text.slice(-80), /,\s+-42\];\nfetch\("https:\/\/after\.example\.com\/"\);\n$/);
    assert.ok(parseJs(r.text).ok);
  });

  it('names: the first occurrence of every name is kept past the head', () => {
    const n = HUGE_LIST_MIN_ELEMENTS + 1_000;
    const text = `${PAD}var x = [${list(n, (i) => (i === n - 500 ? 'navigatorLike' : `n${i % 7}`))} last];\n`;
    const r = reduceHugeLists(text);
    assertSameShape(text, r.text);
    assert.equal(r.skipped.length, 1);
    assert.match(r.text, /navigatorLike/);
    assert.equal([...r.text.matchAll(/\bnavigatorLike\b/g)].length, 1);
    assert.ok(parseJs(r.text).ok);
  });

  it('an element followed by anything but a comma is never blanked (it may be part of a larger expression)', () => {
    const n = HUGE_LIST_MIN_ELEMENTS + 10;
    const text = `${PAD}f(${list(n, () => 'a')} b + secretCall(), c.d, e(1));\n`;
    const r = reduceHugeLists(text);
    assertSameShape(text, r.text);
    assert.match(r.text, /b \+ secretCall\(\), c\.d, e\(1\)\);\n$/);
  });

  it('members, calls, strings and escaped names end a run', () => {
    const n = HUGE_LIST_MIN_ELEMENTS / 2;
    for (const stop of ['a.b', 'g()', '"s"', 'a\\u0062', 'é']) {
      const text = `${PAD}var x = [${list(n, () => '1')} ${stop}, ${list(n, () => '2')} 3];\n`;
      const r = reduceHugeLists(text);
      assert.deepEqual(r.skipped, [], stop);
      assert.equal(r.text, text, stop);
    }
  });
});
