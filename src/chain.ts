import { State } from './state';
import { IChainable, INextable } from './types';

/** A sequence of states, built with `next()` (like `aws-stepfunctions.Chain`). */
export class Chain implements IChainable {
  /** Begin a chain with the given state or chain. */
  public static start(state: IChainable): Chain {
    return new Chain(state.startState, state.endStates, state);
  }

  /** A chain with explicit ends, e.g. all branches of a Choice. */
  public static custom(startState: State, endStates: INextable[], lastAdded: IChainable): Chain {
    return new Chain(startState, endStates, lastAdded);
  }

  public readonly id: string;

  private constructor(public readonly startState: State, public readonly endStates: INextable[], private readonly lastAdded: IChainable) {
    this.id = lastAdded.id;
  }

  /** Continue every end of this chain with `next`. */
  public next(next: IChainable): Chain {
    if (this.endStates.length === 0) {
      throw new Error(`cannot continue after '${this.lastAdded.id}': it has no end to continue from (after a Choice use .afterwards(); Succeed and Fail end the workflow)`);
    }
    for (const end of this.endStates) {
      end.next(next);
    }
    return new Chain(this.startState, next.endStates, next);
  }
}
