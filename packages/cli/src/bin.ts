#!/usr/bin/env node
import { main } from './program.js';
import { processIo } from './io.js';

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
