import { FunctionManager, ServerlessComputeService, Simulation } from '../../toolkit/src';

test('a cold call on WRENCH\'s test platform takes 22.4 simulated seconds', () => {
  const sim = new Simulation({ seed: 1 });
  const MB = 1e6;
  const service = new ServerlessComputeService(sim, {
    nodes: [{ name: 'node1', cores: 1, ram: 10_000 * MB, disk: { capacity: 50_000 * MB, bandwidth: 100 * MB } }],
    headStorage: { capacity: 100_000 * MB, bandwidth: 100 * MB },
    // A transfer gets 92 % of the nominal 20 MB/s (SimGrid's model): 100 MB take 5.4 s.
    link: { bandwidth: 20 * MB, latency: 20e-6, efficiency: 0.92 },
    containerStartupOverhead: 10,
    idleTimeout: 1000,
    scheduler: 'fcfs',
  });
  const manager = new FunctionManager(sim);
  const image = { name: 'python-3.12', size: 100 * MB };
  const fn = FunctionManager.createFunction('sleep5', (input, ctx) => {
    ctx.sleep(5);
    return `slept on ${String(input)}`;
  }, image);
  manager.registerFunction(fn, service, { timeLimit: 60 });

  const cold = manager.waitOne(manager.invokeFunction(service, fn, 'first'));
  // 5.4 download + 1 copy to the node's disk + 1 load into RAM + 10 startup + 5 run
  expect(cold.turnaround).toBeCloseTo(22.4, 1);
  expect(cold.output).toBe('slept on first');

  const warm = manager.waitOne(manager.invokeFunction(service, fn, 'second'));
  expect(warm.turnaround).toBeCloseTo(5, 1);
  expect(warm.coldStart).toBe(false);
});
