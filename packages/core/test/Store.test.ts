import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EventLog,
  fold,
  makeLogHeader,
  PersistentMap,
  Store,
  type LoggedEvent,
  type Projection,
} from '@knsim/core';

// A small cluster-like projection: objects keyed by name, with a counter and a history.
type Event =
  | { type: 'Created'; key: string; value: number }
  | { type: 'Changed'; key: string; delta: number }
  | { type: 'Deleted'; key: string }
  | { type: 'Noted'; text: string };

interface State {
  readonly objects: PersistentMap<{ readonly value: number; readonly changes: number }>;
  readonly notes: readonly string[];
  readonly lastAt: number;
}

const projection: Projection<State, Event> = {
  initialState: { objects: PersistentMap.empty(), notes: [], lastAt: 0 },
  evolve: (draft, event) => {
    draft.lastAt = event.at;
    switch (event.type) {
      case 'Created':
        draft.objects = draft.objects.set(event.key, { value: event.value, changes: 0 });
        break;
      case 'Changed': {
        const current = draft.objects.get(event.key);
        if (current !== undefined) {
          draft.objects = draft.objects.set(event.key, {
            value: current.value + event.delta,
            changes: current.changes + 1,
          });
        }
        break;
      }
      case 'Deleted':
        draft.objects = draft.objects.delete(event.key);
        break;
      case 'Noted':
        draft.notes.push(event.text);
    }
  },
};

const key = fc.constantFrom('a', 'b', 'c', 'd', 'pod/x', 'pod/y', 'svc/z');
const eventArbitrary: fc.Arbitrary<Event> = fc.oneof(
  fc.record({ type: fc.constant('Created' as const), key, value: fc.integer({ min: -5, max: 5 }) }),
  fc.record({ type: fc.constant('Changed' as const), key, delta: fc.integer({ min: -3, max: 3 }) }),
  fc.record({ type: fc.constant('Deleted' as const), key }),
  fc.record({ type: fc.constant('Noted' as const), text: fc.string({ maxLength: 4 }) }),
);
const logArbitrary = fc.array(fc.tuple(eventArbitrary, fc.nat(3)), { maxLength: 120 }).map((items) => {
  const log = new EventLog<Event>(makeLogHeader({ seed: 0, scenarioDigest: 'sha256:store' }));
  let at = 0;
  for (const [event, gap] of items) log.append(event, (at += gap));
  return log.events;
});

const plain = (state: State) => ({ ...state, objects: [...state.objects.entries()] });

describe('Store', () => {
  it('fold(log) equals the live state, and replaying reproduces it exactly (seed 3)', () => {
    fc.assert(
      fc.property(logArbitrary, (events) => {
        const store = new Store(projection, { snapshotEvery: 7 });
        for (const event of events) store.apply(event);
        expect(plain(fold(projection, events))).toEqual(plain(store.state));
        const replayed = new Store(projection, { snapshotEvery: 5 });
        replayed.applyAll(events);
        expect(plain(replayed.state)).toEqual(plain(store.state));
        // Reading after every event (one produce each) gives the same states as lazy batches.
        const eager = new Store(projection, { snapshotEvery: 3, maxBatch: 1 });
        events.forEach((event, index) => {
          eager.apply(event);
          if (index % 10 === 0)
            expect(plain(eager.state)).toEqual(plain(fold(projection, events.slice(0, index + 1))));
        });
        expect(plain(eager.state)).toEqual(plain(store.state));
      }),
      { seed: 3, numRuns: 200 },
    );
  });

  it('snapshot + suffix equals full fold, at every instant (seed 4)', () => {
    fc.assert(
      fc.property(logArbitrary, (events) => {
        const store = new Store(projection, { snapshotEvery: 4 });
        for (const event of events) store.apply(event);
        const last = events.at(-1)?.at ?? 0;
        for (let t = 0; t <= last + 1; t++) {
          const expected = fold(
            projection,
            events.filter((e) => e.at <= t),
          );
          expect(plain(store.stateAt(t))).toEqual(plain(expected));
        }
      }),
      { seed: 4, numRuns: 100 },
    );
  });

  it('never mutates earlier states (structural sharing, not aliasing)', () => {
    const store = new Store(projection);
    const at = (seq: number, event: Event) => ({ ...event, seq, at: seq }) as LoggedEvent<Event>;
    store.apply(at(1, { type: 'Created', key: 'a', value: 1 }));
    const before = store.state;
    store.apply(at(2, { type: 'Changed', key: 'a', delta: 5 }));
    expect(before.objects.get('a')?.value).toBe(1);
    expect(store.state.objects.get('a')?.value).toBe(6);
  });
});
