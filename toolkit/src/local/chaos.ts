import { createHash } from 'crypto';
import { FAULT_STEPS } from 'cdk-unum/lib/protocol/faults';
import { UsageError } from './assembly';
import { describeInstance } from './instance-legend';
import { ServiceErrorCode } from './service-errors';

/**
 * Fault injection for local runs: crashes at runtime steps and duplicate
 * deliveries. Every choice is a hash of (seed, what, instance, ordinal), not
 * a draw from a shared random stream, so one seed makes the same choices
 * whatever order concurrent invocations happen to run in.
 */

export interface FaultOptions {
  /** Crash the first invocation of every instance at this runtime step. */
  readonly crashAt?: string;
  /** Crash each invocation with this probability, at a step chosen at random. */
  readonly crashRate?: number;
  /** Deliver each async event twice with this probability. */
  readonly duplicateRate?: number;
  /** Throttle DynamoDB requests (ProvisionedThroughputExceededException) with this probability. */
  readonly throttleRate?: number;
  /** Fail S3 requests with this probability: SlowDown (503, not applied) or InternalError (500, after the request took effect). */
  readonly s3ErrorRate?: number;
  /** Throttle the functions' Lambda Invoke calls (TooManyRequestsException) with this probability. */
  readonly lambdaThrottleRate?: number;
  /** Attempts of a chosen SDK call that fail in a row (default 2; at the SDK's maxAttempts the error reaches the runtime). */
  readonly serviceErrorAttempts?: number;
  /** Seed of the choices (default 1). */
  readonly seed?: number;
  /**
   * Aims crashes, duplicate deliveries and Lambda Invoke throttles at these nodes only (default: every node).
   * DynamoDB and S3 errors cannot be aimed: a store request names no node, so they are refused together.
   */
  readonly nodes?: readonly string[];
}

/** The runtime's fault steps (src/protocol/faults.ts). */
export function faultSteps(): readonly string[] {
  return FAULT_STEPS;
}

/** `workflowNodes`: the nodes `faults.nodes` may name (unchecked when not given, e.g. before the app is read). */
export function validateFaults(faults: FaultOptions, workflowNodes?: readonly string[]): void {
  const known = faultSteps();
  validateAim(faults, workflowNodes);
  if (faults.crashAt !== undefined && !known.includes(faults.crashAt)) {
    throw new UsageError(`--crash-at ${faults.crashAt} is not a runtime step; the steps are: ${known.join(', ')}`);
  }
  for (const [name, p] of [['--crash-rate', faults.crashRate], ['--duplicate-rate', faults.duplicateRate],
    ['--throttle-rate', faults.throttleRate], ['--s3-error-rate', faults.s3ErrorRate], ['--lambda-throttle-rate', faults.lambdaThrottleRate]] as const) {
    if (p !== undefined && !(p >= 0 && p <= 1)) throw new UsageError(`${name} must be a probability between 0 and 1 (got ${p})`);
  }
  const attempts = faults.serviceErrorAttempts;
  if (attempts !== undefined && !(Number.isInteger(attempts) && attempts >= 1)) {
    throw new UsageError(`--service-error-attempts must be a whole number of at least 1 (got ${attempts})`);
  }
  if (faults.seed !== undefined && !Number.isInteger(faults.seed)) throw new UsageError(`--seed must be an integer (got ${faults.seed})`);
}

function validateAim(faults: FaultOptions, workflowNodes: readonly string[] | undefined): void {
  const aimed = faults.nodes;
  if (aimed === undefined) return;
  if (aimed.length === 0) throw new UsageError('--fault-nodes names no node: name the nodes to aim the faults at, or leave it out for every node');
  if ((faults.throttleRate ?? 0) > 0 || (faults.s3ErrorRate ?? 0) > 0) {
    throw new UsageError('--throttle-rate and --s3-error-rate cannot be aimed at nodes (a store request names none): '
      + 'leave out --fault-nodes for them, or aim crashes, duplicates and --lambda-throttle-rate');
  }
  const unknown = workflowNodes === undefined ? [] : aimed.filter((n) => !workflowNodes.includes(n));
  if (unknown.length > 0) {
    throw new UsageError(`--fault-nodes: the workflow has no function node ${unknown.map((n) => `'${n}'`).join(', ')}; its function nodes are: ${workflowNodes!.join(', ')}`);
  }
}

