import { Duration, Stack, ArnFormat, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { Chain } from './chain';
import { GraphCatch, TaskState } from './compiler/graph';
import { DataFlowProps, toDataFlow } from './data-flow';
import { isValidFunctionName, workflowFunctionName } from './private/function-name';
import { functionRole } from './private/function-role';
import { checkFunctionSettings, checkRetryFitsTimeout, environmentProblem } from './private/lambda-limits';
import { assertUnbound } from './private/state-rules';
import { grantInvokeByName } from './private/store-grants';
import { assertKnownAtSynth } from './private/tokens';
import { ENV, RetryRule, RUNTIME_HANDLER } from './protocol/config';
import { DataFlow } from './protocol/dataflow';
import { parsePath } from './protocol/jsonpath';
import { State } from './state';
import { CatchProps, IChainable, INextable, JitterType, RetryProps } from './types';

/**
 * Properties of an UnumFunction: its user code, Lambda settings and Step
 * Functions' input/output processing around the user code.
 */
export interface UnumFunctionProps extends DataFlowProps {
  /**
   * TypeScript or JavaScript file with the user function, bundled with
   * esbuild like `NodejsFunction` (`@aws-sdk/*` stays external).
   * @default - use `code`
   */
  readonly entry?: string;
  /**
   * With `entry`: the exported function's name. With `code`: `file.export`.
   * @default 'handler' with `entry`; required with `code`
   */
  readonly handler?: string;
  /**
   * Prebuilt user code (then `handler` is required).
   * @default - bundle `entry`
   */
  readonly code?: lambda.Code;
  /**
   * Node.js runtime of the function (the workflow runtime is JavaScript).
   * @default lambda.Runtime.NODEJS_24_X
   */
  readonly runtime?: lambda.Runtime;
  /**
   * Memory in MB.
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * Timeout of one invocation, including the runtime's store requests.
   * @default Duration.seconds(60)
   */
  readonly timeout?: Duration;
  /**
   * Environment variables for the user code.
   * @default - none
   */
  readonly environment?: { [key: string]: string };
  /**
   * Physical function name. Successors are invoked by name, so names are
   * always fixed at synth.
   * @default - derived from the stack name and construct path
   */
  readonly functionName?: string;
  /**
   * Description of the Lambda function.
   * @default - none
   */
  readonly description?: string;
  /**
   * Instruction set of the function.
   * @default lambda.Architecture.X86_64
   */
  readonly architecture?: lambda.Architecture;
  /**
   * esbuild options for `entry`.
   * @default - `@aws-sdk/*` external, no minification
   */
  readonly bundling?: nodejs.BundlingOptions;
  /**
   * Lock file that locates the project root when bundling `entry`.
   * @default - the nearest lock file above `entry`
   */
  readonly depsLockFilePath?: string;
  /**
   * Times Lambda retries a failed asynchronous invocation of the runtime
   * (store outages; user code errors follow `addRetry`).
   * @default 2
   */
  readonly retryAttempts?: number;
  /**
   * Maximum age of a queued event before Lambda drops it (to the on-failure destination).
   * @default Duration.hours(6)
   */
  readonly maxEventAge?: Duration;
  /**
   * Where Lambda's record of an event that still failed after its retries
   * goes, once the workflow's failure recorder has recorded the session
   * FAILED. The recorder is the function's on-failure destination and sends
   * this destination what Lambda would have sent it. Any of aws-cdk-lib's
   * destinations works: `LambdaDestination` (also with `responseOnly`),
   * `SqsDestination`, `SnsDestination`, `EventBridgeDestination`,
   * `S3Destination`.
   * @default - the failure recorder only
   */
  readonly onFailure?: lambda.IDestination;
  /**
   * Reserved concurrency of the function.
   * @default - unreserved
   */
  readonly reservedConcurrentExecutions?: number;
}

/**
 * One workflow node: a Lambda function that runs the user code under the
 * cdk-unum runtime layer, which checkpoints the output and invokes the
 * successors. The user code gets the plain input value and a context; it
 * never sees the protocol.
 */
export class UnumFunction extends State implements INextable {
  public readonly endStates: INextable[];
  /** The Lambda function. */
  public readonly lambdaFunction: lambda.Function;
  /** The physical name of the Lambda function (fixed at synth). */
  public readonly functionName: string;
  /** ARN of the Lambda function, built from its name (no reference to the resource). */
  public readonly functionArn: string;
  /** Every variable set on the function, to size the configuration against Lambda's limit. @internal */
  public readonly _environment: Record<string, string> = {};
  private readonly timeout: Duration;
  /**
   * Lambda's async settings, applied by the workflow together with its
   * failure recorder as the on-failure destination (which forwards to `onFailure`). @internal
   */
  public readonly _asyncInvoke: { retryAttempts?: number; maxEventAge?: Duration; onFailure?: lambda.IDestination };
  private readonly retries: RetryRule[] = [];
  private readonly catches: Array<{ rule: GraphCatch; handler: State }> = [];
  private dataFlow?: DataFlow;

  constructor(scope: Construct, id: string, props: UnumFunctionProps) {
    super(scope, id);
    this.endStates = [this];
    this.timeout = props.timeout ?? Duration.seconds(60);
    const memorySize = props.memorySize ?? 256;
    checkFunctionSettings(this.where, this.timeout, memorySize);
    this._asyncInvoke = { retryAttempts: props.retryAttempts, maxEventAge: props.maxEventAge, onFailure: props.onFailure };
    const runtime = props.runtime ?? lambda.Runtime.NODEJS_24_X;
    if (runtime.family !== lambda.RuntimeFamily.NODEJS) {
      throw new Error(`UnumFunction '${id}': runtime ${runtime.name} is not Node.js; the cdk-unum runtime layer needs a nodejs runtime (22 or later)`);
    }
    this.functionName = props.functionName ?? workflowFunctionName(this);
    if (Token.isUnresolved(this.functionName)) {
      // Predecessors carry this name in their compiled configuration, which may be gzipped or shipped as a file: no deploy-time value can reach it.
      throw new Error(`${this.where}: functionName is a deploy-time value (a Token); successors are invoked by names fixed at synth: `
        + 'give a literal name or leave functionName unset');
    }
    if (!isValidFunctionName(this.functionName)) {
      throw new Error(`UnumFunction '${id}': functionName '${this.functionName}' must be 1-64 characters of letters, digits, - and _`);
    }
    this.functionArn = Stack.of(this).formatArn({
      service: 'lambda', resource: 'function', resourceName: this.functionName, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const role = functionRole(this, this.functionName);
    const common = {
      role,
      runtime,
      functionName: this.functionName,
      memorySize,
      timeout: this.timeout,
      description: props.description,
      architecture: props.architecture,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
    };
    let userHandler: string;
    if (props.entry !== undefined && props.code === undefined) {
      const exportName = props.handler ?? 'handler';
      userHandler = `index.${exportName}`;
      this.lambdaFunction = new nodejs.NodejsFunction(this, 'Function', {
        ...common,
        entry: props.entry,
        handler: exportName,
        bundling: props.bundling,
        depsLockFilePath: props.depsLockFilePath,
      });
    } else if (props.code !== undefined && props.entry === undefined) {
      if (!props.handler || !/^[^.]+(\/[^.]+)*\.[A-Za-z_$][\w$]*$/.test(props.handler)) {
        throw new Error(`UnumFunction '${id}': with code, set handler to 'file.exportName' (got ${JSON.stringify(props.handler)})`);
      }
      userHandler = props.handler;
      this.lambdaFunction = new lambda.Function(this, 'Function', { ...common, code: props.code, handler: props.handler });
    } else {
      throw new Error(`UnumFunction '${id}': set exactly one of entry (a TypeScript/JavaScript file to bundle) or code (with handler)`);
    }
    // The runtime layer's handler wraps the user's: it owns the protocol, the user code only sees values.
    (this.lambdaFunction.node.defaultChild as lambda.CfnFunction).handler = RUNTIME_HANDLER;
    this._addEnvironment(ENV.USER_HANDLER, userHandler);
    for (const [key, value] of Object.entries(props.environment ?? {})) {
      if (key.startsWith('UNUM_')) {
        throw new Error(`UnumFunction '${id}': environment variable ${key} is reserved for the cdk-unum runtime; rename it`);
      }
      this._addEnvironment(key, value);
    }
    this.dataFlow = toDataFlow(`UnumFunction '${id}'`, props);
    this.node.addValidation({
      validate: () => this.workflowName === undefined
        ? [`UnumFunction '${id}' is not part of any UnumWorkflow: chain it into a workflow definition or remove it`]
        : [],
    });
    // Checked on the environment CloudFormation gets, so variables added to lambdaFunction directly count too.
    this.node.addValidation({
      validate: () => {
        const resolved = Stack.of(this).resolve((this.lambdaFunction.node.defaultChild as lambda.CfnFunction).environment);
        const problem = environmentProblem(this.where, resolved?.variables ?? {});
        return problem ? [problem] : [];
      },
    });
  }

  /** Continue with `next` after this function. */
  public next(next: IChainable): Chain {
    return this._continueWith(next);
  }

  /** Retry the user code on matching errors (Step Functions' Retry). Rules are tried in order. */
  public addRetry(props: RetryProps = {}): UnumFunction {
    assertUnbound(this, 'add a retry to');
    const maxAttempts = props.maxAttempts ?? 3;
    const backoffRate = props.backoffRate ?? 2;
    const interval = props.interval ?? Duration.seconds(1);
    // Compiled into the configuration and checked against the timeout: a Token would print as a huge negative number.
    const retryWhere = `UnumFunction '${this.id}' (${this.node.path}): addRetry`;
    assertKnownAtSynth(retryWhere, 'errors', props.errors);
    for (const [field, value] of [['maxAttempts', maxAttempts], ['backoffRate', backoffRate]] as const) assertKnownAtSynth(retryWhere, field, value);
    for (const [field, value] of [['interval', interval], ['maxDelay', props.maxDelay]] as const) {
      if (value?.isUnresolved()) assertKnownAtSynth(retryWhere, field, secondsOrToken(value));
    }
    if (!Number.isInteger(maxAttempts) || maxAttempts < 0 || maxAttempts > 99_999_999) {
      throw new Error(`UnumFunction '${this.id}': addRetry maxAttempts must be an integer from 0 to 99999999 (got ${maxAttempts})`);
    }
    if (!(backoffRate >= 1)) {
      throw new Error(`UnumFunction '${this.id}': addRetry backoffRate must be at least 1 (got ${backoffRate})`);
    }
    if (!interval.isUnresolved() && interval.toMilliseconds() < 1000) {
      throw new Error(`UnumFunction '${this.id}': addRetry interval must be at least one second`);
    }
    const rule: RetryRule = {
      errors: props.errors ?? ['States.ALL'],
      intervalSeconds: interval.toSeconds(),
      maxAttempts,
      backoffRate,
      ...(props.maxDelay ? { maxDelaySeconds: props.maxDelay.toSeconds() } : {}),
      ...(props.jitterStrategy ? { jitter: props.jitterStrategy === JitterType.FULL ? 'FULL' as const : 'NONE' as const } : {}),
    };
    checkRetryFitsTimeout(this.where, this.retries.length, rule, this.timeout);
    this.retries.push(rule);
    return this;
  }

  /** Route matching errors, once retries are exhausted, to `handler` (Step Functions' Catch). */
  public addCatch(handler: IChainable, props: CatchProps = {}): UnumFunction {
    assertUnbound(this, 'add a catch to');
    const resultPath = props.resultPath ?? '$';
    assertKnownAtSynth(`UnumFunction '${this.id}' (${this.node.path}): addCatch`, 'resultPath', resultPath);
    assertKnownAtSynth(`UnumFunction '${this.id}' (${this.node.path}): addCatch`, 'errors', props.errors);
    try {
      parsePath(resultPath);
    } catch (e) {
      throw new Error(`UnumFunction '${this.id}': addCatch resultPath: ${(e as Error).message}`);
    }
    this.catches.push({ rule: { errors: props.errors ?? ['States.ALL'], resultPath, next: handler.startState.id }, handler: handler.startState });
    return this;
  }

  /**
   * Set Step Functions' InputPath/Parameters/ResultSelector/ResultPath/
   * OutputPath around the user code (replaces what the props set).
   */
  public configureDataFlow(props: DataFlowProps): UnumFunction {
    assertUnbound(this, 'set the data flow of');
    this.dataFlow = toDataFlow(`UnumFunction '${this.id}'`, props);
    return this;
  }

  /** Allow `grantee` to invoke this function (unqualified: the workflow deploys no versions or aliases). */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return grantInvokeByName(grantee, Stack.of(this), [this.functionName]);
  }

  /** How synth-time errors name this function. */
  private get where(): string {
    return `UnumFunction '${this.id}'`;
  }

  /** @internal */
  public _addEnvironment(key: string, value: string): void {
    this.lambdaFunction.addEnvironment(key, value);
    this._environment[key] = value;
  }

  /** @internal */
  public _toGraphState(): TaskState {
    return {
      kind: 'task',
      id: this.id,
      functionName: this.functionName,
      ...(this._nextState ? { next: this._nextState.id } : {}),
      ...(this.retries.length ? { retry: [...this.retries] } : {}),
      ...(this.catches.length ? { catch: this.catches.map((c) => c.rule) } : {}),
      ...(this.dataFlow ? { dataFlow: this.dataFlow } : {}),
    };
  }

  /** @internal */
  public _successors(): State[] {
    return [...(this._nextState ? [this._nextState] : []), ...this.catches.map((c) => c.handler)];
  }
}

/** A Duration's seconds (a Token number, which names what it refers to), or its Token text when it is in another unit. */
function secondsOrToken(d: Duration): number | string {
  try {
    return d.toSeconds();
  } catch {
    return d.formatTokenToNumber();
  }
}
