// Long lists in every report say the same thing when they are cut: `a, b, c, … (+N more)`.

/** Joins at most `max` items and says how many more there were; `hint` is added inside the parentheses. */
export function moreList(items: readonly string[], max: number, hint?: string, sep = ', '): string {
  if (items.length <= max) return items.join(sep);
  return `${items.slice(0, max).join(sep)}${sep}… (+${items.length - max} more${hint ? `; ${hint}` : ''})`;
}

/** The "+N more" line for a list whose first `shown` entries were printed one per line. */
export function moreLine(total: number, shown: number, hint?: string): string | undefined {
  return total > shown ? `… (+${total - shown} more${hint ? `; ${hint}` : ''})` : undefined;
}
