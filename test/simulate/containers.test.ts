import { GB, image, MB, node, platform, sleeper } from './support';
import { FAILURE, FunctionManager } from '../../toolkit/src/simulate';

describe('containers and image caches', () => {
  test('an idle container expires after the idle timeout, not before', () => {
    const { service, manager } = platform({ idleTimeout: 1000 });
    const fn = manager.registerFunction(sleeper('f', 5), service);
    manager.waitOne(manager.invokeFunction(service, fn, 1));
    manager.sleep(999);
    expect(manager.waitOne(manager.invokeFunction(service, fn, 2)).coldStart).toBe(false);
    manager.sleep(1001);
    const late = manager.waitOne(manager.invokeFunction(service, fn, 3));
    expect(late.coldStart).toBe(true);
    // The image stayed in RAM after its container expired: only the 10 s startup is paid again.
    expect(late.turnaround).toBeCloseTo(15, 6);
    expect(service.stats.expiredContainers).toBe(1);
  });

  test('concurrent cold calls share one download and one copy per node', () => {
    const { service, manager } = platform({ nodes: [node('a', 2), node('b', 2)] });
    const fn = manager.registerFunction(sleeper('f', 5), service);
    const calls = [1, 2, 3, 4].map((i) => manager.invokeFunction(service, fn, i));
    manager.waitAll(calls);
    expect(service.downloads).toBe(1);
    expect(calls.map((c) => c.nodeName)).toEqual(['a', 'a', 'b', 'b']);
    for (const c of calls) expect(Math.abs(c.turnaround! - 22.4)).toBeLessThan(0.05);
  });

  test('a call arriving mid-download waits for that download instead of starting another', () => {
    const { service, manager } = platform({ nodes: [node('a', 2)] });
    const fn = manager.registerFunction(sleeper('f', 5), service);
    const first = manager.invokeFunction(service, fn, 1);
    manager.sleep(3);
    const second = manager.invokeFunction(service, fn, 2);
    manager.waitAll([first, second]);
    expect(service.downloads).toBe(1);
    expect(second.endDate).toBeCloseTo(first.endDate!, 9);
  });

  test('RAM pressure evicts the least recently used idle container and its image', () => {
    // 150 MB of RAM holds one 100 MB image at a time.
    const { service, manager } = platform({ nodes: [node('a', 1, 150 * MB, 10 * GB)] });
    const f = manager.registerFunction(sleeper('f', 1, image('one')), service);
    const g = manager.registerFunction(sleeper('g', 1, image('two')), service);
    manager.waitOne(manager.invokeFunction(service, f, 1));
    manager.waitOne(manager.invokeFunction(service, g, 1));
    expect(service.stats.evictedContainers).toBe(1);
    expect(service.nodes[0].ram.keys().filter((k) => k.startsWith('image:'))).toEqual(['image:two']);
    // f's image is still on disk: its next call pays load (1 s) + startup (10 s) + run (1 s), no copy, no download.
    const again = manager.waitOne(manager.invokeFunction(service, f, 1));
    expect(again.turnaround).toBeCloseTo(12, 6);
    expect(service.downloads).toBe(2);
  });

  test('an image a running container uses is never evicted: a call needing room for another image fails instead', () => {
    const { service, manager } = platform({ nodes: [node('a', 2, 150 * MB, 10 * GB)] });
    const f = manager.registerFunction(sleeper('f', 30, image('one')), service);
    const g = manager.registerFunction(sleeper('g', 1, image('two')), service);
    const long = manager.invokeFunction(service, f, 1);
    manager.sleep(20);
    const other = manager.waitOne(manager.invokeFunction(service, g, 1));
    expect([other.state, other.failureCause]).toEqual(['failed', FAILURE.NO_STORAGE]);
    expect(long.state).toBe('running');
    expect(manager.waitOne(long).state).toBe('completed');
  });

  test('waitAny returns the call that ended first', () => {
    const { service, manager } = platform({ nodes: [node('a', 2)] });
    const slow = manager.registerFunction(sleeper('slow', 9), service);
    const fast = manager.registerFunction(sleeper('fast', 1), service);
    const calls = [manager.invokeFunction(service, slow, 1), manager.invokeFunction(service, fast, 1)];
    expect(manager.waitAny(calls).fn.name).toBe('fast');
    expect(calls[0].isRunning()).toBe(true);
    expect(manager.waitAll(calls).every((c) => c.isDone())).toBe(true);
  });
});

describe('deferred calls (a workflow handler ends when other calls say so)', () => {
  const deferring = (name: string, ends: Array<(output?: unknown) => void>) =>
    FunctionManager.createFunction(name, (_input, ctx) => {
      ends.push(ctx.defer());
      return undefined;
    }, image());

  test('a deferred call holds its core until its end is called; the next call waits for it and finds the container warm', () => {
    const ends: Array<(output?: unknown) => void> = [];
    const { sim, service, manager } = platform();
    const fn = manager.registerFunction(deferring('f', ends), service);
    const first = manager.invokeFunction(service, fn, 1);
    const second = manager.invokeFunction(service, fn, 2);
    // 22.4 s cold start less the 5 s run: the first call's code starts at 17.4 s and holds the only core.
    sim.runUntil(() => ends.length === 1);
    expect(sim.now).toBeCloseTo(17.4, 1);
    manager.sleep(30);
    expect(second.state).toBe('queued');
    ends[0]('done');
    manager.waitOne(first);
    expect(first.output).toBe('done');
    expect(first.endDate).toBeCloseTo(47.4, 1);
    sim.runUntil(() => ends.length === 2);
    expect(sim.now).toBeCloseTo(47.4, 1);
    expect(second.coldStart).toBe(false);
    expect(second.state).toBe('running');
    ends[1]();
    expect(manager.waitOne(second).state).toBe('completed');
  });

  test('the time limit still stops a deferred call, and its late end does nothing; sleeping after defer fails the call', () => {
    const ends: Array<(output?: unknown) => void> = [];
    const { service, manager } = platform();
    const fn = manager.registerFunction(deferring('f', ends), service, { timeLimit: 60 });
    const call = manager.waitOne(manager.invokeFunction(service, fn, 1));
    expect(call.state).toBe('timeout');
    ends[0]('late');
    manager.sleep(1);
    expect(call.output).toBeUndefined();
    const both = FunctionManager.createFunction('g', (_input, ctx) => {
      ctx.defer();
      ctx.sleep(1);
    }, image());
    manager.registerFunction(both, service);
    const failed = manager.waitOne(manager.invokeFunction(service, both, 1));
    expect(failed.state).toBe('failed');
    expect(failed.failureCause).toContain('a deferred call ends when its end function is called');
  });
});
