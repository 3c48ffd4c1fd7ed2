import { FAILURE, FailureCause, InvocationRefused } from './failures';
import { ServerlessFunction } from './function';
import { FunctionInvocation, InvocationState } from './invocation';
import { ComputeNode, Container, containerKey } from './node';
import { RegistrationLimits, ServerlessServiceProps } from './platform';
import { InvocationQueue } from './queue';
import { makeScheduler, Scheduler } from './scheduler';
import { Simulation } from './simulation';
import { ImageStaging } from './staging';

interface Registration {
  readonly fn: ServerlessFunction;
  readonly limits: RegistrationLimits;
}

export interface ServiceStats {
  coldStarts: number;
  warmStarts: number;
  expiredContainers: number;
  evictedContainers: number;
}

/**
 * WRENCH's serverless compute service: it runs no jobs, only function calls,
 * which the FunctionManager places through it.
 */
export class ServerlessComputeService {
  public readonly nodes: readonly ComputeNode[];
  public readonly stats: ServiceStats = { coldStarts: 0, warmStarts: 0, expiredContainers: 0, evictedContainers: 0 };
  private readonly staging: ImageStaging;
  private readonly scheduler: Scheduler;
  private readonly registrations = new Map<string, Registration>();
  private readonly queue = new InvocationQueue();
  private nextContainer = 0;
  private nextScratch = 0;
  // Disk keys of the scratch space running invocations hold, released when they end.
  private readonly scratch = new Map<FunctionInvocation, string>();
  /** Called when a container of `functionName` is created (+1) or removed (-1). */
  public onContainerChange?: (functionName: string, change: 1 | -1) => void;

  public constructor(private readonly sim: Simulation, private readonly props: ServerlessServiceProps) {
    if (props.nodes.length === 0) throw new Error('ServerlessComputeService: at least one compute node is needed');
    for (const n of props.nodes) {
      if (!(n.cores >= 1)) throw new Error(`ServerlessComputeService: node ${n.name} needs at least one core`);
    }
    this.nodes = props.nodes.map((spec, i) => new ComputeNode(spec, i));
    this.staging = new ImageStaging(sim, props);
    this.scheduler = makeScheduler(props.scheduler ?? 'fcfs', sim.random);
  }

  /** Images downloaded over the wide-area link so far. */
  public get downloads(): number {
    return this.staging.downloads;
  }

  public register(fn: ServerlessFunction, limits: RegistrationLimits): void {
    const known = this.registrations.get(fn.name);
    if (known && known.fn !== fn) throw new Error(`ServerlessComputeService: another function named ${fn.name} is registered`);
    this.registrations.set(fn.name, { fn, limits });
  }

  /** Admits the call or refuses it with one of the seed's answers. */
  public invoke(fn: ServerlessFunction, input: unknown): FunctionInvocation {
    if (this.registrations.get(fn.name)?.fn !== fn) throw new InvocationRefused(FAILURE.NOT_REGISTERED, fn.name);
    const scratch = this.registrations.get(fn.name)!.limits.diskSpaceLimit ?? 0;
    if (!this.nodes.some((n) => n.canHold(fn.image, scratch))) throw new InvocationRefused(FAILURE.NOT_ADMITTED, fn.name);
    const inv = new FunctionInvocation(fn, input, this.sim.now);
    this.queue.push(inv);
    this.dispatch();
    if (inv.state === 'queued' && this.queue.length > (this.props.maxQueued ?? Infinity)) {
      this.queue.popLast();
      throw new InvocationRefused(FAILURE.NOT_ADMITTED, fn.name);
    }
    return inv;
  }

  private dispatch(): void {
    for (let inv = this.queue.peek(); inv; inv = this.queue.peek()) {
      const node = this.scheduler(inv.fn, this.nodes);
      if (!node) return;
      this.queue.shift();
      this.place(inv, node);
    }
  }

