import { InvocationRefused } from './failures';
import { ServerlessFunction } from './function';
import { FunctionManager } from './function-manager';
import { ImageSpec } from './platform';
import { ClusterPlatformSpec, MB } from './platform-file';
import { ServerlessComputeService } from './service';
import { Simulation } from './simulation';
import { FunctionSeries, TimeBins } from './time-bins';
import { PlatformFunctionSpec, PlatformFunctionStats, PlatformOutcome, WorkflowPlatform } from './workflow-platform';
import { UsageError } from '../local/assembly';

/** What a call carries to its function's code on the cluster: the workflow handler to start. */
interface PendingCall {
  readonly run: (init: number, finish: () => void) => void;
}

/** Options of a ClusterPlatform. */
export interface ClusterPlatformOptions {
  /** Keep time series of each function's containers (alive, busy) and cold starts in bins this wide, for --report. @default - none */
  readonly seriesBinSeconds?: number;
}

/** One function's counters; `running` counts calls whose code holds a core, `containers` its containers alive. */
class ClusterFunction {
  public requests = 0; public cold = 0; public warm = 0; public refused = 0;
  public running = 0; public peakRunning = 0; public containers = 0;
  public runningArea = 0; private lastChange = 0;
  public readonly bins?: TimeBins;

  public constructor(public readonly fn: ServerlessFunction, public readonly containerRam: number, binSeconds?: number) {
    if (binSeconds !== undefined) this.bins = new TimeBins(binSeconds);
  }

  public account(now: number, change = 0): void {
    this.runningArea += this.running * (now - this.lastChange);
    this.bins?.account(now, this.containers, this.running);
    this.lastChange = now;
    this.running += change;
    this.peakRunning = Math.max(this.peakRunning, this.running);
  }

  /** A container of the function was created (+1) or removed (-1). */
  public containersChanged(now: number, change: 1 | -1): void {
    this.account(now);
    if (change > 0) this.bins?.countCold(now);
    this.containers += change;
  }
}

/**
 * A workflow's functions on a WRENCH-style cluster (ServerlessComputeService):
 * each invocation is a call on the service, which queues it for a core,
 * places it by the platform's scheduler and cold-starts a container when no
 * idle one of the function is on the node (image download, copy and load,
 * then the container startup). The handler holds its core until it returns,
 * as it holds its Lambda environment. The profile's Lambda init is not added:
 * the cold start is the cluster's. A call the service refuses ("can't admit
 * the function call right now": more than maxQueued waiting) is returned as
 * a throttle, which WorkflowSimulation retries with Lambda's async backoff
 * until the function's maximum event age.
 */
export class ClusterPlatform implements WorkflowPlatform {
  public readonly kind = 'cluster';
  public readonly service: ServerlessComputeService;
  private readonly functions = new Map<string, ClusterFunction>();
  private readonly manager: FunctionManager;

  public constructor(
    private readonly sim: Simulation,
    private readonly spec: ClusterPlatformSpec,
    private readonly options: ClusterPlatformOptions = {},
  ) {
    this.service = new ServerlessComputeService(sim, {
      nodes: spec.nodes,
      headStorage: spec.headStorage,
      link: spec.link,
      containerStartupOverhead: spec.containerStartupSeconds,
      idleTimeout: spec.idleTimeoutSeconds,
      scheduler: spec.scheduler,
      maxQueued: spec.maxQueued,
    });
    this.service.onContainerChange = (name, change) => this.functions.get(name)?.containersChanged(sim.now, change);
    this.manager = new FunctionManager(sim);
  }

  /** Registers the function with its image; a container reserves the function's memory size in its node's RAM. */
  public addFunction(spec: PlatformFunctionSpec): void {
    if (this.functions.has(spec.name)) throw new Error(`ClusterPlatform: function ${spec.name} already exists`);
    const image = this.spec.images[spec.name] ?? this.spec.images['*'];
    const containerRam = spec.memoryMb * MB;
    const fn = FunctionManager.createFunction(spec.name, (input, ctx) => {
      const f = this.functions.get(spec.name)!;
      if (ctx.coldStart) f.cold++;
      else f.warm++;
      f.account(this.sim.now, +1);
      const end = ctx.defer();
      // The cold start is behind us: the handler starts now, with no init of its own.
      (input as PendingCall).run(0, () => {
        f.account(this.sim.now, -1);
        end();
      });
      return undefined;
    }, image);
    this.manager.registerFunction(fn, this.service, { ramLimit: containerRam, diskSpaceLimit: this.spec.invocationStorage });
    this.functions.set(spec.name, new ClusterFunction(fn, containerRam, this.options.seriesBinSeconds));
    this.checkCapacity(spec.name);
  }

  public invoke(name: string, options: { run: (init: number, finish: () => void) => void }): PlatformOutcome {
    const f = this.fn(name);
    f.requests++;
    const call: PendingCall = { run: options.run };
    try {
      const inv = this.manager.invokeFunction(this.service, f.fn, call);
      return inv.state === 'queued' ? 'queued' : inv.coldStart ? 'cold' : 'warm';
    } catch (e) {
      if (!(e instanceof InvocationRefused)) throw e;
      f.refused++;
      return 'refused';
    }
  }

  public stats(name: string): PlatformFunctionStats {
    const f = this.fn(name);
    f.account(this.sim.now);
    return {
      requests: f.requests,
      coldStarts: f.cold,
      warmStarts: f.warm,
      throttles: f.refused,
      peakRunning: f.peakRunning,
      averageRunning: this.sim.now > 0 ? f.runningArea / this.sim.now : 0,
    };
  }

  /** The function's time series of containers up to now; undefined unless ClusterPlatformOptions.seriesBinSeconds. */
  public series(name: string): FunctionSeries | undefined {
    const f = this.fn(name);
    f.account(this.sim.now);
    return f.bins?.series(this.sim.now);
  }

  /**
   * Refuses a platform on which a call could fail for lack of room rather
   * than wait for a core: every node must hold, at once, a container and its
   * image per core plus every image on its disk; the head storage every image.
   */
  private checkCapacity(name: string): void {
    const fns = [...this.functions.values()];
    const images = new Map<string, ImageSpec>(fns.map((f) => [f.fn.image.name, f.fn.image]));
    const allImages = [...images.values()].reduce((a, i) => a + i.size, 0);
    const perCall = Math.max(...fns.map((f) => f.containerRam + (f.fn.image.ramFootprint ?? f.fn.image.size)));
    const mb = (bytes: number) => `${Math.ceil(bytes / MB)} MB`;
    const fail = (why: string): never => {
      throw new UsageError(`${this.spec.source}: ${why} (with function ${name}; a container reserves its function's memory size)`);
    };
    for (const n of this.spec.nodes) {
      if (n.cores * perCall > n.ram) fail(`node ${n.name} needs ${mb(n.cores * perCall)} of RAM for a container and its image on each of its ${n.cores} cores, it has ${mb(n.ram)}`);
      const disk = allImages + n.cores * this.spec.invocationStorage;
      if (disk > n.disk.capacity) fail(`node ${n.name} needs ${mb(disk)} of disk for every image and each core's invocation storage, it has ${mb(n.disk.capacity)}`);
    }
    if (allImages > this.spec.headStorage.capacity) fail(`headStorage needs ${mb(allImages)} for every image, it has ${mb(this.spec.headStorage.capacity)}`);
  }

  private fn(name: string): ClusterFunction {
    const f = this.functions.get(name);
    if (!f) throw new Error(`ClusterPlatform: no function named ${name}`);
    return f;
  }
}
