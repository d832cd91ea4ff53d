import {
  bufferTime,
  debounceTime,
  delay,
  interval,
  type Observable,
  Subject,
  take,
  throttleTime,
  timer,
  auditTime,
  sampleTime,
  timeout,
  catchError,
  of,
  type ObservableNotification,
  type SchedulerLike,
} from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { Simulation } from '@knsim/core';

interface Case {
  readonly name: string;
  readonly source: string;
  readonly operator: (scheduler: SchedulerLike) => (source: Observable<string>) => Observable<unknown>;
  readonly expected: string;
  readonly values?: Record<string, unknown>;
}

// Each case is a marble expectation that rxjs's own TestScheduler confirms; the kernel must
// produce exactly the same notifications at the same virtual times.
const cases: Case[] = [
  { name: 'delay', source: '-a--b---c|', operator: (s) => delay(3, s), expected: '----a--b---(c|)' },
  {
    name: 'throttleTime leading',
    source: 'a-b-c-----d-e|',
    operator: (s) => throttleTime(4, s),
    expected: 'a---------d--|',
  },
  {
    name: 'throttleTime trailing',
    source: 'a-b-c-------|',
    operator: (s) => throttleTime(3, s, { leading: false, trailing: true }),
    expected: '---b--c-----|',
  },
  {
    name: 'debounceTime',
    source: 'a-b---c-----d|',
    operator: (s) => debounceTime(3, s),
    expected: '-----b---c---(d|)',
  },
  {
    name: 'auditTime',
    source: 'a-b-c-------d|',
    operator: (s) => auditTime(3, s),
    expected: '---b---c-------(d|)',
  },
  {
    name: 'bufferTime',
    source: 'a-b-c-d-e---|',
    operator: (s) => bufferTime(4, s),
    expected: '----x---y---(z|)',
    values: { x: ['a', 'b'], y: ['c', 'd', 'e'], z: [] },
  },
  { name: 'sampleTime', source: 'a-b-c-d---|', operator: (s) => sampleTime(3, s), expected: '---b--d---|' },
  {
    name: 'timeout',
    source: '-a------b|',
    operator: (s) => (source) =>
      source.pipe(
        timeout({ each: 4, scheduler: s }),
        catchError(() => of('t')),
      ),
    expected: '-a---(t|)',
  },
];

function parse(
  marbles: string,
  values?: Record<string, unknown>,
): { frame: number; notification: ObservableNotification<unknown> }[] {
  // Parse in run mode (one character = one frame), which TestScheduler only enables inside run().
  let parsed: { frame: number; notification: ObservableNotification<unknown> }[] = [];
  new TestScheduler(() => undefined).run(() => {
    parsed = TestScheduler.parseMarbles(marbles, values, undefined, true, true) as never;
  });
  return parsed;
}

function runOnKernel(testCase: Case): { frame: number; notification: ObservableNotification<unknown> }[] {
  const sim = new Simulation({ seed: 0 });
  const input = new Subject<string>();
  const seen: { frame: number; notification: ObservableNotification<unknown> }[] = [];
  input.pipe(testCase.operator(sim.scheduler)).subscribe({
    next: (value) => seen.push({ frame: sim.now, notification: { kind: 'N', value } }),
    error: (error: unknown) => seen.push({ frame: sim.now, notification: { kind: 'E', error } }),
    complete: () => seen.push({ frame: sim.now, notification: { kind: 'C' } }),
  });
  for (const { frame, notification } of parse(testCase.source)) {
    sim.at(frame, () => {
      if (notification.kind === 'N') input.next(notification.value as string);
      else if (notification.kind === 'C') input.complete();
    });
  }
  sim.run();
  return seen;
}

describe('KernelScheduler matches rxjs TestScheduler marbles', () => {
  for (const testCase of cases) {
    it(testCase.name, () => {
      // 1. The expectation is what rxjs itself says.
      const testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
      testScheduler.run(({ cold, expectObservable }) => {
        expectObservable(cold(testCase.source).pipe(testCase.operator(testScheduler))).toBe(
          testCase.expected,
          testCase.values,
        );
      });
      // 2. The kernel produces exactly the same notifications at the same times.
      expect(runOnKernel(testCase)).toEqual(parse(testCase.expected, testCase.values));
    });
  }

  it('timer and interval run in virtual time and interleave with kernel events', () => {
    const sim = new Simulation({ seed: 0 });
    const log: string[] = [];
    timer(5, sim.scheduler).subscribe(() => log.push(`timer@${sim.now}`));
    interval(2, sim.scheduler)
      .pipe(take(3))
      .subscribe((n) => log.push(`interval${n}@${sim.now}`));
    sim.at(4, () => log.push(`kernel@${sim.now}`));
    sim.run();
    // FIFO on ties: the kernel entry was scheduled (at setup) before interval rescheduled itself at 2.
    expect(log).toEqual(['interval0@2', 'kernel@4', 'interval1@4', 'timer@5', 'interval2@6']);
  });

  it('unsubscribing cancels the pending action', () => {
    const sim = new Simulation({ seed: 0 });
    let fired = false;
    const subscription = timer(10, sim.scheduler).subscribe(() => (fired = true));
    sim.at(5, () => subscription.unsubscribe());
    const result = sim.run();
    expect(fired).toBe(false);
    expect(result.now).toBe(5);
    expect(sim.queue.size).toBe(0);
  });
});