export class Chaos {
  private readonly seed: number;
  private readonly steps: readonly string[];
  /** Per SDK call (amz-sdk-invocation-id): the attempts it still fails. */
  private readonly calls = new Map<string, number>();
  /** Per request (service and content): how many were seen, and whether the last was chosen. */
  private readonly requests = new Map<string, { seen: number; chosen: boolean }>();
  private readonly aimed?: ReadonlySet<string>;

  constructor(readonly faults: FaultOptions) {
    this.seed = faults.seed ?? 1;
    this.steps = faultSteps();
    this.aimed = faults.nodes === undefined ? undefined : new Set(faults.nodes);
  }

  /** Whether faults may hit this instance (its node is aimed at, or faults are not aimed). */
  aimedAt(instance: string): boolean {
    return this.aimed === undefined || this.aimed.has(describeInstance(instance)?.node ?? instance.split('|')[0]);
  }

  /** The probability that a call to `service` is chosen to fail (0: none is, and requests need no inspection). */
  serviceErrorRate(service: 'dynamodb' | 's3' | 'lambda'): number {
    return { dynamodb: this.faults.throttleRate, s3: this.faults.s3ErrorRate, lambda: this.faults.lambdaThrottleRate }[service] ?? 0;
  }

  get active(): boolean {
    const f = this.faults;
    return f.crashAt !== undefined || [f.crashRate, f.duplicateRate, f.throttleRate, f.s3ErrorRate, f.lambdaThrottleRate].some((p) => (p ?? 0) > 0);
  }

  /**
   * The step at which invocation number `ordinal` (from 0) of `instance`
   * crashes, or undefined. Never the last attempt Lambda would make
   * (`retriesLeft` 0): injected crashes alone must not exhaust the retries.
   */
  crash(instance: string, ordinal: number, retriesLeft: number): string | undefined {
    if (retriesLeft <= 0 || !this.aimedAt(instance)) return undefined;
    if (this.faults.crashAt !== undefined && ordinal === 0) return this.faults.crashAt;
    const rate = this.faults.crashRate ?? 0;
    if (rate > 0 && this.uniform('crash', instance, ordinal) < rate) {
      return this.steps[Math.floor(this.uniform('step', instance, ordinal) * this.steps.length)];
    }
    return undefined;
  }

  /** Whether event number `ordinal` addressed to `instance` is delivered twice. */
  duplicate(instance: string, ordinal: number): boolean {
    const rate = this.faults.duplicateRate ?? 0;
    return rate > 0 && this.aimedAt(instance) && this.uniform('duplicate', instance, ordinal) < rate;
  }

  /**
   * The service error to answer a request with, or undefined. `key` names
   * the request by its content (without the session id, so a seed chooses
   * the same requests in every run); `call` is the SDK's invocation id, the
   * same for all attempts of one call. A chosen call fails its first
   * serviceErrorAttempts attempts; the next call with the same content is
   * never chosen, so injected errors alone cannot exhaust Lambda's retries.
   */
  serviceError(service: 'dynamodb' | 's3' | 'lambda', key: string, call?: string): ServiceErrorCode | undefined {
    const rate = this.serviceErrorRate(service);
    if (rate <= 0) return undefined;
    const name = `${service}\u0000${key}`;
    const left = call === undefined ? undefined : this.calls.get(call);
    let chosen: boolean;
    if (left !== undefined) {
      chosen = left > 0;
      if (chosen) this.calls.set(call!, left - 1);
    } else {
      const seen = this.requests.get(name) ?? { seen: 0, chosen: false };
      chosen = !seen.chosen && this.uniform(service, key, seen.seen) < rate;
      this.requests.set(name, { seen: seen.seen + 1, chosen });
      if (call !== undefined) this.calls.set(call, chosen ? (this.faults.serviceErrorAttempts ?? 2) - 1 : 0);
    }
    if (!chosen) return undefined;
    if (service === 'dynamodb') return 'ProvisionedThroughputExceededException';
    if (service === 'lambda') return 'TooManyRequestsException';
    return this.uniform('s3-code', key, this.requests.get(name)!.seen) < 0.5 ? 'SlowDown' : 'InternalError';
  }

  /** A number in [0, 1) determined by the seed and the arguments. */
  uniform(what: string, instance: string, ordinal: number): number {
    const digest = createHash('sha256').update(`${this.seed}\u0000${what}\u0000${instance}\u0000${ordinal}`).digest();
    return digest.readUInt32BE(0) / 0x1_0000_0000;
  }
}
