import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue } from '@knsim/core';

type Operation = { kind: 'schedule'; delay: number } | { kind: 'cancel'; pick: number } | { kind: 'step' };

const operation: fc.Arbitrary<Operation> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant('schedule' as const), delay: fc.integer({ min: 0, max: 20 }) }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('step' as const) }) },
);

describe('EventQueue', () => {
  it('runs equal-time entries in insertion order', () => {
    const queue = new EventQueue();
    const order: number[] = [];
    for (let i = 0; i < 100; i++) queue.schedule(5, () => order.push(i));
    while (queue.step());
    expect(order).toEqual([...Array(100).keys()]);
    expect(queue.now).toBe(5);
  });

  it('calls a scheduleWith entry with its argument, ordered with schedule entries, and cancels it', () => {
    const queue = new EventQueue();
    const order: string[] = [];
    const record = (name: string): void => {
      order.push(name);
    };
    queue.scheduleWith(7, record, 'b');
    queue.schedule(7, () => order.push('c'));
    queue.scheduleWith(3, record, 'a');
    const cancelled = queue.scheduleWith(5, record, 'never');
    expect(queue.cancel(cancelled)).toBe(true);
    while (queue.step());
    expect(order).toEqual(['a', 'b', 'c']);
    expect(queue.now).toBe(7);
  });

  const SEED = 20261127;
  it(`matches a sorted reference under arbitrary schedules and cancellations (seed ${SEED})`, () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 400 }), (operations) => {
        const queue = new EventQueue();
        // Reference: pending entries kept sorted by (time, seq).
        let reference: { time: number; seq: number; id: number; handle: number }[] = [];
        const ran: number[] = [];
        const expected: number[] = [];
        let seq = 0;
        const handles: { id: number; handle: number }[] = [];
        for (const op of operations) {
          if (op.kind === 'schedule') {
            const id = seq++;
            const time = queue.now + op.delay;
            const handle = queue.schedule(time, () => ran.push(id));
            reference.push({ time, seq: id, id, handle });
            handles.push({ id, handle });
          } else if (op.kind === 'cancel') {
            if (handles.length === 0) continue;
            const { id, handle } = handles[op.pick % handles.length]!;
            const pending = reference.some((e) => e.id === id);
            expect(queue.cancel(handle)).toBe(pending);
            reference = reference.filter((e) => e.id !== id);
          } else {
            reference.sort((a, b) => a.time - b.time || a.seq - b.seq);
            const head = reference.shift();
            expect(queue.step()).toBe(head !== undefined);
            if (head !== undefined) {
              expected.push(head.id);
              expect(queue.now).toBe(head.time);
            }
          }
          expect(queue.size).toBe(reference.length);
        }
        reference.sort((a, b) => a.time - b.time || a.seq - b.seq);
        while (queue.step());
        expect(ran).toEqual([...expected, ...reference.map((e) => e.id)]);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('ignores a stale handle whose slot was reused', () => {
    const queue = new EventQueue();
    const first = queue.schedule(1, () => undefined);
    queue.step();
    let ran = false;
    const second = queue.schedule(2, () => (ran = true));
    expect(second).not.toBe(first);
    expect(queue.cancel(first)).toBe(false);
    queue.step();
    expect(ran).toBe(true);
  });

  it('compacts when most entries are cancelled, keeping order', () => {
    const queue = new EventQueue();
    const order: number[] = [];
    const handles = [];
    for (let i = 0; i < 10_000; i++) handles.push(queue.schedule(10_000 - i, () => order.push(i)));
    for (let i = 0; i < 10_000; i++) if (i % 10 !== 0) queue.cancel(handles[i]!);
    expect(queue.size).toBe(1000);
    while (queue.step());
    expect(order).toEqual([...Array(1000).keys()].map((k) => 9990 - 10 * k));
  });

  it('rejects scheduling in the past or at a fractional instant', () => {
    const queue = new EventQueue();
    queue.schedule(10, () => undefined);
    queue.step();
    expect(() => queue.schedule(9, () => undefined)).toThrow(/not before now/);
    expect(() => queue.schedule(10.5, () => undefined)).toThrow(/integer/);
    expect(queue.after(-5, () => undefined)).toBeTypeOf('number');
  });

  it('advanceTo refuses to skip a pending entry', () => {
    const queue = new EventQueue();
    queue.schedule(10, () => undefined);
    expect(() => queue.advanceTo(11)).toThrow(/skip/);
    queue.advanceTo(10);
    expect(queue.now).toBe(10);
  });
});
