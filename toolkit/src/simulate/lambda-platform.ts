import { constant, initSeconds, LambdaRuntime, Sampler } from './lambda-init';
import { Simulation } from './simulation';
import { FunctionSeries, TimeBins } from './time-bins';
import type { WorkflowPlatform } from './workflow-platform';

export interface LambdaFunctionSpec {
  readonly name: string;
  /** @default 128 */
  readonly memoryMb?: number;
  /** Picks the init time from INIT_SECONDS when `initTime` is absent. @default 'nodejs' */
  readonly runtime?: LambdaRuntime;
  /** Init seconds of a new execution environment (a number or a sampler). @default from runtime and memory */
  readonly initTime?: number | Sampler;
  /** Handler seconds of one request, warm or after init. */
  readonly serviceTime: number | Sampler;
  /** Reserved concurrency: both a guarantee and this function's cap. @default none (shares the unreserved pool) */
  readonly reservedConcurrency?: number;
}

export interface LambdaPlatformProps {
  /** Account concurrency (Regional quota). @default 1000 */
  readonly accountConcurrency?: number;
  /** Seconds an idle execution environment is kept before it is reclaimed. @default 600 */
  readonly idleTimeout?: number;
  /** New execution environments a function may create per `scalingWindow`. @default 1000 */
  readonly scalingLimit?: number;
  /** @default 10 */
  readonly scalingWindow?: number;
  /**
   * Requests beyond the account concurrency wait in one FIFO queue for a busy environment to be released, instead of
   * being throttled: the local engine's platform (its `--concurrency`), which `unum simulate --platform engine` models.
   * The engine starts sandboxes without Lambda's scaling rate, so neither does this platform (nothing is ever throttled).
   * @default false (Lambda throttles)
   */
  readonly queueBeyondConcurrency?: boolean;
  /**
   * Keep each function's environments, busy environments and cold starts over time, in bins this many simulated
   * seconds wide (what `unum simulate --report` plots). Costs a little per event, so it is off unless asked.
   * @default - no time series
   */
  readonly seriesBinSeconds?: number;
}

/** A function's time series (LambdaPlatformProps.seriesBinSeconds): bin i covers [i, i + 1) × binSeconds. */
export type LambdaFunctionSeries = FunctionSeries;

/** What a request runs (LambdaPlatform.invoke). */
export interface LambdaInvokeOptions {
  readonly serviceTime?: number;
  readonly onDone?: () => void;
  readonly run?: (init: number, finish: () => void) => void;
}

/** Why a request was throttled (HTTP 429 on AWS). */
export type ThrottleCause = 'concurrency' | 'scaling';
/** `queued`: waiting for a free slot (LambdaPlatformProps.queueBeyondConcurrency); it starts warm or cold later. */
export type LambdaOutcome = 'warm' | 'cold' | 'queued' | ThrottleCause;

export interface LambdaFunctionStats {
  readonly requests: number;
  readonly coldStarts: number;
  readonly warmStarts: number;
  readonly throttles: number;
  readonly throttlesByCause: Readonly<Record<ThrottleCause, number>>;
  /** Cold starts over all requests (SimFaaS's definition; throttled requests count in the denominator). */
  readonly coldStartProbability: number;
  /** Time averages over [0, now]: environments alive, busy (init or handler) and idle. */
  readonly averageInstances: number;
  readonly averageRunning: number;
  readonly averageIdle: number;
  /** averageRunning / averageInstances. */
  readonly utilization: number;
  readonly peakInstances: number;
  readonly peakRunning: number;
  readonly environmentsCreated: number;
  readonly environmentsExpired: number;
  /** Handler time billed per request, rounded up to 1 ms, times memory. */
  readonly billedDurationGbSeconds: number;
  /** Init time billed per cold start (billed since August 2025), rounded up to 1 ms, times memory. */
  readonly billedInitGbSeconds: number;
}

interface Environment {
  busy: boolean;
  /** When it was last freed: it expires idleTimeout later unless reused first. */
  freedAt: number;
}

const sampler = (s: number | Sampler): Sampler => (typeof s === 'number' ? constant(s) : s);
const billedSeconds = (s: number) => Math.ceil(s * 1000 - 1e-9) / 1000;

