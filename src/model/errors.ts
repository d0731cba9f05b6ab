/** An error the user caused (bad arguments, unknown package, unreadable target): one line, exit code 2. */
export class UserError extends Error {
  override name = 'UserError';
}

/** A limit was exceeded while reading untrusted input. */
export class LimitError extends Error {
  override name = 'LimitError';
}
