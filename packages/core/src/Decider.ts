import type { EventShape } from './LoggedEvent.js';
import type { Projection } from './Store.js';

/**
 * The decider pattern: `decide` turns a command and the current state into events (or throws a
 * {@link CommandRejected}), `evolve` folds events into state. Both are pure; rxjs wiring decides
 * when commands happen.
 */
export interface Decider<C, S, E extends EventShape> extends Projection<S, E> {
  readonly decide: (command: C, state: S) => readonly E[];
}

/** A command that cannot be carried out in the current state; the state is left untouched. */
export class CommandRejected extends Error {
  override readonly name = 'CommandRejected';
  constructor(
    readonly command: string,
    readonly reason: string,
  ) {
    super(`${command} rejected: ${reason}`);
  }
}
