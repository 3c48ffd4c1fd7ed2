import { Logger } from './types';
import { Action, WAIT_LOG_FIELDS, WAIT_LOG_KINDS } from '../src/protocol';

/**
 * Bookkeeping of Wait states across one egress run. A Wait that does not
 * fit in the invocation's remaining time becomes pending; the run then
 * re-invokes its own function with the deadlines (Envelope.waits). That
 * invocation "resumes": it walks the same action tree (the checkpointed
 * output routes the same way) but performs no invoke/succeed/fail except on
 * the paths past a resumed Wait, so successors already invoked are not
 * invoked again.
 */
export class FlowState {
  static of(waits: Readonly<Record<string, number>> | undefined): FlowState {
    return new FlowState(waits, waits !== undefined);
  }

  /** Deadlines to write into the re-invocation, by Wait instance key. */
  readonly pending: Record<string, number>;

  constructor(readonly resume: Readonly<Record<string, number>> | undefined, readonly resuming: boolean, pending?: Record<string, number>) {
    this.pending = pending ?? {};
  }

  /** The state for the path past a resumed Wait: everything runs again, pending waits are shared. */
  continuing(): FlowState {
    return new FlowState(this.resume, false, this.pending);
  }

  /** While resuming, actions with effects run only past a resumed Wait. */
  skips(action: Action): boolean {
    return this.resuming && (action.kind === 'invoke' || action.kind === 'succeed' || action.kind === 'fail');
  }
}

/** Time kept after a Wait for the invocations that follow it. */
export const WAIT_MARGIN_MS = 2000;

/** Says, before a sleep inside this invocation, what it waits for (the session report draws it from this line). */
export function logSleep(logger: Logger, kind: keyof typeof WAIT_LOG_KINDS, state: string, ms: number, message: string): void {
  const rounded = Math.round(ms);
  if (rounded <= 0) return;
  logger.info(`${message}: sleeping ${rounded} ms`, { [WAIT_LOG_FIELDS.STATE]: state, [WAIT_LOG_FIELDS.MS]: rounded, [WAIT_LOG_FIELDS.KIND]: WAIT_LOG_KINDS[kind] });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/** Whether `action` can arrive at a join before any function runs (then a Pass checkpoints its value). */
export function reachesJoin(action: Action | undefined): boolean {
  if (action === undefined) return false;
  switch (action.kind) {
    case 'join':
    case 'dagJoin':
      return true;
    case 'skip':
      return reachesJoin(action.next);
    case 'choice':
      return action.rules.some((r) => reachesJoin(r.then)) || reachesJoin(action.otherwise);
    case 'wait':
      return reachesJoin(action.next);
    default:
      return false;
  }
}
