import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { encodeEvent, encodeHeader, LogDigest, type LogHeader } from './logCodec.js';
import type { EventShape, LoggedEvent } from './LoggedEvent.js';

export interface LogWriterOptions {
  /** Bytes buffered before a write to the file; memory stays bounded by this. Default 1 MiB. */
  readonly bufferBytes?: number;
  /**
   * Flush on process exit and on SIGINT/SIGTERM (then exit 130/143), so an interrupted run leaves
   * a log that is valid up to its last line. Default true.
   */
  readonly flushOnExit?: boolean;
}

/**
 * Streams a log to a file as NDJSON with bounded memory. Lines are only ever written whole, so a
 * log cut short by an interrupt is still valid up to its last line. Also keeps the running sha256
 * of the canonical log.
 */
export class LogWriter {
  readonly path: string;
  readonly #fd: number;
  readonly #bufferBytes: number;
  readonly #digest = new LogDigest();
  #chunks: string[] = [];
  #buffered = 0;
  #closed = false;
  #lines = 0;
  readonly #onExit: () => void;
  readonly #onSignal: (signal: NodeJS.Signals) => void;
  readonly #listening: boolean;

  constructor(path: string, header: LogHeader, options: LogWriterOptions = {}) {
    this.path = path;
    this.#bufferBytes = options.bufferBytes ?? 1 << 20;
    this.#fd = openSync(path, 'w');
    this.#onExit = () => this.flush();
    this.#onSignal = (signal) => {
      this.close();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    };
    this.#listening = options.flushOnExit ?? true;
    if (this.#listening) {
      process.on('exit', this.#onExit);
      process.on('SIGINT', this.#onSignal);
      process.on('SIGTERM', this.#onSignal);
    }
    this.#line(encodeHeader(header));
  }

  /** Number of lines written or buffered, the header included. */
  get lines(): number {
    return this.#lines;
  }

  append(event: LoggedEvent<EventShape>): void {
    if (this.#closed) throw new Error(`log ${this.path} is closed`);
    this.#line(encodeEvent(event));
  }

  /** Writes the buffered lines to the file. */
  flush(): void {
    if (this.#buffered === 0 || this.#closed) return;
    writeSync(this.#fd, this.#chunks.join(''));
    this.#chunks = [];
    this.#buffered = 0;
  }

  /** Flushes, syncs and closes the file; returns the log's digest. Idempotent. */
  close(): string | undefined {
    if (this.#closed) return undefined;
    this.flush();
    fsyncSync(this.#fd);
    closeSync(this.#fd);
    this.#closed = true;
    if (this.#listening) {
      process.off('exit', this.#onExit);
      process.off('SIGINT', this.#onSignal);
      process.off('SIGTERM', this.#onSignal);
    }
    return this.#digest.finish();
  }

  #line(line: string): void {
    this.#digest.update(line);
    this.#chunks.push(line, '\n');
    this.#buffered += line.length + 1;
    this.#lines++;
    if (this.#buffered >= this.#bufferBytes) this.flush();
  }
}
