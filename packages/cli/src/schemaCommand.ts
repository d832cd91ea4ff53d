import type { Command } from 'commander';
import type { CliIo } from './io.js';

/** Registers `knsim schema` (being written). */
export function registerSchemaCommand(program: Command, io: CliIo): void {
  void program;
  void io;
}
