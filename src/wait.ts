import { Duration, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { Chain } from './chain';
import { WaitState } from './compiler/graph';
import { toDataFlow } from './data-flow';
import { expressionProblemsOf } from './private/jsonata';
import { assertKnownAtSynth } from './private/tokens';
import { DataFlow } from './protocol/dataflow';
import { isJsonataExpression } from './protocol/jsonata';
import { WaitSpec } from './protocol/states';
import { QueryLanguage } from './query-language';
import { State } from './state';
import { IChainable, INextable } from './types';

/** How long a Wait waits (mirrors `aws-stepfunctions.WaitTime`). */
export class WaitTime {
  /** Wait a fixed duration (whole seconds). */
  public static duration(duration: Duration): WaitTime {
    return new WaitTime(duration, {});
  }

  /**
   * JSONata: wait the number of seconds a `{% %}` expression computes over
   * `$states.input`, `$states.context` and the variables (an integer from 0
   * to 99999999, else States.QueryEvaluationError).
   */
  public static seconds(expression: string): WaitTime {
    return new WaitTime(undefined, { seconds: expression });
  }

  /**
   * Wait until a fixed instant: an RFC 3339 timestamp such as
   * `2024-08-18T17:33:00Z` (uppercase T, Z or a numeric offset; the
   * fraction of a second is dropped). A past instant does not wait.
   * A `{% %}` JSONata expression computes the timestamp instead.
   */
  public static timestamp(timestamp: string): WaitTime {
    return new WaitTime(undefined, { timestamp });
  }

  /** Wait the number of seconds at a path of the state's input (an integer from 0 to 99999999, else States.Runtime). */
  public static secondsPath(path: string): WaitTime {
    return new WaitTime(undefined, { secondsPath: path });
  }

  /** Wait until the RFC 3339 timestamp at a path of the state's input (not a timestamp: States.Runtime). */
  public static timestampPath(path: string): WaitTime {
    return new WaitTime(undefined, { timestampPath: path });
  }

  private constructor(/** @internal */ public readonly _duration: Duration | undefined, /** @internal */ public readonly _spec: WaitSpec) {}
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
  /**
   * JSONata: the Wait's output once the wait is over, whose `{% %}` strings
   * read `$states.input`, `$states.context` and the variables.
   * @default - the input
   */
  readonly outputs?: any;
  /**
   * JSONata: workflow variables to set once the wait is over, by name
   * (see `JsonataDataFlowProps.assign`).
   * @default - no variables are assigned
   */
  readonly assign?: { [name: string]: any };
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
  private readonly spec: WaitSpec;
  private readonly flow?: DataFlow;

  constructor(scope: Construct, id: string, props: WaitProps) {
    super(scope, id);
    this.comment = props.comment;
    this.endStates = [this];
    this.spec = waitSpec(id, this.node.path, props.time);
    if (props.outputs !== undefined || props.assign !== undefined) {
      const where = `Wait '${id}' (${this.node.path})`;
      if (this.spec.secondsPath !== undefined || this.spec.timestampPath !== undefined) {
        throw new Error(`${where}: outputs and assign are JSONata fields; wait with WaitTime.seconds or WaitTime.timestamp and a {% %} expression instead of a path`);
      }
      this.flow = toDataFlow(where, { queryLanguage: QueryLanguage.JSONATA, outputs: props.outputs, assign: props.assign });
    }
  }

  /** Continue with `next` after waiting. */
  public next(next: IChainable): Chain {
    return this._continueWith(next);
  }

  /** @internal */
  public _toGraphState(): WaitState {
    return {
      kind: 'wait',
      id: this.id,
      ...this.spec,
      ...(this.flow ? { dataFlow: this.flow } : {}),
      ...(this._nextState ? { next: this._nextState.id } : {}),
    };
  }

  /** @internal */
  public _successors(): State[] {
    return this._nextState ? [this._nextState] : [];
  }
}

/** The wait a WaitTime asks for, checked at synth. */
function waitSpec(id: string, path: string, time: WaitTime): WaitSpec {
  const duration = time._duration;
  if (duration === undefined) {
    const [field, value] = Object.entries(time._spec)[0] as [string, string];
    assertKnownAtSynth(`Wait '${id}' (${path})`, field, value);
    if (field === 'seconds' || isJsonataExpression(value)) {
      const problems = expressionProblemsOf(value, field);
      if (problems.length > 0) throw new Error(`Wait '${id}' (${path}): ${problems.join('; ')}`);
    }
    return time._spec;
  }
  if (Token.isUnresolved(duration.toSeconds({ integral: false }))) {
    throw new Error(`Wait '${id}': the duration must be known at synth (not a token)`);
  }
  const seconds = duration.toSeconds({ integral: false });
  if (!Number.isInteger(seconds) || seconds < 0) {
    throw new Error(`Wait '${id}': the duration must be a whole number of seconds (got ${seconds})`);
  }
  return { seconds };
}
