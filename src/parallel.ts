import { Construct } from 'constructs';
import { Chain } from './chain';
import { ParallelState } from './compiler/graph';
import { assertUnbound } from './private/state-rules';
import { State } from './state';
import { IChainable, INextable } from './types';

/** Properties of a Parallel. */
export interface ParallelProps {
  /**
   * What the branches do, for readers of the code.
   * @default - none
   */
  readonly comment?: string;
}

/**
 * Run several branches on the previous function's output, concurrently. The
 * state after it (a FanIn, or a function that then gets an implicit one)
 * receives the branch outputs as a list in branch order. A branch that ends
 * in a Choice is joined on whichever path it took.
 */
export class Parallel extends State implements INextable {
  /** What this state does, for readers of the code. */
  public readonly comment?: string;
  public readonly endStates: INextable[];
  private readonly branchStarts: State[] = [];

  constructor(scope: Construct, id: string, props: ParallelProps = {}) {
    super(scope, id);
    this.comment = props.comment;
    this.endStates = [this];
  }

  /** Add branches; each is a state or a chain. */
  public branch(...branches: IChainable[]): Parallel {
    assertUnbound(this, 'add a branch to');
    this.branchStarts.push(...branches.map((b) => b.startState));
    return this;
  }

  /** Continue after all branches completed: usually with a FanIn or a function. */
  public next(next: IChainable): Chain {
    return this._continueWith(next);
  }

  /** @internal */
  public _toGraphState(): ParallelState {
    return {
      kind: 'parallel',
      id: this.id,
      branches: this.branchStarts.map((b) => b.id),
      ...(this._nextState ? { next: this._nextState.id } : {}),
    };
  }

  /** @internal */
  public _successors(): State[] {
    return [...this.branchStarts, ...(this._nextState ? [this._nextState] : [])];
  }
}