/** One function's environments; idle ones are kept in order of the time they were freed. */
class LambdaFunction {
  public readonly memoryGb: number;
  public readonly initTime: Sampler;
  public readonly serviceTime: Sampler;
  // idle[head..] in the order they were freed: the newest at the end is reused first, the oldest at the head expires first.
  public idle: Environment[] = [];
  public head = 0;
  // The creation times of the last `scalingLimit` environments, as a ring.
  public readonly created: number[] = [];
  public createdNext = 0;
  public instances = 0;
  public running = 0;
  public requests = 0; public cold = 0; public warm = 0;
  public throttled: Record<ThrottleCause, number> = { concurrency: 0, scaling: 0 };
  public environmentsCreated = 0; public expired = 0;
  public peakInstances = 0; public peakRunning = 0;
  public instanceArea = 0; public runningArea = 0; public lastChange = 0;
  public billedDuration = 0; public billedInit = 0;
  /** Whether an expiry timer is pending: one per function, set for its oldest idle environment. */
  public expiryPending = false;
  /** Environments alive and busy, and cold starts, per bin, when the platform keeps time series. */
  public readonly bins?: TimeBins;

  public constructor(public readonly spec: LambdaFunctionSpec, binSeconds?: number) {
    if (binSeconds !== undefined) this.bins = new TimeBins(binSeconds);
    const memoryMb = spec.memoryMb ?? 128;
    this.memoryGb = memoryMb / 1024;
    this.initTime = spec.initTime !== undefined ? sampler(spec.initTime) : constant(initSeconds(spec.runtime ?? 'nodejs', memoryMb));
    this.serviceTime = sampler(spec.serviceTime);
  }

  public get idleCount(): number {
    return this.idle.length - this.head;
  }

  public account(now: number): void {
    const dt = now - this.lastChange;
    this.instanceArea += this.instances * dt;
    this.runningArea += this.running * dt;
    this.bins?.account(now, this.instances, this.running);
    this.lastChange = now;
  }

  public popNewestIdle(): Environment | undefined {
    return this.idleCount > 0 ? this.idle.pop() : undefined;
  }

  public pushIdle(env: Environment): void {
    if (this.head > 1024 && this.head * 2 > this.idle.length) {
      this.idle = this.idle.slice(this.head);
      this.head = 0;
    }
    this.idle.push(env);
  }

  /** The oldest idle environment, the next to expire. */
  public oldestIdle(): Environment | undefined {
    return this.idleCount > 0 ? this.idle[this.head] : undefined;
  }

  public removeOldestIdle(): void {
    this.head++;
  }
}

/**
 * The AWS Lambda platform model: one request per execution environment, the
 * most recently freed idle environment takes the next request (so the oldest
 * idle ones reach the idle timeout and are reclaimed), account and reserved
 * concurrency, the per-function scaling rate, and init before the first
 * request of a new environment. A throttled request is refused at once and
 * only counted: it is neither queued nor retried (a synchronous caller gets a
 * 429; retrying is the caller's business). Environments live until idle
 * expiry; AWS's recycling of environments after some hours is not modelled.
 */
export class LambdaPlatform implements WorkflowPlatform {
  public readonly kind = 'lambda';
  public readonly accountConcurrency: number;
  public readonly idleTimeout: number;
  private readonly scalingLimit: number;
  private readonly scalingWindow: number;
  private readonly functions = new Map<string, LambdaFunction>();
  private readonly binSeconds?: number;
  private reserved = 0;
  // Busy environments of functions without reserved concurrency.
  private unreservedRunning = 0;
  private readonly queueBeyondConcurrency: boolean;
  private readonly waiting: Array<{ readonly fn: LambdaFunction; readonly options: LambdaInvokeOptions }> = [];
  private waitingHead = 0;

