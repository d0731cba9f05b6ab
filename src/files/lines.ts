import type { Location } from '../model/finding.js';

/** Maps UTF-16 offsets to 1-based line/column; the line table is built on first use. */
export class LineIndex {
  private starts: Int32Array | null = null;

  constructor(
    private readonly file: string,
    private readonly text: string,
  ) {}

  private build(): Int32Array {
    const t = this.text;
    const list: number[] = [0];
    for (let i = t.indexOf('\n'); i !== -1; i = t.indexOf('\n', i + 1)) list.push(i + 1);
    return Int32Array.from(list);
  }

  locate(offset: number): Location {
    const starts = (this.starts ??= this.build());
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { file: this.file, offset, line: lo + 1, column: offset - starts[lo]! + 1 };
  }
}

/** A single-line excerpt around [start, end), clipped to `max` characters, newlines shown as spaces. */
export function excerpt(text: string, start: number, end: number, max = 160): string {
  const len = Math.max(0, Math.min(end, text.length) - start);
  let s: string;
  if (len <= max) {
    const pad = Math.floor((max - len) / 2);
    const a = Math.max(0, start - Math.min(pad, 40));
    s = text.slice(a, Math.min(text.length, Math.max(end, a + Math.min(max, len + 40))));
    if (a > 0) s = '…' + s;
  } else s = text.slice(start, start + max) + '…';
  return s.replace(/\s+/g, ' ');
}
