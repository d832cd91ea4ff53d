import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { isUserError, parseDuration, readLogFile, digestLog, formatDuration, UserError } from '@knsim/core';
import { registerClusterCommands } from './clusterCommands.js';
import { registerConnectCommand } from './connectCommand.js';
import { registerDnsCommand } from './dnsCommand.js';
import { registerReachCommand } from './reachCommand.js';
import { registerReplayCommand } from './replayCommand.js';
import { registerRouteCommand } from './routeCommand.js';
import { registerRunCommand } from './runCommand.js';
import { registerSchemaCommand } from './schemaCommand.js';
import { registerSweepCommand } from './sweepCommand.js';
import { registerTraceCommand } from './traceCommand.js';
import { formatDemo, runDemo } from './demo.js';
import { CommandExit, type CliIo } from './io.js';
import { VERSION } from './version.js';

/** Exit codes: 0 success, 1 an expectation failed, 2 bad input. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

function parseSeed(value: string): string {
  if (!/^[A-Za-z0-9_.:-]{1,128}$/.test(value)) {
    throw new UserError(`invalid --seed ${JSON.stringify(value)}: use letters, digits, '_', '.', ':' or '-'`);
  }
  return value;
}

function parseDurationOption(flag: string) {
  return (value: string): number => {
    try {
      return parseDuration(value);
    } catch (error) {
      throw new UserError(`invalid ${flag}: ${(error as Error).message}`);
    }
  };
}

export function buildProgram(io: CliIo): Command {
  const program = new Command('knsim')
    .description('knsim: a deterministic, event-sourced emulator of Kubernetes networking')
    .version(VERSION, '-V, --version', 'print the knsim version')
    .showHelpAfterError('(run knsim --help for usage)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();

  program
    .command('demo')
    .description('run the kernel demo: seeded Poisson arrivals batched by an rxjs component in virtual time')
    .addOption(new Option('--seed <seed>', 'run seed').default('1').argParser(parseSeed))
    .addOption(
      new Option('--duration <duration>', 'simulated time, e.g. 30s or 1m30s')
        .default(parseDuration('30s'), '30s')
        .argParser(parseDurationOption('--duration')),
    )
    .option('--out <dir>', 'write the event log (events.ndjson) to this folder')
    .option('--json', 'print the summary as JSON')
    .action((options: { seed: string; duration: number; out?: string; json?: boolean }) => {
      const result = runDemo({ seed: options.seed, duration: options.duration });
      if (options.out !== undefined) {
        mkdirSync(options.out, { recursive: true });
        writeFileSync(join(options.out, 'events.ndjson'), result.sim.log.toNdjson());
      }
      if (options.json === true) {
        const { sim: _sim, ...summary } = result;
        io.stdout(JSON.stringify(summary, null, 2) + '\n');
      } else {
        io.stdout(formatDemo(result));
      }
    });

  const log = program.command('log').description('work with event logs (events.ndjson)');
  log
    .command('verify <log>')
    .description('check a log (header, sequence, times) and print its digest')
    .option('--json', 'print the result as JSON')
    .action((path: string, options: { json?: boolean }) => {
      const { header, events } = readLogFile(path);
      const last = events.at(-1);
      const summary = {
        path,
        seed: header.seed,
        scenarioDigest: header.scenarioDigest,
        events: events.length,
        lastEventAt: last === undefined ? 0 : last.at,
        digest: digestLog(header, events),
      };
      io.stdout(
        options.json === true
          ? JSON.stringify(summary, null, 2) + '\n'
          : `${path}: valid knsim log, ${summary.events} events up to ${formatDuration(summary.lastEventAt)}, seed ${summary.seed}\ndigest ${summary.digest}\n`,
      );
    });

  registerClusterCommands(program, io);
  registerConnectCommand(program, io);
  registerDnsCommand(program, io);
  registerReachCommand(program, io);
  registerReplayCommand(program, io);
  registerRouteCommand(program, io);
  registerRunCommand(program, io);
  registerSchemaCommand(program, io);
  registerSweepCommand(program, io);
  registerTraceCommand(program, io);
  return program;
}

/** Runs the CLI; returns the exit code instead of exiting, so tests and embedders can call it. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommandExit) return error.code;
    if (error instanceof CommanderError) {
      // Help and version end in a "zero" commander error; real parse errors were already printed.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (isUserError(error)) {
      io.stderr(`knsim: ${(error as Error).message}\n`);
      return EXIT.usage;
    }
    const fileProblem = describeFileError(error);
    if (fileProblem !== undefined) {
      io.stderr(`knsim: ${fileProblem}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}

const FILE_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
};

/** A missing or unreadable file named on the command line is the user's error, not a crash. */
function describeFileError(error: unknown): string | undefined {
  const { code, path } = (error ?? {}) as { code?: unknown; path?: unknown };
  if (typeof code !== 'string' || !(code in FILE_ERRORS)) return undefined;
  return `cannot read ${typeof path === 'string' ? path : 'file'}: ${FILE_ERRORS[code]}`;
}
