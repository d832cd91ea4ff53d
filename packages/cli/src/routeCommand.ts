import type { Command } from 'commander';
import type { CliIo } from './io.js';

/** Registers `knsim route` (being written). */
export function registerRouteCommand(program: Command, io: CliIo): void {
  void program;
  void io;
}