  public constructor(private readonly sim: Simulation, props: LambdaPlatformProps = {}) {
    this.accountConcurrency = props.accountConcurrency ?? 1000;
    this.idleTimeout = props.idleTimeout ?? 600;
    this.scalingLimit = props.scalingLimit ?? 1000;
    this.scalingWindow = props.scalingWindow ?? 10;
    this.binSeconds = props.seriesBinSeconds;
    this.queueBeyondConcurrency = props.queueBeyondConcurrency ?? false;
    if (this.binSeconds !== undefined && !(this.binSeconds > 0)) throw new Error(`LambdaPlatform: seriesBinSeconds must be > 0, got ${this.binSeconds}`);
    if (!(this.accountConcurrency >= 1)) throw new Error(`LambdaPlatform: accountConcurrency must be >= 1, got ${this.accountConcurrency}`);
    if (!(this.idleTimeout >= 0)) throw new Error(`LambdaPlatform: idleTimeout must be >= 0, got ${this.idleTimeout}`);
    if (!(this.scalingLimit >= 1)) throw new Error(`LambdaPlatform: scalingLimit must be >= 1, got ${this.scalingLimit}`);
  }

  public addFunction(spec: LambdaFunctionSpec): void {
    if (this.functions.has(spec.name)) throw new Error(`LambdaPlatform: function ${spec.name} already exists`);
    const r = spec.reservedConcurrency;
    if (r !== undefined) {
      if (!(r >= 0) || !Number.isInteger(r)) throw new Error(`LambdaPlatform: function ${spec.name}: reservedConcurrency must be a whole number >= 0, got ${r}`);
      // AWS keeps 100 units unreserved (or all of a smaller account).
      const keep = Math.min(100, this.accountConcurrency);
      if (this.reserved + r > this.accountConcurrency - keep) {
        throw new Error(`LambdaPlatform: function ${spec.name}: reservedConcurrency ${r} leaves fewer than ${keep} unreserved of ${this.accountConcurrency}`);
      }
      this.reserved += r;
    }
    this.functions.set(spec.name, new LambdaFunction(spec, this.binSeconds));
  }

  /**
   * A request arrives now. `serviceTime` overrides the function's sampler for
   * this request; `onDone` runs when the handler returns (not for a throttle).
   * `run` instead holds the environment until the caller says the handler
   * returned: it is called at once with the init seconds, and the duration
   * billed is from the end of init to `finish` (a workflow's handler ends
   * when its egress does, which depends on other invocations).
   */
  public invoke(name: string, options: LambdaInvokeOptions = {}): LambdaOutcome {
    const fn = this.fn(name);
    fn.requests++;
    const reserved = fn.spec.reservedConcurrency;
    const full = reserved !== undefined
      ? fn.running >= reserved
      : this.unreservedRunning >= this.accountConcurrency - this.reserved;
    if (full && this.queueBeyondConcurrency && reserved === undefined) {
      // release() admits it when a slot frees up.
      this.waiting.push({ fn, options });
      return 'queued';
    }
    if (full) {
      fn.throttled.concurrency++;
      return 'concurrency';
    }
    return this.admit(fn, options);
  }

  /** Runs an admitted request in the newest idle environment, or in a new one within the scaling rate. */
  private admit(fn: LambdaFunction, options: LambdaInvokeOptions): LambdaOutcome {
    const now = this.sim.now;
    const reserved = fn.spec.reservedConcurrency;
    fn.account(now);
    let env = fn.popNewestIdle();
    let init = 0;
    const cold = !env;
    if (!env) {
      const window = fn.created[fn.createdNext];
      const scaling = !this.queueBeyondConcurrency && fn.created.length >= this.scalingLimit;
      if (scaling && window !== undefined && now - window < this.scalingWindow) {
        fn.throttled.scaling++;
        return 'scaling';
      }
      fn.created[fn.createdNext] = now;
      fn.createdNext = (fn.createdNext + 1) % this.scalingLimit;
      fn.instances++;
      fn.environmentsCreated++;
      fn.peakInstances = Math.max(fn.peakInstances, fn.instances);
      env = { busy: true, freedAt: now };
      init = fn.initTime(this.sim.random);
      fn.billedInit += billedSeconds(init) * fn.memoryGb;
      fn.cold++;
      fn.bins?.countCold(now);
    } else {
      fn.warm++;
    }
    env.busy = true;
    fn.running++;
    if (reserved === undefined) this.unreservedRunning++;
    fn.peakRunning = Math.max(fn.peakRunning, fn.running);
    const ran = env;
    const run = options.run;
    if (run !== undefined) {
      const begun = now + init;
      let finished = false;
      run(init, () => {
        if (finished) return;
        finished = true;
        fn.billedDuration += billedSeconds(Math.max(0, this.sim.now - begun)) * fn.memoryGb;
        this.release(fn, ran);
      });
      return cold ? 'cold' : 'warm';
    }
    const service = options.serviceTime ?? fn.serviceTime(this.sim.random);
    fn.billedDuration += billedSeconds(service) * fn.memoryGb;
    this.sim.schedule(init + service, () => {
      this.release(fn, ran);
      options.onDone?.();
    });
    return cold ? 'cold' : 'warm';
  }

