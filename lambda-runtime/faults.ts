import { FAULT_STEPS, FaultStep } from '../src/protocol/faults';

/**
 * Fault injection: a crash at a named step of the per-invocation sequence,
 * to test that a redelivery heals it. Tests pass a hook; the local engine
 * sets UNUM_FAULT_CRASH_AT=step[,step...] for the invocations it wants to crash.
 */

export { FAULT_STEPS };
export type { FaultStep };

export interface FaultInfo {
  readonly node: string;
  readonly session: string;
  readonly instance: string;
}

/** Called at every step; throwing (e.g. SimulatedCrash) aborts the invocation there. */
export type FaultHook = (step: FaultStep, info: FaultInfo) => void;

export class SimulatedCrash extends Error {
  constructor(readonly step: FaultStep, info: FaultInfo) {
    super(`simulated crash ${step} in ${info.instance} of session ${info.session}`);
    this.name = 'Unum.SimulatedCrash';
  }
}

export function crashAt(steps: readonly string[]): FaultHook {
  const unknown = steps.filter((s) => !(FAULT_STEPS as readonly string[]).includes(s));
  if (unknown.length > 0) throw new Error(`unknown fault step(s) ${unknown.join(', ')}; known: ${FAULT_STEPS.join(', ')}`);
  return (step, info) => {
    if (steps.includes(step)) throw new SimulatedCrash(step, info);
  };
}
