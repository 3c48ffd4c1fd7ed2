import { EventHeap } from '../../toolkit/src/simulate/heap';
import { mulberry32 } from '../../toolkit/src/simulate/random';
import { Simulation } from '../../toolkit/src/simulate/simulation';

describe('simulation core', () => {
  test('the heap pops by time, then by insertion order', () => {
    const heap = new EventHeap();
    const times = [5, 1, 3, 1, 5, 0, 3];
    times.forEach((time, seq) => heap.push({ time, seq, action: () => undefined }));
    const order: number[] = [];
    for (let e = heap.pop(); e; e = heap.pop()) order.push(e.seq);
    expect(order).toEqual([5, 1, 3, 2, 6, 0, 4]);
  });

  test('events run at their simulated time and same-time events in scheduling order', () => {
    const sim = new Simulation();
    const seen: string[] = [];
    sim.schedule(2, () => seen.push(`b@${sim.now}`));
    sim.schedule(1, () => {
      seen.push(`a@${sim.now}`);
      sim.schedule(1, () => seen.push(`c@${sim.now}`));
    });
    sim.run();
    expect(seen).toEqual(['a@1', 'b@2', 'c@2']);
    expect(sim.now).toBe(2);
    expect([sim.processed, sim.pending]).toEqual([3, 0]);
  });

  test('sleep advances the clock and runUntil refuses to wait on an empty queue', () => {
    const sim = new Simulation();
    sim.sleep(7.5);
    expect(sim.now).toBe(7.5);
    expect(() => sim.runUntil(() => false)).toThrow(/stalled at t=7.5/);
  });

  test('mulberry32 is reproducible by seed and differs across seeds', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const seqA = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(seqA);
    expect(Array.from({ length: 5 }, mulberry32(43))).not.toEqual(seqA);
    expect(seqA.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});
