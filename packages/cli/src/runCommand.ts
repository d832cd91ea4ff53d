import type { Command } from 'commander';
import type { CliIo } from './io.js';

/** Registers `knsim run` (being written). */
export function registerRunCommand(program: Command, io: CliIo): void {
  void program;
  void io;
}
