declare module 'unicode-name' {
  export function unicodeName(char: string | number): string | undefined;
}
