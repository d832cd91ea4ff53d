import type { Command } from 'commander';
import type { CliIo } from './io.js';

/** Registers `knsim reach` (being written). */
export function registerReachCommand(program: Command, io: CliIo): void {
  void program;
  void io;
}
