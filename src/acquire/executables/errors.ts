/** A compiled executable whose container structures are truncated or inconsistent. One line, no stack needed. */
export class ContainerError extends Error {
  override name = 'ContainerError';
  constructor(
    /** Display path of the executable. */
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
  }
}
