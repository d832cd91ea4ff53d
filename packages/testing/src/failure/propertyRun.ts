/** Helpers the property runners share (not exported from the package). */

/** `KNSIM_DEEP=1`: nightly runs, more cases and a fresh seed. */
export function deep(): boolean {
  return process.env['KNSIM_DEEP'] === '1';
}

/** A failure in one line: the error's message, or what a false predicate means. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return error === undefined ? 'the predicate returned false' : String(error);
}

/** A file-name-safe form of a name, at most 60 characters (`fallback` when nothing is left). */
export function slug(text: string, fallback: string): string {
  return (
    text
      .replace(/[^A-Za-z0-9_.-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || fallback
  );
}
