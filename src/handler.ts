/**
 * What user code sees. Import these as types in a workflow function:
 * `import type { UnumContext, UnumHandler } from 'cdk-unum/lib/handler'`.
 * (Not part of the jsii API: user functions are TypeScript/JavaScript only.)
 */

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** One enclosing fan-out, outermost first. */
export interface FanOutPosition {
  /** The Parallel or Map that fanned out. */
  readonly fanout: string;
  /** Branch or item index, from 0 (FaaSr's rank is index + 1). */
  readonly index: number;
  readonly size: number;
  /**
   * Retries of the whole fan-out made so far (its addRetry re-runs every
   * branch or item), from 0; the runtimes always set it.
   * @default 0
   */
  readonly attempt?: number;
}

export interface UnumContext {
  readonly workflow: string;
  readonly session: string;
  readonly node: string;
  /** The instance key: (node, fan-out indexes, loop iteration). */
  readonly instance: string;
  /** Enclosing fan-outs, outermost first; empty outside any fan-out. */
  readonly fanouts: readonly FanOutPosition[];
  /** Index in the innermost fan-out (0 outside any). */
  readonly index: number;
  /** Size of the innermost fan-out (1 outside any). */
  readonly size: number;
  /** Loop iteration, from 0. */
  readonly iteration: number;
  /** Retries already made for this instance. */
  readonly attempt: number;
  /**
   * A node that waits for a callback (integrationPattern WAIT_FOR_TASK_TOKEN): the task token to hand to whoever
   * answers with sendTaskSuccess / sendTaskFailure (also `$$.Task.Token` in parameters). The return value of such a
   * node is not its output: the answer is. Absent on other nodes.
   */
  readonly taskToken?: string;
  readonly logger: Logger;
  /** The Lambda context, when there is one. */
  readonly lambdaContext?: LambdaContext;
  /** Milliseconds until the Lambda invocation times out (Infinity when unknown). */
  getRemainingTimeInMillis(): number;
}

/** A workflow function: the plain input value in, the output value out. */
export type UnumHandler<I = any, O = any> = (input: I, context: UnumContext) => O | Promise<O>;

/** The part of the Lambda context the runtime uses. */
export interface LambdaContext {
  readonly awsRequestId?: string;
  readonly functionName?: string;
  /** The account of `$$.Execution.Id` comes from it. */
  readonly invokedFunctionArn?: string;
  getRemainingTimeInMillis?(): number;
}
