import { ClusterPlatform } from './cluster-platform';
import { LambdaPlatform } from './lambda-platform';
import { ClusterPlatformSpec } from './platform-file';
import { Profile } from './profile';
import { Simulation } from './simulation';
import { SimWorkflow } from './workflow-config';
import { WorkflowSimulation } from './workflow-simulation';
import { UsageError } from '../local/assembly';

export type ArrivalProcess = 'poisson' | 'constant';

export interface WorkflowRunOptions {
  /** Sessions started per second. */
  readonly rate: number;
  /** @default 'poisson' */
  readonly arrivals?: ArrivalProcess;
  /** Start this many sessions (one of sessions and duration). */
  readonly sessions?: number;
  /** Start sessions for this many simulated seconds. */
  readonly duration?: number;
  /** Every session's input. @default null */
  readonly input?: unknown;
  /** @default 1 */
  readonly seed?: number;
  /** Keep time series per function in bins this wide (on Lambda and on a cluster). @default - none */
  readonly seriesBinSeconds?: number;
  /**
   * `engine`: the local engine's platform, to check the simulator against `unum run` on the same machine: Lambda's
   * model with the engine's concurrency limit from the profile (`engine.concurrency`), beyond which events queue.
   * @default 'lambda'
   */
  readonly platform?: SimulatedPlatform;
  /** Run the functions on this cluster (a platform file) instead of the Lambda model. @default - Lambda */
  readonly cluster?: ClusterPlatformSpec;
  /**
   * The calendar date of simulated time 0, in epoch ms: what Timestamp waits count from and the context object's times show.
   * @default SIMULATED_EPOCH_MS (2026-01-01T00:00:00Z), so a run does not depend on the day it is made
   */
  readonly startTime?: number;
}

/** Simulated time 0 by default: 2026-01-01T00:00:00Z. */
export const SIMULATED_EPOCH_MS = Date.UTC(2026, 0, 1);

export type SimulatedPlatform = 'lambda' | 'engine';

/**
 * Starts sessions at the given rate (Poisson: exponential gaps; constant:
 * 1/rate apart; the first at time 0) and runs the simulation until every
 * session has ended.
 */
export async function runWorkflow(workflow: SimWorkflow, profile: Profile, options: WorkflowRunOptions):
Promise<{ sim: Simulation; model: WorkflowSimulation }> {
  const sim = new Simulation({ seed: options.seed ?? 1 });
  const engine = options.platform === 'engine';
  if (engine && profile.engine === undefined) {
    throw new UsageError('the engine platform needs the engine\'s concurrency in the profile: record one with unum run --record-profile');
  }
  if (engine && options.cluster !== undefined) throw new Error('runWorkflow: the engine platform is Lambda\'s model, not a cluster');
  const seriesBinSeconds = options.seriesBinSeconds;
  const platform = options.cluster !== undefined ? new ClusterPlatform(sim, options.cluster, { seriesBinSeconds }) : new LambdaPlatform(sim, {
    accountConcurrency: engine ? profile.engine!.concurrency : profile.lambda.accountConcurrency,
    queueBeyondConcurrency: engine,
    idleTimeout: profile.lambda.idleTimeoutSeconds,
    seriesBinSeconds,
  });
  const model = new WorkflowSimulation(sim, platform, workflow, profile, options.startTime ?? SIMULATED_EPOCH_MS);
  const poisson = (options.arrivals ?? 'poisson') === 'poisson';
  let started = 0;
  let arriving = true;
  // Constant arrivals at i / rate exactly (not a running sum, whose rounding would add a session to a duration).
  const next = (): number => (poisson ? sim.now - Math.log(1 - sim.random()) / options.rate : started / options.rate);
  const more = (at: number): boolean => (options.sessions !== undefined ? started < options.sessions : at < options.duration!);
  const arrive = (): void => {
    model.startSession(options.input ?? null);
    started++;
    const at = next();
    if (more(at)) sim.schedule(at - sim.now, arrive);
    else arriving = false;
  };
  if (more(0)) sim.schedule(0, arrive);
  else arriving = false;
  await sim.runUntilSettled(() => !arriving && model.active === 0);
  return { sim, model };
}
