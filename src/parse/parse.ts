// Parsing stage: text → ESTree with character ranges. Package code is only parsed, never run.
import { parseModule, parseScript } from 'meriyah';

// ESTree nodes as meriyah produces them; the analysis narrows them where it reads them.
export type AnyNode = any;

export type ParseResult = { ok: true; ast: AnyNode; sourceType: 'module' | 'script' } | { ok: false; message: string; offset: number };

/** Blanks a leading `#!` line without changing offsets (meriyah's hashbang support depends on options). */
function blankHashbang(text: string): string {
  if (!text.startsWith('#!')) return text;
  const nl = text.indexOf('\n');
  const end = nl === -1 ? text.length : nl;
  return '//' + text.slice(2, end) + text.slice(end);
}

function errorOf(e: unknown): { message: string; offset: number } {
  if (e instanceof RangeError) return { message: 'nesting too deep for the parser (stack exhausted)', offset: 0 };
  const err = e as { message?: string; index?: number; start?: number };
  const message = String(err?.message ?? e).split('\n')[0]!.slice(0, 300);
  return { message, offset: typeof err?.index === 'number' ? err.index : typeof err?.start === 'number' ? err.start : 0 };
}

/**
 * Parses as a module first (bundles use import/export and top-level await), then as a sloppy
 * script (legacy code with `with`, octal escapes, `arguments` tricks).
 */
export function parseJs(text: string, hint: 'module' | 'script' | 'auto' = 'auto'): ParseResult {
  const src = blankHashbang(text);
  const order: ('module' | 'script')[] = hint === 'script' ? ['script', 'module'] : ['module', 'script'];
  let first: { message: string; offset: number } | null = null;
  for (const kind of order) {
    try {
      const opts = { ranges: true, next: true, webcompat: kind === 'script', lexical: false } as const;
      const ast = kind === 'module' ? parseModule(src, opts) : parseScript(src, opts);
      return { ok: true, ast, sourceType: kind };
    } catch (e) {
      first ??= errorOf(e);
      if (e instanceof RangeError) break;
    }
  }
  return { ok: false, ...first! };
}
