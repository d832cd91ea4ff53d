/**
 * @knsim/cli: the `knsim` command, also callable as a library (`main(argv, io)`).
 *
 * @packageDocumentation
 */
export { buildProgram, EXIT, main } from './program.js';
export { bufferIo, processIo, type CliIo } from './io.js';
export { formatDemo, runDemo, type DemoEvent, type DemoResult, type DemoState } from './demo.js';
export { VERSION } from './version.js';
