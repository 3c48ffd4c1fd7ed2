import { image, node, platform, sleeper } from './support';
import { FunctionInvocation, FunctionManager, ServerlessComputeService } from '../../toolkit/src/simulate';

describe('schedulers', () => {
  /** Warms node a with f's container, node b with g's image in RAM, node c with h's image on disk only. */
  function warmed(scheduler: 'fcfs' | 'random' | 'balancing', seed = 1) {
    const p = platform({ scheduler, nodes: [node('c'), node('b'), node('a')] }, seed);
    const img = image('shared');
    const f = p.manager.registerFunction(sleeper('f', 1, img), p.service);
    return { ...p, f, img };
  }

  const placeOn = (manager: FunctionManager, service: ServerlessComputeService, fnName: string, img = image('shared')) =>
    manager.invokeFunction(service, manager.registerFunction(sleeper(fnName, 1, img), service), 0);

  test('FCFS prefers an idle container of the function over the first free node', () => {
    const { service, manager, f } = warmed('fcfs');
    // Occupy c so the first call lands on b and warms a container of f there.
    const blocker = placeOn(manager, service, 'blocker', image('other'));
    const first = manager.waitOne(manager.invokeFunction(service, f, 1));
    manager.waitOne(blocker);
    expect([blocker.nodeName, first.nodeName]).toEqual(['c', 'b']);
    expect(manager.waitOne(manager.invokeFunction(service, f, 2)).nodeName).toBe('b');
  });

  test('FCFS prefers the image in RAM, then on disk, over any free core', () => {
    const { service, manager, f } = warmed('fcfs');
    const blocker = placeOn(manager, service, 'blocker', image('other'));
    manager.waitOne(manager.invokeFunction(service, f, 1));
    manager.waitOne(blocker);
    // No idle container of g anywhere, but b holds the shared image in RAM.
    expect(manager.waitOne(placeOn(manager, service, 'g')).nodeName).toBe('b');
    // Evict the shared image from b's RAM but not its disk: b has the image on disk only, c and a do not have it.
    service.nodes[1].ram.keys().filter((k) => k.startsWith('container:')).forEach((k) => service.nodes[1].ram.remove(k));
    service.nodes[1].ram.remove('image:shared');
    expect(service.nodes[1].disk.has('image:shared')).toBe(true);
    expect(manager.waitOne(placeOn(manager, service, 'h')).nodeName).toBe('b');
  });

  test('FCFS takes the first free core when nothing is cached', () => {
    const { service, manager, f } = warmed('fcfs');
    expect(manager.waitOne(manager.invokeFunction(service, f, 1)).nodeName).toBe('c');
  });

  test('balancing sends each call to the least loaded node', () => {
    const { service, manager } = platform({ scheduler: 'balancing', nodes: [node('a', 4), node('b', 2)] });
    const fn = manager.registerFunction(sleeper('f', 5), service);
    const calls = [1, 2, 3, 4].map((i) => manager.invokeFunction(service, fn, i));
    // Busy shares: a 0 = b 0 -> a; b 0 < a 1/4 -> b; a 1/4 < b 1/2 -> a; a 2/4 = b 1/2 -> a, ties to the first.
    expect(calls.map((c) => c.nodeName)).toEqual(['a', 'b', 'a', 'a']);
  });

  test('random spreads calls by the seed, the same for the same seed', () => {
    const run = (seed: number) => {
      const { service, manager } = platform({ scheduler: 'random', nodes: ['a', 'b', 'c', 'd'].map((n) => node(n, 8)) }, seed);
      const fn = manager.registerFunction(sleeper('f', 5), service);
      return Array.from({ length: 16 }, (_, i) => manager.invokeFunction(service, fn, i).nodeName).join('');
    };
    expect(run(7)).toBe(run(7));
    expect(run(7)).not.toBe(run(8));
    expect(new Set(run(7)).size).toBeGreaterThan(1);
  });

  test('a whole run is the same for the same seed: every date and node', () => {
    const trace = (seed: number) => {
      const { sim, service, manager } = platform({ scheduler: 'random', nodes: [node('a', 2), node('b', 2), node('c', 1)] }, seed);
      const fns = ['f', 'g', 'h'].map((n, i) => manager.registerFunction(sleeper(n, 1 + i, image(`img${i % 2}`)), service));
      const calls: FunctionInvocation[] = [];
      for (let i = 0; i < 60; i++) {
        calls.push(manager.invokeFunction(service, fns[Math.floor(sim.random() * 3)], i));
        manager.sleep(sim.random() * 4);
      }
      manager.waitAll(calls);
      return calls.map((c) => `${c.nodeName}:${c.startDate!.toFixed(6)}:${c.endDate!.toFixed(6)}`);
    };
    expect(trace(3)).toEqual(trace(3));
    expect(trace(3)).not.toEqual(trace(4));
  });
});
