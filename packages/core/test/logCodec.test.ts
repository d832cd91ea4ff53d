import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  decodeLog,
  digestLog,
  encodeEvent,
  encodeLog,
  EventLog,
  LogFormatError,
  makeLogHeader,
  type LoggedEvent,
} from '@knsim/core';

const header = makeLogHeader({ seed: 7, scenarioDigest: 'sha256:test' });

const jsonValue = fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown);
const payload = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 6 }).filter((k) => !['seq', 'at', 'type', 'cause'].includes(k)),
  jsonValue,
  { maxKeys: 4 },
);
const eventsArbitrary = fc
  .array(
    fc.record({
      type: fc.string({ minLength: 1, maxLength: 12 }),
      gap: fc.nat(1000),
      payload,
      withCause: fc.boolean(),
    }),
    {
      maxLength: 40,
    },
  )
  .map((items) => {
    const log = new EventLog(header);
    let at = 0;
    for (const item of items) {
      at += item.gap;
      log.append(
        { ...item.payload, type: item.type },
        at,
        item.withCause && log.length > 0 ? log.length : undefined,
      );
    }
    return log;
  });

describe('NDJSON log codec', () => {
  it('round-trips arbitrary events (seed 11)', () => {
    fc.assert(
      fc.property(eventsArbitrary, (log) => {
        const text = log.toNdjson();
        const decoded = decodeLog(text);
        expect(decoded.header).toEqual(header);
        expect(decoded.events.map(canonicalJson)).toEqual(log.events.map(canonicalJson));
        expect(encodeLog(decoded.header, decoded.events)).toBe(text);
        expect(digestLog(decoded.header, decoded.events)).toBe(log.digest());
      }),
      { seed: 11, numRuns: 200 },
    );
  });

  it('puts seq, at, type, cause first and sorts the payload', () => {
    const event = {
      seq: 3,
      at: 10,
      cause: 1,
      type: 'PodScheduled',
      zeta: 1,
      alpha: { b: 2, a: 1 },
    } as LoggedEvent;
    expect(encodeEvent(event)).toBe(
      '{"seq":3,"at":10,"type":"PodScheduled","cause":1,"alpha":{"a":1,"b":2},"zeta":1}',
    );
  });

  it('refuses payloads that JSON would silently change', () => {
    const log = new EventLog(header);
    log.append({ type: 'Bad', value: Number.NaN }, 0);
    expect(() => log.toNdjson()).toThrow(/NaN cannot be encoded/);
    expect(() => log.append({ type: 'Bad', seq: 1 } as never, 0)).toThrow(/may not carry a "seq"/);
  });

  const good = () => {
    const log = new EventLog(header);
    log.append({ type: 'A' }, 0);
    log.append({ type: 'B', n: 1 }, 5);
    log.append({ type: 'C' }, 5, 2);
    return log.toNdjson();
  };

  const rejects = (text: string, line: number, reason: RegExp) => {
    let caught: unknown;
    try {
      decodeLog(text, 'events.ndjson');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(LogFormatError);
    expect((caught as LogFormatError).line).toBe(line);
    expect((caught as LogFormatError).message).toMatch(reason);
    expect((caught as LogFormatError).message).toMatch(new RegExp(`^events.ndjson:line ${line}: `));
  };

  it('rejects a truncated last line with its number', () => {
    const text = good();
    rejects(text.slice(0, -5), 4, /truncated/);
  });

  it('rejects corrupt lines with their numbers', () => {
    const lines = good().split('\n');
    rejects([lines[0], lines[1], '{not json', lines[3], ''].join('\n'), 3, /not valid JSON/);
    rejects([lines[0], lines[2], lines[1], lines[3], ''].join('\n'), 2, /seq is 2, expected 1/);
    rejects([lines[0], lines[1], '{"seq":2,"at":-1,"type":"B"}', ''].join('\n'), 3, /non-negative integer/);
    rejects(
      [lines[0], '{"seq":1,"at":9,"type":"A"}', '{"seq":2,"at":3,"type":"B"}', ''].join('\n'),
      3,
      /before the previous/,
    );
    rejects(
      [lines[0], '{"seq":1,"at":0,"type":"A","cause":1}', ''].join('\n'),
      2,
      /does not name an earlier event/,
    );
    rejects([lines[0], '[1]', ''].join('\n'), 2, /JSON object/);
    rejects([lines[0], '{"seq":1,"at":0}', ''].join('\n'), 2, /type must be/);
    rejects(['{"format":"other"}', ''].join('\n'), 1, /not a knsim event log/);
    rejects(
      ['{"format":"knsim-event-log","version":99}', ''].join('\n'),
      1,
      /unsupported log format version 99/,
    );
    rejects('', 1, /empty log/);
  });

  it('never half-loads: a bad line anywhere means no result', () => {
    const lines = good().split('\n');
    lines[2] = lines[2]!.replace('"B"', '""');
    expect(() => decodeLog(lines.join('\n'))).toThrow(LogFormatError);
  });
});
