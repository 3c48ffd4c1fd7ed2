import { readFileSync } from 'fs';
import { join } from 'path';
import { exponential, initSeconds } from '../../toolkit/src/simulate/lambda-init';
import { LambdaPlatform, LambdaPlatformProps } from '../../toolkit/src/simulate/lambda-platform';
import { parseLambdaMeasurements, relativeError, simulateMeasurement } from '../../toolkit/src/simulate/lambda-validation';
import { Simulation } from '../../toolkit/src/simulate/simulation';

const MEASUREMENTS = join(__dirname, '..', '..', '..', 'shared', 'reference', 'data', 'lambda-cold-start-measurements.csv');

function lambda(props: LambdaPlatformProps = {}) {
  const sim = new Simulation({ seed: 7 });
  return { sim, platform: new LambdaPlatform(sim, props) };
}

describe('Lambda platform model', () => {
  test('the most recently freed idle environment takes the next request, so the older one expires', () => {
    const { sim, platform } = lambda({ idleTimeout: 600 });
    platform.addFunction({ name: 'f', initTime: 1, serviceTime: 1 });
    const done: string[] = [];
    // Two environments: A frees at t=2 (1 s init + 1 s), B, started at t=0.5 with a 3 s request, frees at t=4.5.
    platform.invoke('f', { onDone: () => done.push(`A@${sim.now}`) });
    sim.sleep(0.5);
    platform.invoke('f', { serviceTime: 3, onDone: () => done.push(`B@${sim.now}`) });
    sim.sleep(9.5);
    expect(done).toEqual(['A@2', 'B@4.5']);
    // Every request from now on lands on B (freed last); A, idle since t=2, expires at t=602.
    for (let i = 0; i < 60; i++) {
      expect(platform.invoke('f')).toBe('warm');
      sim.sleep(10);
    }
    expect(platform.instances('f')).toEqual({ total: 1, running: 0, idle: 1 });
    const s = platform.stats('f');
    expect([s.coldStarts, s.warmStarts, s.environmentsCreated, s.environmentsExpired]).toEqual([2, 60, 2, 1]);
  });

  test('an idle environment is reclaimed after the idle timeout, and the next request is cold again', () => {
    const { sim, platform } = lambda();
    expect(platform.idleTimeout).toBe(600);
    platform.addFunction({ name: 'f', initTime: 0.5, serviceTime: 0.5 });
    expect(platform.invoke('f')).toBe('cold');
    sim.sleep(1 + 599.9);
    expect(platform.instances('f').total).toBe(1);
    expect(platform.invoke('f')).toBe('warm');
    sim.sleep(0.5 + 600.1);
    expect(platform.instances('f').total).toBe(0);
    expect(platform.invoke('f')).toBe('cold');
    sim.run();
    const s = platform.stats('f');
    expect([s.coldStarts, s.warmStarts, s.environmentsExpired]).toEqual([2, 1, 2]);
    // The first lives from 0 to 1,201.4 (last freed at 601.4), the second from 1,201.5 to 1,802.5.
    expect(sim.now).toBe(1802.5);
    expect(s.averageInstances).toBeCloseTo((1201.4 + 601) / 1802.5, 6);
  });

  test('reserved concurrency caps the function and throttled requests are counted, not queued', () => {
    const { sim, platform } = lambda({ accountConcurrency: 200 });
    platform.addFunction({ name: 'capped', initTime: 0, serviceTime: 10, reservedConcurrency: 3 });
    platform.addFunction({ name: 'free', initTime: 0, serviceTime: 10 });
    const outcomes = Array.from({ length: 5 }, () => platform.invoke('capped'));
    expect(outcomes).toEqual(['cold', 'cold', 'cold', 'concurrency', 'concurrency']);
    // The unreserved pool is 200 − 3: the 198th concurrent request of another function is throttled.
    const free = Array.from({ length: 198 }, () => platform.invoke('free'));
    expect(free.filter((o) => o === 'concurrency')).toHaveLength(1);
    sim.sleep(10);
    expect(platform.invoke('capped')).toBe('warm');
    const s = platform.stats('capped');
    expect([s.requests, s.throttles, s.throttlesByCause.concurrency, s.peakRunning]).toEqual([6, 2, 2, 3]);
    expect(() => platform.addFunction({ name: 'greedy', serviceTime: 1, reservedConcurrency: 98 }))
      .toThrow(/greedy: reservedConcurrency 98 leaves fewer than 100 unreserved of 200/);
  });

  test('a burst of 3,000 requests gets at most 1,000 new environments in the first 10 s', () => {
    const { sim, platform } = lambda({ accountConcurrency: 10_000 });
    platform.addFunction({ name: 'f', initTime: 0.2, serviceTime: 30 });
    const first = Array.from({ length: 3000 }, () => platform.invoke('f'));
    expect(first.filter((o) => o === 'cold')).toHaveLength(1000);
    expect(first.filter((o) => o === 'scaling')).toHaveLength(2000);
    sim.sleep(9.99);
    expect(platform.invoke('f')).toBe('scaling');
    expect(platform.instances('f').total).toBe(1000);
    sim.sleep(0.01);
    const second = Array.from({ length: 2000 }, () => platform.invoke('f'));
    expect(second.filter((o) => o === 'cold')).toHaveLength(1000);
    expect(platform.stats('f').throttlesByCause).toEqual({ concurrency: 0, scaling: 3001 });
  });

  test('init and duration are billed per 1 ms in GB-seconds', () => {
    const { sim, platform } = lambda();
    platform.addFunction({ name: 'f', memoryMb: 2048, initTime: 0.2503, serviceTime: 0.1 });
    platform.invoke('f');
    sim.sleep(1);
    platform.invoke('f');
    sim.run();
    const s = platform.stats('f');
    expect(s.billedInitGbSeconds).toBeCloseTo(2 * 0.251, 9);
    expect(s.billedDurationGbSeconds).toBeCloseTo(2 * 2 * 0.1, 9);
  });

  test('init time comes from the runtime table when not given', () => {
    expect(initSeconds('java', 128)).toBeGreaterThan(initSeconds('python', 128));
    expect(initSeconds('nodejs', 2048)).toBe(initSeconds('nodejs', 1024));
    const { sim, platform } = lambda();
    platform.addFunction({ name: 'f', runtime: 'python', memoryMb: 128, serviceTime: 1 });
    platform.invoke('f');
    sim.run();
    expect(platform.stats('f').billedInitGbSeconds).toBeCloseTo(initSeconds('python', 128) / 8, 9);
  });

  test('the same seed gives the same run', () => {
    const run = () => {
      const { sim, platform } = lambda();
      platform.addFunction({ name: 'f', initTime: exponential(0.3), serviceTime: exponential(1) });
      const arrive = () => {
        platform.invoke('f');
        if (sim.now < 5000) sim.schedule(-Math.log(1 - sim.random()), arrive);
      };
      arrive();
      sim.run();
      return platform.stats('f');
    };
    expect(run()).toEqual(run());
  });

  test('matches the AWS Lambda measurements: cold-start probability within 15 %, instance count within 10 % (mean relative error)', () => {
    const rows = parseLambdaMeasurements(readFileSync(MEASUREMENTS, 'utf8'));
    expect(rows).toHaveLength(10);
    const table = rows.map((m) => {
      const { stats } = simulateMeasurement(m, 3e5, 1);
      return {
        rate: m.arrivalRate.toFixed(3),
        coldMeasured: m.coldStartProbability.toFixed(5),
        coldSimulated: stats.coldStartProbability.toFixed(5),
        coldError: relativeError(stats.coldStartProbability, m.coldStartProbability),
        instancesMeasured: m.averageInstanceCount.toFixed(3),
        instancesSimulated: stats.averageInstances.toFixed(3),
        instancesError: relativeError(stats.averageInstances, m.averageInstanceCount),
      };
    });
    const mean = (key: 'coldError' | 'instancesError') => table.reduce((a, r) => a + r[key], 0) / table.length;
    console.log(['rate  P(cold) measured  simulated  error  instances measured  simulated  error',
      ...table.map((r) => `${r.rate}  ${r.coldMeasured}  ${r.coldSimulated}  ${r.coldError.toFixed(3)}  `
        + `${r.instancesMeasured}  ${r.instancesSimulated}  ${r.instancesError.toFixed(3)}`)].join('\n'));
    console.log(`mean relative error: cold-start probability ${mean('coldError').toFixed(4)}, average instances ${mean('instancesError').toFixed(4)}`);
    expect(mean('coldError')).toBeLessThan(0.15);
    expect(mean('instancesError')).toBeLessThan(0.10);
  }, 180_000);
});

