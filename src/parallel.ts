import { Construct } from 'constructs';
import { Chain } from './chain';
import { ParallelState } from './compiler/graph';
import { fanOutDataFlow } from './private/fanout-data-flow';
import { FanOutFailures } from './private/fanout-failures';
import { assertUnbound } from './private/state-rules';
import { DataFlow } from './protocol/dataflow';
import { QueryLanguage } from './query-language';
import { State } from './state';
import { CatchProps, IChainable, INextable, RetryProps } from './types';

/** Properties of a Parallel. */
export interface ParallelProps {
  /**
   * What the branches do, for readers of the code.
   * @default - none
   */
  readonly comment?: string;
  /**
   * JSONPath expression to select part of the state's input to be the input
   * of the branches; `JsonPathValue.DISCARD` makes it the empty object `{}`.
   * @default '$' - the whole input
   */
  readonly inputPath?: string;
  /**
   * The JSON that replaces the joined list (the branch outputs in branch order) and becomes the
   * effective result before `resultPath` is applied: keys ending in `.$`
   * take the value at a path of the list, e.g. `{ 'first.$': '$[0]' }`.
   * @default - the list as it is
   */
  readonly resultSelector?: { [key: string]: any };
  /**
   * JSONPath expression to indicate where to inject the result in the
   * state's input; `JsonPathValue.DISCARD` makes the input the output (the
   * branch outputs in branch order are dropped).
   * @default '$' - the result replaces the input
   */
  readonly resultPath?: string;
  /**
   * JSONPath expression to select part of the combined value to be the
   * state's output; `JsonPathValue.DISCARD` makes it the empty object `{}`.
   * @default '$' - all of it
   */
  readonly outputPath?: string;
  /**
   * The query language: JSONata needs `arguments`, `outputs` or `assign` instead of the JSONPath fields.
   * @default - JSONata when `arguments`, `outputs` or `assign` is set, else JSONPath
   */
  readonly queryLanguage?: QueryLanguage;
  /**
   * JSONata: the input every branch runs on, evaluated once on the
   * Parallel's input: `{% %}` strings read `$states.input`,
   * `$states.context` and the variables (Step Functions' Arguments).
   * @default - the Parallel's input
   */
  readonly arguments?: any;
  /**
   * JSONata: the state's output, evaluated at the join: `{% %}` strings read
   * `$states.result` (the branch outputs in branch order), `$states.input`
   * (the Parallel's input) and the variables, e.g. `'{% $merge($states.result) %}'`.
   * @default - the branch outputs in branch order
   */
  readonly outputs?: any;
  /**
   * JSONata: workflow variables to set at the join, by name, each evaluated
   * like `outputs` (all with the variables from before the assignment).
   * @default - no variables are assigned
   */
  readonly assign?: { [name: string]: any };
}

/**
 * Run several branches on the previous function's output, concurrently. The
 * state after it (a FanIn, or a function that then gets an implicit one)
 * receives the branch outputs as a list in branch order. A branch that ends
 * in a Choice is joined on whichever path it took. `inputPath` selects what
 * the branches run on; `resultSelector`, `resultPath` and `outputPath` (JSONata:
 * `outputs` and `assign`) shape the list into the state's output, as in Step Functions.
 */
export class Parallel extends State implements INextable {
  /** What this state does, for readers of the code. */
  public readonly comment?: string;
  public readonly endStates: INextable[];
  private readonly branchStarts: State[] = [];
  private readonly dataFlow?: DataFlow;
  private readonly failures: FanOutFailures;

  constructor(scope: Construct, id: string, props: ParallelProps = {}) {
    super(scope, id);
    this.comment = props.comment;
    this.failures = new FanOutFailures(`Parallel '${id}' (${this.node.path})`, `Parallel '${id}'`);
    this.dataFlow = fanOutDataFlow(`Parallel '${id}' (${this.node.path})`, props);
    this.endStates = [this];
  }

  /** Add branches; each is a state or a chain. */
  public branch(...branches: IChainable[]): Parallel {
    assertUnbound(this, 'add a branch to');
    this.branchStarts.push(...branches.map((b) => b.startState));
    return this;
  }

  /**
   * Run every branch again when one fails for good (Step Functions' Retry
   * on a Parallel): after the interval, all branches start over with fresh
   * checkpoints and joins; results of the abandoned attempt are ignored.
   * Rules are tried in order.
   */
  public addRetry(props: RetryProps = {}): Parallel {
    assertUnbound(this, 'add a retry to');
    this.failures.addRetry(props);
    return this;
  }

  /**
   * Route a branch's failure, once retries are exhausted, to `handler`
   * (Step Functions' Catch on a Parallel): `{ Error, Cause }` is placed at
   * `resultPath` in the Parallel's input.
   */
  public addCatch(handler: IChainable, props: CatchProps = {}): Parallel {
    assertUnbound(this, 'add a catch to');
    this.failures.addCatch(handler, props);
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
      ...(this.dataFlow ? { dataFlow: this.dataFlow } : {}),
      ...this.failures.graph(),
    };
  }

  /** @internal */
  public _successors(): State[] {
    return [...this.branchStarts, ...(this._nextState ? [this._nextState] : []), ...this.failures.handlers()];
  }
}
