import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { synthWorkflow } from './workflow-support';
import { Chain } from '../../src';
import { ClusterPlatform } from '../../toolkit/src/simulate/cluster-platform';
import { copySeconds, downloadSeconds } from '../../toolkit/src/simulate/network';
import { loadPlatform, MB, parsePlatform } from '../../toolkit/src/simulate/platform-file';
import { mergeProfile } from '../../toolkit/src/simulate/profile';
import { simWorkflow } from '../../toolkit/src/simulate/workflow-config';
import { runWorkflow, WorkflowRunOptions } from '../../toolkit/src/simulate/workflow-run';
import { summarize } from '../../toolkit/src/simulate/workflow-summary';
import { fn } from '../support/shapes';

/**
 * A workflow on a WRENCH-style cluster (--platform cluster): calls queue for
 * cores instead of scaling out, a container cold-starts once (image transfer
 * and container startup), more nodes drain the queue faster.
 */
const dir = mkdtempSync(join(tmpdir(), 'unum-cluster-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const node = (name: string) => ({ name, cores: 1, ramMb: 1000, diskMb: 10_000, diskMbPerSecond: 100 });
const PLATFORM = {
  nodes: [node('n1')],
  headStorage: { diskMb: 100_000, diskMbPerSecond: 200 },
  link: { mbPerSecond: 50, latencySeconds: 0.01, efficiency: 0.92 },
  images: { '*': { sizeMb: 40, ramMb: 20 } },
  overheads: { containerStartupSeconds: 0.5, idleTimeoutSeconds: 600 },
};
const PROFILE = mergeProfile({ functions: { '*': { durationSeconds: 1 } } });

const chain = synthWorkflow('Pair', (stack) => Chain.start(fn(stack, 'A')).next(fn(stack, 'B')));

async function run(platform: object, options: Omit<WorkflowRunOptions, 'cluster'>) {
  const cluster = parsePlatform(platform, 'test.json');
  const { sim, model } = await runWorkflow(simWorkflow(chain.app.workflows[0]), PROFILE, { ...options, cluster });
  const latencies = model.sessions.map((s) => s.end! - s.start);
  return { sim, model, latencies, summary: summarize(model, sim, PROFILE, options), service: (model.platform as ClusterPlatform).service };
}

describe('the platform file', () => {
  test.each([
    [{ ...PLATFORM, nodes: [] }, 'test.json: nodes must be a list of at least one compute node'],
    [{ ...PLATFORM, nodes: [{ ...node('n1'), cores: 0 }] }, 'test.json: nodes[0].cores must be a whole number >= 1 (got 0)'],
    [{ ...PLATFORM, nodes: [{ ...node('n1'), cores: 1.5 }] }, 'nodes[0].cores must be a whole number >= 1 (got 1.5)'],
    [{ ...PLATFORM, nodes: [node('n1'), node('n1')] }, 'nodes[1].name repeats the node name "n1"'],
    [{ ...PLATFORM, nodes: [{ ...node('n1'), ram: 5 }] }, 'nodes[0].ram is not a known setting (known: name, cores, ramMb, diskMb, diskMbPerSecond)'],
    [{ ...PLATFORM, nodes: [{ name: 'n1', cores: 1, ramMb: 1000, diskMb: 10 }] }, 'nodes[0].diskMbPerSecond is required'],
    [{ ...PLATFORM, headStorage: undefined }, 'test.json: headStorage must be an object (got undefined)'],
    [{ ...PLATFORM, link: { mbPerSecond: 50, efficiency: 1.5 } }, 'link.efficiency must be a number > 0 and <= 1 (got 1.5)'],
    [{ ...PLATFORM, link: { bandwidth: 50 } }, 'link.bandwidth is not a known setting'],
    [{ ...PLATFORM, images: { A: { sizeMb: 1 } } }, 'images needs a default image under "*"'],
    [{ ...PLATFORM, images: { '*': { sizeMb: '40' } } }, 'images.*.sizeMb must be a number >= 0 (got "40")'],
    [{ ...PLATFORM, scheduler: 'lifo' }, 'scheduler must be fcfs, random or balancing (got "lifo")'],
    [{ ...PLATFORM, overheads: { startup: 1 } }, 'overheads.startup is not a known setting'],
    [{ ...PLATFORM, maxQueued: -1 }, 'maxQueued must be a whole number >= 0 (got -1)'],
    [{ ...PLATFORM, cores: 2 }, 'test.json: cores is not a known setting'],
  ])('%j is refused, naming the field', (platform, message) => {
    expect(() => parsePlatform(platform, 'test.json')).toThrow(message);
  });

  test('sizes are MB and bandwidths MB/s; YAML reads as JSON does; a missing or broken file is named', async () => {
    const json = join(dir, 'p.json');
    writeFileSync(json, JSON.stringify(PLATFORM));
    const spec = loadPlatform(json);
    expect(spec.nodes[0]).toEqual({ name: 'n1', cores: 1, ram: 1000 * MB, disk: { capacity: 10_000 * MB, bandwidth: 100 * MB } });
    expect(spec.images['*']).toEqual({ name: 'default', size: 40 * MB, ramFootprint: 20 * MB });
    expect(spec.maxQueued).toBe(Infinity);
    const yaml = join(dir, 'p.yaml');
    writeFileSync(yaml, 'nodes:\n  - { name: n1, cores: 1, ramMb: 1000, diskMb: 10000, diskMbPerSecond: 100 }\n'
      + 'headStorage: { diskMb: 100000, diskMbPerSecond: 200 }\nlink: { mbPerSecond: 50, latencySeconds: 0.01, efficiency: 0.92 }\n'
      + 'images:\n  "*": { sizeMb: 40, ramMb: 20 }\noverheads: { containerStartupSeconds: 0.5, idleTimeoutSeconds: 600 }\n');
    expect({ ...loadPlatform(yaml), source: json }).toEqual(spec);
    expect(() => loadPlatform(join(dir, 'none.json'))).toThrow('--platform-file: no such file');
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ nodes: ');
    expect(() => loadPlatform(broken)).toThrow(`${broken}: not valid JSON`);
  });

  test('a node too small for a container and its image per core is refused before anything runs', async () => {
    const small = { ...PLATFORM, nodes: [{ ...node('tiny'), cores: 8 }] };
    // 8 cores × (a container of the function's memory size + the image's 20 MB) > 1000 MB.
    const memoryMb = simWorkflow(chain.app.workflows[0]).byNode.get('A')!.memoryMb;
    await expect(run(small, { rate: 1, sessions: 1 }))
      .rejects.toThrow(`test.json: node tiny needs ${8 * (memoryMb + 20)} MB of RAM for a container and its image on each of its 8 cores, it has 1000 MB (with function A`);
  });
});

describe('a workflow on the cluster', () => {
  test('one core: concurrent sessions queue, so latency grows with them; one container per function, cold once', async () => {
    const alone = await run(PLATFORM, { rate: 1000, arrivals: 'constant', sessions: 1 });
    const crowd = await run(PLATFORM, { rate: 1000, arrivals: 'constant', sessions: 10 });
    expect(crowd.summary.sessions).toEqual({ started: 10, succeeded: 10, failed: 0 });
    // Each later session waits behind the ones before it for the only core: each at least a handler (1 s of user code) later.
    for (let i = 1; i < 10; i++) expect(crowd.latencies[i] - crowd.latencies[i - 1]).toBeGreaterThan(0.99);
    expect(crowd.summary.latency.mean).toBeGreaterThan(alone.summary.latency.mean + 4);
    for (const f of Object.values(crowd.summary.functions)) {
      expect(f).toMatchObject({ invocations: 10, coldStarts: 1, throttles: 0, peakConcurrency: 1 });
    }
    // The functions share the default image: downloaded once.
    expect(crowd.service.downloads).toBe(1);
    expect(crowd.summary.platform).toBe('cluster');
    expect(Object.keys(crowd.summary.costPerMillionSessions).sort()).toEqual(['dynamodb', 's3', 'total']);
  });

  test('a cold start is the image transfer and the container startup; past the idle timeout it comes again', async () => {
    const { latencies } = await run(PLATFORM, { rate: 1 / 100, arrivals: 'constant', sessions: 3 });
    const MBs = (x: number) => x * MB;
    const head = { capacity: 0, bandwidth: MBs(200) };
    const disk = { capacity: 0, bandwidth: MBs(100) };
    const image = MBs(40);
    const download = downloadSeconds({ bandwidth: MBs(50), latency: 0.01, efficiency: 0.92 }, head, image);
    const transfer = download + copySeconds(head, disk, image) + image / disk.bandwidth;
    // A's container waits for the image; B's, started later on the same node, finds it in RAM and pays the startup only.
    expect(latencies[0] - latencies[1]).toBeCloseTo(transfer + 0.5 + 0.5, 9);
    expect(latencies[2]).toBeCloseTo(latencies[1], 9);
    const shortIdle = { ...PLATFORM, overheads: { containerStartupSeconds: 0.5, idleTimeoutSeconds: 50 } };
    const apart = await run(shortIdle, { rate: 1 / 100, arrivals: 'constant', sessions: 3 });
    expect(Object.values(apart.summary.functions).map((f) => f.coldStarts)).toEqual([3, 3]);
  });

  test('two nodes drain the same burst in half the time, one container per node and function', async () => {
    const options = { rate: 1000, arrivals: 'constant', sessions: 40 } as const;
    const one = await run(PLATFORM, options);
    const two = await run({ ...PLATFORM, nodes: [node('n1'), node('n2')] }, options);
    expect(two.sim.now / one.sim.now).toBeGreaterThan(0.48);
    expect(two.sim.now / one.sim.now).toBeLessThan(0.52);
    expect(two.summary.latency.mean / one.summary.latency.mean).toBeGreaterThan(0.45);
    expect(two.summary.latency.mean / one.summary.latency.mean).toBeLessThan(0.55);
    expect(Object.values(two.summary.functions).map((f) => [f.coldStarts, f.peakConcurrency])).toEqual([[2, 2], [2, 2]]);
  });

  test('a full queue refuses the call; it is retried as Lambda retries a throttled event, and every session ends', async () => {
    const full = await run({ ...PLATFORM, maxQueued: 0 }, { rate: 1000, arrivals: 'constant', sessions: 3 });
    expect(full.summary.sessions).toEqual({ started: 3, succeeded: 3, failed: 0 });
    expect(full.summary.functions.A.throttles).toBeGreaterThan(0);
    // The first retry comes a second after the refusal (THROTTLE_RETRY_FIRST_SECONDS).
    expect(Math.max(...full.latencies)).toBeGreaterThan(Math.max(...(await run(PLATFORM, { rate: 1000, arrivals: 'constant', sessions: 3 })).latencies));
  });

  test('time series for --report: busy containers integrate to the average concurrency, containers alive expire after the idle timeout', async () => {
    const shortIdle = { ...PLATFORM, nodes: [node('n1'), node('n2')], overheads: { containerStartupSeconds: 0.5, idleTimeoutSeconds: 50 } };
    const binSeconds = 5;
    const { sim, model, summary } = await run(shortIdle, { rate: 1 / 100, arrivals: 'constant', sessions: 3, seriesBinSeconds: binSeconds });
    const width = (i: number) => Math.min(binSeconds, sim.now - i * binSeconds);
    const seconds = (series: readonly number[]) => series.reduce((a, v, i) => a + v * width(i), 0);
    for (const name of ['A', 'B']) {
      const series = model.platform.series(name)!;
      const stats = model.platform.stats(name);
      expect(seconds(series.running) / sim.now).toBeCloseTo(stats.averageRunning, 9);
      // Each session 100 s apart cold-starts a container (the last one expired after 50 s idle): three in all, in three bins.
      expect(series.coldStarts.reduce((a, b) => a + b, 0)).toBe(summary.functions[name].coldStarts);
      expect(series.coldStarts.filter((n) => n > 0)).toEqual([1, 1, 1]);
      expect(series.running.every((r, i) => r <= series.instances[i] + 1e-9)).toBe(true);
      // A container is alive from its cold start to 50 s after its call: never two at once, and none for part of each 100 s.
      expect(Math.max(...series.instances)).toBeLessThanOrEqual(1 + 1e-9);
      expect(series.instances.some((n) => n === 0)).toBe(true);
      // The first two stay 50 s idle after their call; the simulation ends with the last session, the third's call.
      expect(seconds(series.instances)).toBeGreaterThan(2 * 51);
      expect(seconds(series.instances)).toBeLessThan(2 * 51 + 40);
    }
    expect((await run(PLATFORM, { rate: 1, sessions: 2 })).model.platform.series('A')).toBeUndefined();
  });

  test('the same seed gives the same run, another seed another one (Poisson arrivals, random scheduler)', async () => {
    const platform = { ...PLATFORM, nodes: [node('n1'), node('n2'), node('n3')], scheduler: 'random' };
    const options = { rate: 2, sessions: 60 } as const;
    const a = (await run(platform, { ...options, seed: 7 })).summary;
    expect((await run(platform, { ...options, seed: 7 })).summary).toEqual(a);
    expect((await run(platform, { ...options, seed: 8 })).summary.latency).not.toEqual(a.latency);
  });
});
