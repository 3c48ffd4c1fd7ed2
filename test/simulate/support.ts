import {
  FunctionManager, ImageSpec, NodeSpec, ServerlessComputeService, ServerlessServiceProps, Simulation,
} from '../../toolkit/src/simulate';

export const MB = 1e6;
export const GB = 1e9;

/** WRENCH's serverless timing-test platform: 100 MB/s disks behind a 20 MB/s, 20 µs wide-area link. */
export function node(name: string, cores = 1, ram = 10 * GB, disk = 50 * GB): NodeSpec {
  return { name, cores, ram, disk: { capacity: disk, bandwidth: 100 * MB } };
}

export function platform(overrides: Partial<ServerlessServiceProps> = {}, seed = 1) {
  const sim = new Simulation({ seed });
  const service = new ServerlessComputeService(sim, {
    nodes: [node('node1')],
    headStorage: { capacity: 100 * GB, bandwidth: 100 * MB },
    link: { bandwidth: 20 * MB, latency: 20e-6 },
    containerStartupOverhead: 10,
    idleTimeout: 1000,
    ...overrides,
  });
  return { sim, service, manager: new FunctionManager(sim) };
}

export const image = (name = 'image', size = 100 * MB): ImageSpec => ({ name, size });

/** A function that sleeps `seconds` of simulated time and returns its input. */
export const sleeper = (name: string, seconds: number, img: ImageSpec = image()) =>
  FunctionManager.createFunction(name, (input, ctx) => {
    ctx.sleep(seconds);
    return input;
  }, img);
