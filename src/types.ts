import { Duration } from 'aws-cdk-lib';
import { Chain } from './chain';
import { State } from './state';

/**
 * Something that can be chained into a workflow: a single state or a chain
 * of them. Mirrors `aws-stepfunctions.IChainable`.
 */
export interface IChainable {
  /** Descriptive identifier, used in error messages. */
  readonly id: string;
  /** The first state of this chainable. */
  readonly startState: State;
  /** The states to continue from when this chainable is followed by `next()`. */
  readonly endStates: INextable[];
}

/** A state that can be followed by another. */
export interface INextable {
  /** Continue with `next` after this state; returns the chain so far. */
  next(next: IChainable): Chain;
}

/** How the jitter of a retry's delay is computed (Step Functions' JitterType). */
export enum JitterType {
  /** Delay is a random value up to the computed backoff. */
  FULL = 'FULL',
  /** Delay is exactly the computed backoff. */
  NONE = 'NONE',
}

/** Retry of a function's user code, with Step Functions' names and defaults. */
export interface RetryProps {
  /**
   * Errors to retry: error names thrown by the user code (`error.name`), or
   * `States.ALL`, `States.TaskFailed`, `States.Timeout`.
   * @default ['States.ALL']
   */
  readonly errors?: string[];
  /**
   * How long to wait before the first retry.
   * @default Duration.seconds(1)
   */
  readonly interval?: Duration;
  /**
   * How many times to retry (0 disables retrying).
   * @default 3
   */
  readonly maxAttempts?: number;
  /**
   * Multiplier of the interval for each further retry.
   * @default 2
   */
  readonly backoffRate?: number;
  /**
   * Upper bound of a retry's delay.
   * @default - no bound
   */
  readonly maxDelay?: Duration;
  /**
   * Randomizes the delay to avoid retry storms.
   * @default JitterType.NONE
   */
  readonly jitterStrategy?: JitterType;
}

/** Route errors that retries did not resolve to a handler, with Step Functions' names and defaults. */
export interface CatchProps {
  /**
   * Errors to catch.
   * @default ['States.ALL']
   */
  readonly errors?: string[];
  /**
   * Where `{ Error, Cause }` goes in the function's input before it is
   * passed to the handler; `$` replaces the input.
   * @default '$'
   */
  readonly resultPath?: string;
  /**
   * JSONata: the output handed to the handler, a template over
   * `$states.errorOutput` (`{ Error, Cause }`) and `$states.input` (the
   * function's input; a Parallel's or Map's raw input), as aws-stepfunctions' CatchProps `outputs`. Not with
   * `resultPath`. An expression that fails fails the session (a catcher's
   * own error is not caught again).
   * @default - `$states.errorOutput` with `assign`, else `resultPath`'s placement
   */
  readonly outputs?: any;
  /**
   * JSONata: workflow variables the catcher sets (each value a template
   * like `outputs`, evaluated with the variables from before the function, Parallel or Map;
   * the state's own `assign` does not apply when it fails).
   * @default - no variables are assigned
   */
  readonly assign?: { [name: string]: any };
}
