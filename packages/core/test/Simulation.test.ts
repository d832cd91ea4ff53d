import fc from 'fast-check';
import { filter, map, delay, throttleTime, type Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { fold, SECOND, Simulation, type ComponentContext, type LoggedEvent } from '@knsim/core';

type Event =
  | { type: 'Arrived'; client: string; size: number }
  | { type: 'Acknowledged'; of: number }
  | { type: 'Synced'; count: number };

interface State {
  readonly arrivals: number;
  readonly bytes: number;
  readonly acks: number;
  readonly syncs: number;
}

const projection = {
  initialState: { arrivals: 0, bytes: 0, acks: 0, syncs: 0 } as State,
  evolve: (
    draft: { arrivals: number; bytes: number; acks: number; syncs: number },
    event: LoggedEvent<Event>,
  ) => {
    if (event.type === 'Arrived') {
      draft.arrivals++;
      draft.bytes += event.size;
    } else if (event.type === 'Acknowledged') draft.acks++;
    else draft.syncs++;
  },
};

/** A small model with randomness, timers and rxjs components: arrivals, acks and throttled syncs. */
function runModel(seed: number | string, clients: readonly string[], until = 20 * SECOND) {
  const sim = new Simulation<State, Event>({ seed, projection, snapshotEvery: 50 });
  for (const client of clients) {
    const rng = sim.rng(`arrivals/${client}`);
    const next = () => {
      sim.emit({ type: 'Arrived', client, size: rng.int(1, 1500) });
      sim.after(Math.round(rng.exponential(SECOND / 5)), next);
    };
    sim.after(Math.round(rng.exponential(SECOND / 5)), next);
  }
  sim.use(({ events$, scheduler, random }: ComponentContext<State, Event>): Observable<Event> => {
    const jitter = random('acks');
    return events$.pipe(
      filter((e) => e.type === 'Arrived'),
      delay(Math.round(jitter.uniform(1000, 5000)), scheduler),
      map((e) => ({ type: 'Acknowledged', of: e.seq })),
    );
  });
  sim.use(({ events$, scheduler, state }) =>
    events$.pipe(
      filter((e) => e.type === 'Acknowledged'),
      throttleTime(SECOND, scheduler),
      map(() => ({ type: 'Synced', count: state().acks })),
    ),
  );
  const result = sim.run({ until });
  return { sim, result };
}

describe('Simulation', () => {
  it('same seed, same log digest; a different seed changes it', () => {
    const a = runModel(1, ['x', 'y']);
    const b = runModel(1, ['x', 'y']);
    const c = runModel(2, ['x', 'y']);
    expect(a.sim.log.length).toBeGreaterThan(100);
    expect(a.sim.log.digest()).toBe(b.sim.log.digest());
    expect(a.sim.log.toNdjson()).toBe(b.sim.log.toNdjson());
    expect(c.sim.log.digest()).not.toBe(a.sim.log.digest());
  });

  it('same seed, same log for arbitrary seeds and client sets; fold(log) reproduces the live state (seed 8)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd'), { minLength: 1 }),
        (seed, clients) => {
          const first = runModel(seed, clients, 5 * SECOND);
          const second = runModel(seed, clients, 5 * SECOND);
          expect(second.sim.log.digest()).toBe(first.sim.log.digest());
          expect(fold(projection, first.sim.log.events)).toEqual(first.sim.state);
          expect(first.sim.store?.stateAt(first.sim.now)).toEqual(first.sim.state);
        },
      ),
      { seed: 8, numRuns: 25 },
    );
  });

  it('two simulations run side by side without interfering', () => {
    const alone = runModel(5, ['x']).sim.log.digest();
    const left = new Simulation<State, Event>({ seed: 5, projection });
    const right = runModel(6, ['x']);
    left.emit({ type: 'Synced', count: 0 });
    expect(runModel(5, ['x']).sim.log.digest()).toBe(alone);
    expect(right.sim.log.digest()).not.toBe(alone);
    expect(left.log.length).toBe(1);
  });

  it('adding a consumer of randomness does not change another stream', () => {
    const base = runModel(3, ['x']);
    const more = runModel(3, ['x', 'y']);
    const arrivalsOf = (events: readonly LoggedEvent<Event>[], client: string) =>
      events
        .filter((e) => e.type === 'Arrived' && e.client === client)
        .map((e) => [e.at, (e as { size: number }).size]);
    expect(arrivalsOf(more.sim.log.events, 'x')).toEqual(arrivalsOf(base.sim.log.events, 'x'));
  });

  it('dispatches breadth-first and records the cause', () => {
    const sim = new Simulation<undefined, { type: string }>({ seed: 0 });
    const seen: string[] = [];
    sim.events$.subscribe((e) => {
      seen.push(`A:${e.type}`);
      if (e.type === 'First') sim.emit({ type: 'Second' });
    });
    sim.events$.subscribe((e) => seen.push(`B:${e.type}`));
    sim.emit({ type: 'First' });
    expect(seen).toEqual(['A:First', 'B:First', 'A:Second', 'B:Second']);
    expect(sim.log.events.map((e) => [e.seq, e.type, e.cause])).toEqual([
      [1, 'First', undefined],
      [2, 'Second', 1],
    ]);
  });

  it('a reported failure ends the run after the step that reported it, with or without a stop condition', () => {
    for (const stopWhen of [undefined, () => false]) {
      const sim = new Simulation({ seed: 0 });
      const ran: number[] = [];
      sim.queue.schedule(1, () => ran.push(1));
      sim.queue.schedule(2, () => {
        ran.push(2);
        sim.fail(new Error('component broke'));
      });
      sim.queue.schedule(3, () => ran.push(3));
      expect(() => sim.run(stopWhen === undefined ? {} : { stopWhen })).toThrow('component broke');
      expect(ran).toEqual([1, 2]);
      expect(sim.now).toBe(2);
      // The failure is reported once; the run goes on from there when asked.
      expect(sim.run().reason).toBe('drained');
      expect(ran).toEqual([1, 2, 3]);
    }
  });

  it('stops at the time limit, when drained, on a condition or at a step limit', () => {
    const make = () => {
      const sim = new Simulation({ seed: 0 });
      let ticks = 0;
      const tick = () => {
        ticks++;
        if (ticks < 10) sim.after(SECOND, tick);
      };
      sim.at(0, tick);
      return { sim, ticks: () => ticks };
    };
    const limited = make();
    expect(limited.sim.run({ until: 3.5 * SECOND })).toEqual({
      reason: 'time-limit',
      now: 3.5 * SECOND,
      steps: 4,
    });
    expect(limited.sim.run({ until: 100 * SECOND })).toEqual({
      reason: 'drained',
      now: 100 * SECOND,
      steps: 6,
    });
    const stopped = make();
    expect(stopped.sim.run({ stopWhen: () => stopped.ticks() >= 5 }).reason).toBe('stopped');
    expect(stopped.ticks()).toBe(5);
    const capped = make();
    expect(capped.sim.run({ maxSteps: 2 })).toEqual({ reason: 'step-limit', now: SECOND, steps: 2 });
  });

  it('a failing component or callback fails the run loudly', () => {
    const sim = new Simulation<undefined, { type: string }>({ seed: 0 });
    sim.use(({ events$ }) =>
      events$.pipe(
        map((e) => {
          if (e.type === 'Boom') throw new Error('component exploded');
          return e;
        }),
        filter(() => false),
      ),
    );
    sim.at(1, () => sim.emit({ type: 'Boom' }));
    expect(() => sim.run()).toThrow('component exploded');
    const other = new Simulation({ seed: 0 });
    other.at(1, () => {
      throw new Error('callback exploded');
    });
    expect(() => other.run()).toThrow('callback exploded');
  });
});
