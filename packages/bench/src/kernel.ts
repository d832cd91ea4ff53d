import { createRequire } from 'node:module';
import seedrandom from 'seedrandom';
import { EventQueue, KernelScheduler, SECOND, type TimerHandle } from '@knsim/core';
import { bestRate, type Measurement } from './harness.js';

// The classic hold model: keep `pending` events in the queue; each step pops the earliest and
// schedules one at now + Exp(1). All variants draw from the same generator (seedrandom's Alea)
// so the ratio measures the event set, not the random numbers. Times are integer microseconds
// (mean 1 s) because the kernel's clock is integer.
const MEAN = SECOND;

function exponentialSource(): () => number {
  const next = seedrandom.alea('hold-model');
  return () => Math.round(-MEAN * Math.log(1 - next()));
}

/** (a) the kernel's EventQueue with plain callbacks. */
function holdKernel(pending: number, steps: number): () => void {
  return () => {
    const queue = new EventQueue();
    const draw = exponentialSource();
    const hold = (): void => {
      queue.after(draw(), hold);
    };
    for (let i = 0; i < pending; i++) queue.after(draw(), hold);
    for (let i = 0; i < steps; i++) queue.step();
  };
}

/** (b) the kernel through its rxjs scheduler: every event is a scheduled rxjs action. */
function holdRxjs(pending: number, steps: number): () => void {
  return () => {
    const queue = new EventQueue();
    const scheduler = new KernelScheduler(queue);
    const draw = exponentialSource();
    const hold = (): void => {
      scheduler.schedule(hold, draw());
    };
    for (let i = 0; i < pending; i++) scheduler.schedule(hold, draw());
    for (let i = 0; i < steps; i++) queue.step();
  };
}

/** (c) the practical limit: a bare binary heap of times in a Float64Array, no callbacks. */
function holdBareHeap(pending: number, steps: number): () => void {
  return () => {
    const heap = new Float64Array(pending + 1);
    const draw = exponentialSource();
    let size = 0;
    const push = (time: number): void => {
      let index = size++;
      while (index > 0) {
        const parent = (index - 1) >> 1;
        const parentTime = heap[parent] as number;
        if (parentTime <= time) break;
        heap[index] = parentTime;
        index = parent;
      }
      heap[index] = time;
    };
    const pop = (): number => {
      const top = heap[0] as number;
      const last = heap[--size] as number;
      let index = 0;
      const half = size >> 1;
      while (index < half) {
        let child = 2 * index + 1;
        let childTime = heap[child] as number;
        const right = child + 1;
        if (right < size && (heap[right] as number) < childTime) {
          child = right;
          childTime = heap[right] as number;
        }
        if (last <= childTime) break;
        heap[index] = childTime;
        index = child;
      }
      heap[index] = last;
      return top;
    };
    for (let i = 0; i < pending; i++) push(draw());
    for (let i = 0; i < steps; i++) push(pop() + draw());
  };
}

interface SimJsModule {
  Sim: new () => {
    simulate(endTime: number, maxEvents?: number): boolean;
    addEntity(klass: unknown): unknown;
  };
  Entity: new (...args: unknown[]) => {
    setTimer(duration: number): { done(callback: () => void, context?: unknown): unknown };
  };
}

/** (d) the same model on SIM.JS (npm `simjs`), the established JavaScript DES kernel. */
function holdSimJs(pending: number, steps: number): () => void {
  const require = createRequire(import.meta.url);
  // SIM.JS is a browser bundle: it publishes itself on `window`.
  const global = globalThis as { window?: { Sim?: SimJsModule } };
  global.window ??= {};
  require('simjs');
  const SimJs = global.window.Sim as SimJsModule;
  return () => {
    const draw = exponentialSource();
    class Holder extends SimJs.Entity {
      start(): void {
        for (let i = 0; i < pending; i++) this.setTimer(draw()).done(this.hold, this);
      }
      hold(): void {
        this.setTimer(draw()).done(this.hold, this);
      }
    }
    const sim = new SimJs.Sim();
    sim.addEntity(Holder);
    // maxEvents counts loop iterations; the +1 lets exactly `steps` events be delivered.
    sim.simulate(Number.MAX_SAFE_INTEGER, steps + 1);
  };
}

/** The bare-heap limit (events/s, hold model, 10^4 pending) that other suites compare against. */
export function bareHeapEventsPerSecond(options: { quick: boolean }): number {
  const steps = options.quick ? 200_000 : 2_000_000;
  return bestRate(steps, options.quick ? 1 : 3, holdBareHeap(10_000, steps));
}

export function kernelBenchmarks(options: { quick: boolean }): Measurement[] {
  const results: Measurement[] = [];
  const repeats = options.quick ? 1 : 3;
  for (const pending of [1_000, 10_000, 100_000]) {
    const steps = options.quick ? 200_000 : 2_000_000;
    const label = `hold ${pending.toLocaleString('en-US')} pending`;
    const bare = bestRate(steps, repeats, holdBareHeap(pending, steps));
    const kernel = bestRate(steps, repeats, holdKernel(pending, steps));
    const rxjs = bestRate(steps, repeats, holdRxjs(pending, steps));
    const simjsSteps = Math.min(steps, options.quick ? 100_000 : 500_000);
    const simjs = bestRate(simjsSteps, repeats, holdSimJs(pending, simjsSteps));
    const bareName = `kernel/${label}: (c) bare typed-array heap`;
    const simjsName = `kernel/${label}: (d) simjs`;
    results.push(
      {
        name: `kernel/${label}: (a) kernel, plain callbacks`,
        unit: 'events/s',
        value: kernel,
        baseline: bareName,
        ratio: kernel / bare,
        ...(pending === 10_000 ? { target: '>= 0.5 of (c)' } : {}),
      },
      {
        name: `kernel/${label}: (b) kernel via rxjs scheduler`,
        unit: 'events/s',
        value: rxjs,
        baseline: bareName,
        ratio: rxjs / bare,
        ...(pending === 10_000 ? { target: '>= 0.15 of (c)' } : {}),
      },
      { name: bareName, unit: 'events/s', value: bare, baseline: bareName, ratio: 1 },
      { name: simjsName, unit: 'events/s', value: simjs, baseline: bareName, ratio: simjs / bare },
      {
        name: `kernel/${label}: (a) kernel vs simjs`,
        unit: 'x',
        value: kernel / simjs,
        baseline: simjsName,
        ratio: kernel / simjs,
        ...(pending === 10_000 ? { target: '>= 3' } : {}),
      },
    );
  }
  return results;
}

export type { TimerHandle };
