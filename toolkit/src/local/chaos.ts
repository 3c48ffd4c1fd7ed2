import { createHash } from 'crypto';
import { FAULT_STEPS } from 'cdk-unum/lib/protocol/faults';
import { UsageError } from './assembly';

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
  /** Seed of the choices (default 1). */
  readonly seed?: number;
}

/** The runtime's fault steps (src/protocol/faults.ts). */
export function faultSteps(): readonly string[] {
  return FAULT_STEPS;
}

export function validateFaults(faults: FaultOptions): void {
  const known = faultSteps();
  if (faults.crashAt !== undefined && !known.includes(faults.crashAt)) {
    throw new UsageError(`--crash-at ${faults.crashAt} is not a runtime step; the steps are: ${known.join(', ')}`);
  }
  for (const [name, p] of [['--crash-rate', faults.crashRate], ['--duplicate-rate', faults.duplicateRate]] as const) {
    if (p !== undefined && !(p >= 0 && p <= 1)) throw new UsageError(`${name} must be a probability between 0 and 1 (got ${p})`);
  }
  if (faults.seed !== undefined && !Number.isInteger(faults.seed)) throw new UsageError(`--seed must be an integer (got ${faults.seed})`);
}

export class Chaos {
  private readonly seed: number;
  private readonly steps: readonly string[];

  constructor(readonly faults: FaultOptions) {
    this.seed = faults.seed ?? 1;
    this.steps = faultSteps();
  }

  get active(): boolean {
    return this.faults.crashAt !== undefined || (this.faults.crashRate ?? 0) > 0 || (this.faults.duplicateRate ?? 0) > 0;
  }

  /**
   * The step at which invocation number `ordinal` (from 0) of `instance`
   * crashes, or undefined. Never the last attempt Lambda would make
   * (`retriesLeft` 0): injected crashes alone must not exhaust the retries.
   */
  crash(instance: string, ordinal: number, retriesLeft: number): string | undefined {
    if (retriesLeft <= 0) return undefined;
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
    return rate > 0 && this.uniform('duplicate', instance, ordinal) < rate;
  }

  /** A number in [0, 1) determined by the seed and the arguments. */
  uniform(what: string, instance: string, ordinal: number): number {
    const digest = createHash('sha256').update(`${this.seed}\u0000${what}\u0000${instance}\u0000${ordinal}`).digest();
    return digest.readUInt32BE(0) / 0x1_0000_0000;
  }
}