  private place(inv: FunctionInvocation, node: ComputeNode): void {
    const reg = this.registrations.get(inv.fn.name)!;
    node.freeCores--;
    inv.nodeName = node.spec.name;
    inv.state = 'starting';
    const warm = node.idleContainer(inv.fn.name);
    if (warm) {
      this.stats.warmStarts++;
      node.setBusy(warm, true);
      node.ram.pin(containerKey(warm));
      return this.execute(inv, node, warm, reg);
    }
    inv.coldStart = true;
    this.stats.coldStarts++;
    this.staging.stage(node, inv.fn.image, (error) => {
      if (error) return this.finish(inv, node, undefined, 'failed', undefined, error);
      const c: Container = { id: this.nextContainer++, functionName: inv.fn.name, image: inv.fn.image, busy: true, idleEpoch: 0 };
      if (!node.ram.add(containerKey(c), reg.limits.ramLimit ?? 0, () => this.removed(node, c))) {
        this.staging.release(node, c.image);
        return this.finish(inv, node, undefined, 'failed', undefined, FAILURE.NO_STORAGE);
      }
      node.ram.pin(containerKey(c));
      node.containers.add(c);
      this.onContainerChange?.(c.functionName, +1);
      this.sim.schedule(this.props.containerStartupOverhead ?? 0, () => this.execute(inv, node, c, reg));
    });
  }

  private execute(inv: FunctionInvocation, node: ComputeNode, c: Container, reg: Registration): void {
    const scratch = reg.limits.diskSpaceLimit ?? 0;
    if (scratch > 0) {
      const key = `scratch:${this.nextScratch++}`;
      if (!node.disk.add(key, scratch)) return this.finish(inv, node, c, 'failed', undefined, FAILURE.NO_SCRATCH);
      node.disk.pin(key);
      this.scratch.set(inv, key);
    }
    inv.state = 'running';
    inv.startDate = this.sim.now;
    let spent = 0;
    let deferred = false;
    let output: unknown;
    let error: string | undefined;
    const sleep = (seconds: number) => {
      if (!(seconds >= 0)) throw new Error(`sleep: seconds must be >= 0, got ${seconds}`);
      if (deferred) throw new Error('sleep: a deferred call ends when its end function is called, not after sleeps');
      spent += seconds;
    };
    const defer = () => {
      if (spent > 0) throw new Error('defer: this call already sleeps; it ends after its sleeps');
      deferred = true;
      // The end is its own event, so the core is freed (and the queue dispatched) outside the caller's code.
      return (result?: unknown) => this.sim.schedule(0, () => {
        if (!inv.isDone()) this.finish(inv, node, c, 'completed', result);
      });
    };
    try {
      output = inv.fn.code(inv.input, { sleep, defer, startTime: this.sim.now, coldStart: inv.coldStart });
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    const limit = reg.limits.timeLimit ?? Infinity;
    if (deferred && error === undefined) {
      if (limit < Infinity) this.sim.schedule(limit, () => inv.isDone() || this.finish(inv, node, c, 'timeout', undefined, FAILURE.TIMEOUT));
    } else if (spent > limit) {
      this.sim.schedule(limit, () => this.finish(inv, node, c, 'timeout', undefined, FAILURE.TIMEOUT));
    } else if (error !== undefined) {
      this.sim.schedule(spent, () => this.finish(inv, node, c, 'failed', undefined, error));
    } else {
      this.sim.schedule(spent, () => this.finish(inv, node, c, 'completed', output));
    }
  }

  private finish(inv: FunctionInvocation, node: ComputeNode, c: Container | undefined, state: InvocationState,
    output: unknown, cause?: FailureCause): void {
    inv.state = state;
    inv.endDate = this.sim.now;
    inv.output = output;
    inv.failureCause = cause;
    node.freeCores++;
    const scratch = this.scratch.get(inv);
    if (scratch !== undefined) {
      this.scratch.delete(inv);
      node.disk.unpin(scratch);
      node.disk.remove(scratch);
    }
    if (c) {
      node.ram.unpin(containerKey(c));
      // A timed-out call is killed with its container, as WRENCH does.
      if (state === 'timeout') this.destroy(node, c);
      else this.idle(node, c);
    }
    this.dispatch();
  }

  private idle(node: ComputeNode, c: Container): void {
    node.setBusy(c, false);
    const epoch = ++c.idleEpoch;
    node.ram.touch(containerKey(c));
    this.sim.schedule(this.props.idleTimeout ?? 600, () => {
      if (!c.busy && c.idleEpoch === epoch && node.containers.has(c)) {
        this.stats.expiredContainers++;
        this.destroy(node, c);
      }
    });
  }

  private destroy(node: ComputeNode, c: Container): void {
    if (node.drop(c)) this.onContainerChange?.(c.functionName, -1);
    node.ram.remove(containerKey(c));
  }

  /** Called when the container leaves RAM, on purpose or under RAM pressure. */
  private removed(node: ComputeNode, c: Container): void {
    if (node.drop(c)) {
      this.stats.evictedContainers++;
      this.onContainerChange?.(c.functionName, -1);
    }
    this.staging.release(node, c.image);
  }
}
