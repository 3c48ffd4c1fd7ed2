import { Duration, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { Chain } from './chain';
import { WaitState } from './compiler/graph';
import { State } from './state';
import { IChainable, INextable } from './types';

/** How long a Wait waits (mirrors `aws-stepfunctions.WaitTime`; a fixed duration only). */
export class WaitTime {
  /** Wait a fixed duration (whole seconds). */
  public static duration(duration: Duration): WaitTime {
    return new WaitTime(duration);
  }

  private constructor(/** @internal */ public readonly _duration: Duration) {}
}

/** Properties of a Wait. */
export interface WaitProps {
  /** How long to wait. */
  readonly time: WaitTime;
  /**
   * What the wait is for, for readers of the code.
   * @default - none
   */
  readonly comment?: string;
}

/**
 * Waits before continuing (Step Functions' Wait), without a function of its
 * own: the function before it sleeps in its egress after committing its
 * output. When the wait does not fit in that invocation's remaining time
 * (its timeout minus what the user code used, less a 2 s margin), the
 * function re-invokes itself, as often as needed, and continues only the
 * waiting paths there; each re-invocation is billed for the time it sleeps.
 * The wait is never shorter than asked; it may be longer by the invocation
 * latency.
 */
export class Wait extends State implements INextable {
  /** What this state does, for readers of the code. */
  public readonly comment?: string;
  public readonly endStates: INextable[];
  private readonly seconds: number;

  constructor(scope: Construct, id: string, props: WaitProps) {
    super(scope, id);
    this.comment = props.comment;
    this.endStates = [this];
    const duration = props.time._duration;
    if (Token.isUnresolved(duration.toSeconds({ integral: false }))) {
      throw new Error(`Wait '${id}': the duration must be known at synth (not a token)`);
    }
    this.seconds = duration.toSeconds({ integral: false });
    if (!Number.isInteger(this.seconds) || this.seconds < 0) {
      throw new Error(`Wait '${id}': the duration must be a whole number of seconds (got ${this.seconds})`);
    }
  }

  /** Continue with `next` after waiting. */
  public next(next: IChainable): Chain {
    return this._continueWith(next);
  }

  /** @internal */
  public _toGraphState(): WaitState {
    return { kind: 'wait', id: this.id, seconds: this.seconds, ...(this._nextState ? { next: this._nextState.id } : {}) };
  }

  /** @internal */
  public _successors(): State[] {
    return this._nextState ? [this._nextState] : [];
  }
}
