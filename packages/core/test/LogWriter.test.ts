import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeLog, EventLog, LogWriter, makeLogHeader } from '@knsim/core';

const header = makeLogHeader({ seed: 1, scenarioDigest: 'sha256:writer' });

describe('LogWriter', () => {
  it('streams a valid log whose digest equals the in-memory one, flushing in bounded chunks', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'knsim-log-')), 'events.ndjson');
    const writer = new LogWriter(path, header, { bufferBytes: 4096, flushOnExit: false });
    const log = new EventLog(header);
    log.addSink(writer);
    let sizeSeenMidway = 0;
    for (let i = 0; i < 5000; i++) {
      log.append({ type: 'Ticked', i, note: 'x'.repeat(i % 17) }, i * 10);
      if (i === 2500) sizeSeenMidway = statSync(path).size;
    }
    // Bounded memory: by the middle, most of what was appended is already on disk.
    expect(sizeSeenMidway).toBeGreaterThan(50_000);
    const digest = writer.close();
    expect(digest).toBe(log.digest());
    expect(writer.close()).toBeUndefined();
    const decoded = decodeLog(readFileSync(path, 'utf8'));
    expect(decoded.events).toHaveLength(5000);
    expect(readFileSync(path, 'utf8')).toBe(log.toNdjson());
  });

  it('leaves a valid partial log when the process is interrupted with SIGINT', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-sigint-'));
    const path = join(dir, 'events.ndjson');
    // The child runs the built package (CI builds on install), since plain node cannot load .ts.
    const coreEntry = new URL('../dist/index.js', import.meta.url).pathname;
    // The child appends events, then sends itself SIGINT part-way through a buffered chunk.
    const script = `
      import { LogWriter, makeLogHeader } from ${JSON.stringify(coreEntry)};
      const writer = new LogWriter(${JSON.stringify(path)}, makeLogHeader({ seed: 1, scenarioDigest: 'sha256:x' }), { bufferBytes: 1 << 20 });
      for (let i = 1; i <= 1234; i++) writer.append({ seq: i, at: i, type: 'Ticked' });
      process.kill(process.pid, 'SIGINT');
      setInterval(() => {}, 1000);
    `;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(130);
    const decoded = decodeLog(readFileSync(path, 'utf8'));
    expect(decoded.events).toHaveLength(1234);
  });
});
