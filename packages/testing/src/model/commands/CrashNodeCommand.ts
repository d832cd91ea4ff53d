import { NodeDownCommand } from './NodeDownCommand.js';

/**
 * The node's machine stops (kubelet silent, containers gone), when the model has it running.
 * Timeline step: `crashNode: NODE`.
 *
 * @example
 * ```ts
 * new CrashNodeCommand('node-2').toString(); // 'CrashNode(node-2)'
 * ```
 */
export class CrashNodeCommand extends NodeDownCommand {
  protected readonly down = 'crashed' as const;

  toString(): string {
    return `CrashNode(${this.node})`;
  }
}
