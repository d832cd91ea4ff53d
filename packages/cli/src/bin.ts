#!/usr/bin/env node
import { main } from './program.js';
import { processIo } from './io.js';

// A reader that stops early (`knsim schema | head`) closes the pipe: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

main(process.argv.slice(2), processIo).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // Not a user error: a bug. Show everything so it can be reported.
    process.stderr.write(
      `knsim: internal error (please report it)\n${(error as Error)?.stack ?? String(error)}\n`,
    );
    process.exitCode = 70;
  },
);
