import type { Command } from 'commander';
import { SCENARIO_SCHEMA } from '@knsim/scenario';
import type { CliIo } from './io.js';

/**
 * Registers `knsim schema`: prints the scenario JSON Schema, for editors
 * (`knsim schema > scenario.schema.json`, then `# yaml-language-server: $schema=scenario.schema.json`).
 */
export function registerSchemaCommand(program: Command, io: CliIo): void {
  program
    .command('schema')
    .description('print the JSON Schema of scenario files (draft 2020-12), for editors and validators')
    .action(() => {
      io.stdout(`${JSON.stringify(SCENARIO_SCHEMA, null, 2)}\n`);
    });
}
