import { Duration, Token } from 'aws-cdk-lib';
import { jsonataTransition } from './jsonata';
import { assertKnownAtSynth } from './tokens';
import { GraphCatch } from '../compiler/graph';
import { RetryRule } from '../protocol/config';
import { parsePath } from '../protocol/jsonpath';
import { State } from '../state';
import { CatchProps, IChainable, JitterType, RetryProps } from '../types';

/**
 * Retry and Catch of a Parallel or Map (Step Functions' semantics: a
 * branch or item that fails for good fails the whole state, which its
 * Retry runs again from the start and its Catch routes on). The rules are
 * compiled into the fanning-out function's configuration, whose invocation
 * waits out a retry's interval or re-invokes itself to wait longer, so an
 * interval is not bounded by a function timeout.
 */
export class FanOutFailures {
  readonly retries: RetryRule[] = [];
  readonly catches: Array<{ rule: GraphCatch; handler: State }> = [];

  /** `where` names the state and its path in errors, e.g. `Parallel 'P' (Stack/P)`; `label` without the path, e.g. `Parallel 'P'`. */
  constructor(private readonly where: string, private readonly label: string = where) {}

  addRetry(props: RetryProps): void {
    const where = `${this.where}: addRetry`;
    const maxAttempts = props.maxAttempts ?? 3;
    const backoffRate = props.backoffRate ?? 2;
    const interval = props.interval ?? Duration.seconds(1);
    assertKnownAtSynth(where, 'errors', props.errors);
    assertKnownAtSynth(where, 'maxAttempts', maxAttempts);
    assertKnownAtSynth(where, 'backoffRate', backoffRate);
    for (const [field, value] of [['interval', interval], ['maxDelay', props.maxDelay]] as const) {
      if (value?.isUnresolved()) throw new Error(`${where}: ${field} must be known at synth (not a token)`);
    }
    if (!Number.isInteger(maxAttempts) || maxAttempts < 0 || maxAttempts > 99_999_999) {
      throw new Error(`${where} maxAttempts must be an integer from 0 to 99999999 (got ${maxAttempts})`);
    }
    if (!(backoffRate >= 1)) throw new Error(`${where} backoffRate must be at least 1 (got ${backoffRate})`);
    if (interval.toMilliseconds() < 1000) throw new Error(`${where} interval must be at least one second`);
    if (props.errors !== undefined && props.errors.length === 0) throw new Error(`${where} errors is empty: use States.ALL to match every error`);
    this.retries.push({
      errors: props.errors ?? ['States.ALL'],
      intervalSeconds: interval.toSeconds(),
      maxAttempts,
      backoffRate,
      ...(props.maxDelay ? { maxDelaySeconds: props.maxDelay.toSeconds() } : {}),
      ...(props.jitterStrategy ? { jitter: props.jitterStrategy === JitterType.FULL ? 'FULL' as const : 'NONE' as const } : {}),
    });
  }

  addCatch(handler: IChainable, props: CatchProps): void {
    const where = `${this.where}: addCatch`;
    const resultPath = props.resultPath ?? '$';
    assertKnownAtSynth(where, 'resultPath', resultPath);
    assertKnownAtSynth(where, 'errors', props.errors);
    try {
      parsePath(resultPath);
    } catch (e) {
      throw new Error(`${where} resultPath: ${(e as Error).message}`);
    }
    if (props.errors !== undefined && props.errors.length === 0) throw new Error(`${where} errors is empty: use States.ALL to match every error`);
    // As on an UnumFunction's catcher: Output over $states.errorOutput and $states.input (the fan-out's raw input), and Assign.
    const jsonata = jsonataTransition(`${this.label}: addCatch`, where, props.outputs, props.assign);
    if (jsonata !== undefined && props.resultPath !== undefined) {
      throw new Error(`${this.label}: addCatch resultPath is a JSONPath field: a JSONata catcher shapes its output with outputs instead`);
    }
    const rule: GraphCatch = { errors: props.errors ?? ['States.ALL'], resultPath, ...(jsonata ? { jsonata } : {}), next: handler.startState.id };
    this.catches.push({ rule, handler: handler.startState });
  }

  /** The graph fields (absent when there are none). */
  graph(): { retry?: RetryRule[]; catch?: GraphCatch[] } {
    return {
      ...(this.retries.length ? { retry: [...this.retries] } : {}),
      ...(this.catches.length ? { catch: this.catches.map((c) => c.rule) } : {}),
    };
  }

  handlers(): State[] {
    return this.catches.map((c) => c.handler);
  }
}

/** Step Functions' ToleratedFailureCount / ToleratedFailurePercentage, checked at synth. */
export function checkTolerance(where: string, count: number | undefined, percentage: number | undefined): void {
  if (count !== undefined) {
    if (Token.isUnresolved(count)) throw new Error(`${where}: toleratedFailureCount must be known at synth (not a token)`);
    if (!Number.isInteger(count) || count < 0) throw new Error(`${where}: toleratedFailureCount must be a non-negative integer (got ${count})`);
  }
  if (percentage !== undefined) {
    if (Token.isUnresolved(percentage)) throw new Error(`${where}: toleratedFailurePercentage must be known at synth (not a token)`);
    if (!(percentage >= 0 && percentage <= 100)) throw new Error(`${where}: toleratedFailurePercentage must be from 0 to 100 (got ${percentage})`);
  }
}