describe('run: the caller holds the environment until its handler returns', () => {
  test('busy until finish, billed from the end of init to finish, reused warm afterwards', () => {
    const sim = new Simulation({ seed: 1 });
    const platform = new LambdaPlatform(sim);
    platform.addFunction({ name: 'f', memoryMb: 1024, initTime: 0.5, serviceTime: 0 });
    let finish: (() => void) | undefined;
    let seenInit = -1;
    expect(platform.invoke('f', { run: (init, done) => { seenInit = init; finish = done; } })).toBe('cold');
    expect(seenInit).toBe(0.5);
    sim.sleep(3);
    expect(platform.instances('f')).toEqual({ total: 1, running: 1, idle: 0 });
    finish!();
    finish!();
    expect(platform.instances('f')).toEqual({ total: 1, running: 0, idle: 1 });
    expect(platform.stats('f').billedDurationGbSeconds).toBeCloseTo(2.5, 9);
    expect(platform.invoke('f', { run: (_init, done) => sim.schedule(1, done) })).toBe('warm');
    sim.sleep(2);
    expect(platform.stats('f').billedDurationGbSeconds).toBeCloseTo(3.5, 9);
  });
});

describe('the local engine\'s platform: requests beyond the concurrency queue, first come first served', () => {
  test('no throttles; each waits for the next freed slot in arrival order, over every function', () => {
    const { sim, platform } = lambda({ accountConcurrency: 2, queueBeyondConcurrency: true });
    platform.addFunction({ name: 'f', initTime: 0, serviceTime: 1 });
    platform.addFunction({ name: 'g', initTime: 0.5, serviceTime: 2 });
    const done: string[] = [];
    const outcomes = ['f', 'f', 'g', 'f', 'g'].map((name, i) => platform.invoke(name, { onDone: () => done.push(`${name}${i}@${sim.now}`) }));
    expect(outcomes).toEqual(['cold', 'cold', 'queued', 'queued', 'queued']);
    sim.run();
    // Slots free at 1 and 1: g2 (cold, 0.5 + 2) ends at 3.5, f3 (warm) at 2; g4 takes f3's slot at 2, cold: 4.5.
    expect(done).toEqual(['f0@1', 'f1@1', 'f3@2', 'g2@3.5', 'g4@4.5']);
    expect([platform.stats('f').throttles, platform.stats('g').throttles]).toEqual([0, 0]);
    expect([platform.stats('f').requests, platform.stats('g').requests]).toEqual([3, 2]);
    expect(platform.stats('g').peakRunning).toBe(2);
  });

  test('the engine starts sandboxes without Lambda\'s scaling rate: a queued request is never throttled when it is admitted', () => {
    const burst = (queueBeyondConcurrency: boolean) => {
      const { sim, platform } = lambda({ accountConcurrency: 3, scalingLimit: 2, scalingWindow: 10, queueBeyondConcurrency });
      platform.addFunction({ name: 'f', initTime: 0, serviceTime: 1 });
      const done: number[] = [];
      const outcomes = Array.from({ length: 5 }, () => platform.invoke('f', { onDone: () => done.push(sim.now) }));
      sim.run();
      return { outcomes, done, stats: platform.stats('f') };
    };
    const lambdaBurst = burst(false);
    expect(lambdaBurst.outcomes).toEqual(['cold', 'cold', 'scaling', 'scaling', 'scaling']);
    const engine = burst(true);
    expect(engine.outcomes).toEqual(['cold', 'cold', 'cold', 'queued', 'queued']);
    expect(engine.done).toEqual([1, 1, 1, 2, 2]);
    expect([engine.stats.requests, engine.stats.throttles, engine.stats.coldStarts]).toEqual([5, 0, 3]);
  });
});