  public stats(name: string): LambdaFunctionStats {
    const fn = this.fn(name);
    fn.account(this.sim.now);
    const span = this.sim.now;
    const averageInstances = span > 0 ? fn.instanceArea / span : 0;
    const averageRunning = span > 0 ? fn.runningArea / span : 0;
    const throttles = fn.throttled.concurrency + fn.throttled.scaling;
    return {
      requests: fn.requests,
      coldStarts: fn.cold,
      warmStarts: fn.warm,
      throttles,
      throttlesByCause: { ...fn.throttled },
      coldStartProbability: fn.requests > 0 ? fn.cold / fn.requests : 0,
      averageInstances,
      averageRunning,
      averageIdle: averageInstances - averageRunning,
      utilization: averageInstances > 0 ? averageRunning / averageInstances : 0,
      peakInstances: fn.peakInstances,
      peakRunning: fn.peakRunning,
      environmentsCreated: fn.environmentsCreated,
      environmentsExpired: fn.expired,
      billedDurationGbSeconds: fn.billedDuration,
      billedInitGbSeconds: fn.billedInit,
    };
  }

  /** The function's time series up to now; undefined unless LambdaPlatformProps.seriesBinSeconds. */
  public series(name: string): LambdaFunctionSeries | undefined {
    const fn = this.fn(name);
    fn.account(this.sim.now);
    return fn.bins?.series(this.sim.now);
  }

  /** Environments of the function now: alive, busy, idle. */
  public instances(name: string): { total: number; running: number; idle: number } {
    const fn = this.fn(name);
    return { total: fn.instances, running: fn.running, idle: fn.idleCount };
  }

  private release(fn: LambdaFunction, env: Environment): void {
    fn.account(this.sim.now);
    fn.running--;
    if (fn.spec.reservedConcurrency === undefined) this.unreservedRunning--;
    env.busy = false;
    env.freedAt = this.sim.now;
    fn.pushIdle(env);
    if (!fn.expiryPending) this.expireLater(fn, this.idleTimeout);
    if (this.waitingHead < this.waiting.length && fn.spec.reservedConcurrency === undefined) {
      // The first in line takes the freed slot at once, before any later request can.
      const next = this.waiting[this.waitingHead++];
      if (this.waitingHead > 1024 && this.waitingHead * 2 > this.waiting.length) {
        this.waiting.splice(0, this.waitingHead);
        this.waitingHead = 0;
      }
      this.admit(next.fn, next.options);
    }
  }

  /**
   * Idle environments expire oldest first, so one timer per function (for its oldest idle one) does what a timer per
   * release would, and keeps the event queue as small as the busy work: at 1,000 releases a second and a 10-minute
   * timeout, a timer per release kept 600,000 events pending.
   */
  private expireLater(fn: LambdaFunction, delay: number): void {
    fn.expiryPending = true;
    this.sim.schedule(delay, () => {
      fn.expiryPending = false;
      const now = this.sim.now;
      for (let env = fn.oldestIdle(); env !== undefined; env = fn.oldestIdle()) {
        const due = env.freedAt + this.idleTimeout;
        // A reused environment left the idle list; the next oldest may be due later (1e-9: the rounding of now + delay).
        if (due > now + 1e-9) return this.expireLater(fn, due - now);
        fn.account(now);
        fn.removeOldestIdle();
        fn.instances--;
        fn.expired++;
      }
    });
  }

  private fn(name: string): LambdaFunction {
    const fn = this.functions.get(name);
    if (!fn) throw new Error(`LambdaPlatform: no function named ${name}`);
    return fn;
  }
}
