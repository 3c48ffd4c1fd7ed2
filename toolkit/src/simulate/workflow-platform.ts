import { LambdaRuntime, Sampler } from './lambda-init';
import { LambdaOutcome } from './lambda-platform';
import { FunctionSeries } from './time-bins';

/** A workflow function as WorkflowSimulation declares it to the platform it runs on. */
export interface PlatformFunctionSpec {
  readonly name: string;
  readonly memoryMb: number;
  readonly runtime: LambdaRuntime;
  /** Init seconds of a new Lambda execution environment (a cluster's cold start comes from its own model instead). */
  readonly initTime?: number | Sampler;
  /** Handler seconds when the caller does not hold the instance itself (WorkflowSimulation always does: 0). */
  readonly serviceTime: number | Sampler;
  readonly reservedConcurrency?: number;
}

/**
 * What invoke answers: the call got an instance now (warm or cold), waits in
 * the platform's queue for one ('queued': its `run` comes later), or was
 * refused, which the caller retries as Lambda retries a throttled event.
 */
export type PlatformOutcome = LambdaOutcome | 'queued' | 'refused';

/** Whether the platform took the call (now or later); anything else is a throttle. */
export const admitted = (outcome: PlatformOutcome): boolean => outcome === 'warm' || outcome === 'cold' || outcome === 'queued';

/** The figures of one function that the workflow summary prints for every platform. */
export interface PlatformFunctionStats {
  readonly requests: number;
  readonly coldStarts: number;
  readonly warmStarts: number;
  readonly throttles: number;
  /** Instances busy with a call: the peak, and the time average over [0, now]. */
  readonly peakRunning: number;
  readonly averageRunning: number;
}

/** The platform a WorkflowSimulation runs its functions on: LambdaPlatform or ClusterPlatform. */
export interface WorkflowPlatform {
  readonly kind: 'lambda' | 'cluster';
  addFunction(spec: PlatformFunctionSpec): void;
  /**
   * A call arrives now. `run` is called once the call has an instance (at once
   * on Lambda, when a core frees up on a cluster) with the seconds of init still
   * ahead of the handler; the instance is held until `finish` is called.
   */
  invoke(name: string, options: { run: (init: number, finish: () => void) => void }): PlatformOutcome;
  stats(name: string): PlatformFunctionStats;
  /** Time series for --report; undefined when the platform keeps none. */
  series(name: string): FunctionSeries | undefined;
}
