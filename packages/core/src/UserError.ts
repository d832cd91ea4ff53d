/**
 * An error caused by the user's input (a bad flag, file, manifest or scenario) rather than by a
 * bug. The CLI prints its message alone and exits 2; anything else is a bug and shows a stack.
 */
export class UserError extends Error {
  override readonly name: string = 'UserError';
}

/** True for errors the CLI reports as user errors. */
export function isUserError(error: unknown): error is Error {
  return (
    error instanceof UserError ||
    (error instanceof Error &&
      [
        'DurationParseError',
        'LogFormatError',
        'CommandRejected',
        'DistributionError',
        'LabelSelectorParseError',
        'AddressParseError',
      ].includes(error.name))
  );
}
