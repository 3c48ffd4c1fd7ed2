import * as fs from 'fs';
import * as path from 'path';
import { Duration, Stack, ArnFormat, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { Chain } from './chain';
import { GraphCatch, TaskState } from './compiler/graph';
import { FunctionDataFlowProps, toDataFlow } from './data-flow';
import { UnumFunctionDefaults, UnumFunctionSettings } from './function-settings';
import { isValidFunctionName, workflowFunctionName } from './private/function-name';
import { FunctionSettings } from './private/function-settings';
import { jsonataTransition } from './private/jsonata';
import { checkFunctionSettings, checkRetryFitsTimeout, environmentProblem } from './private/lambda-limits';
import { nodeMetric, nodeMetricNamed } from './private/metrics';
import { pythonCode } from './private/python-bundling';
import { checkPythonRuntimePresent } from './private/runtime-layer';
import { assertUnbound } from './private/state-rules';
import { grantInvokeByName } from './private/store-grants';
import { assertKnownAtSynth } from './private/tokens';
import { CallbackConfig, ENV, PYTHON_RUNTIME_HANDLER, RetryRule, RUNTIME_HANDLER } from './protocol/config';
import { DataFlow } from './protocol/dataflow';
import { parsePath } from './protocol/jsonpath';
import { MAX_WORKFLOW_TIMEOUT_SECONDS } from './protocol/keys';
import { MetricDefinition, NODE_METRICS } from './protocol/metrics';
import { PythonBundlingOptions } from './python';
import { State } from './state';
import { CatchProps, IChainable, INextable, JitterType, RetryProps } from './types';

/**
 * Properties of an UnumFunction: its user code, Lambda settings and Step
 * Functions' input/output processing around the user code.
 */
export interface UnumFunctionProps extends FunctionDataFlowProps, UnumFunctionSettings {
  /**
   * Node.js: TypeScript or JavaScript file with the user function, bundled
   * with esbuild like `NodejsFunction` (`@aws-sdk/*` stays external).
   * Python: the function's directory (see `index` and `pythonBundling`).
   * @default - use `code`
   */
  readonly entry?: string;
  /**
   * With `entry`: the exported (Node.js) or module-level (Python) function's
   * name. With `code`: `file.export` (Python: `module.function`).
   * @default 'handler' with `entry`; required with `code`
   */
  readonly handler?: string;
  /**
   * Python only: the module file in `entry` that defines `handler`, e.g.
   * `app.py` (may be in a subdirectory: `pkg/app.py` is module `pkg.app`).
   * @default 'index.py'
   */
  readonly index?: string;
  /**
   * Python only: how `entry` and its requirements.txt or pyproject.toml
   * become the code asset.
   * @default - the local pip installs the requirements for the function's Python version and architecture
   */
  readonly pythonBundling?: PythonBundlingOptions;
  /**
   * Prebuilt user code (then `handler` is required).
   * @default - bundle `entry`
   */
  readonly code?: lambda.Code;
  /**
   * Runtime of the function: Node.js 22 or later, or Python 3.11 to 3.14
   * (the layer carries the workflow runtime in both languages).
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
  /**
   * `WAIT_FOR_TASK_TOKEN`: the node waits for a callback (Step Functions' `.waitForTaskToken`). Its user code gets a
   * task token (`context.taskToken`, in Python `context.task_token`, and `JsonPath.taskToken` in `parameters`) to hand
   * to whoever answers; its return value is not its output. The session parks with no compute running until
   * `sendTaskSuccess(token, output)` (the output) or `sendTaskFailure(token, error, cause)` (an error that Retry and
   * Catch see).
   * @default sfn.IntegrationPattern.REQUEST_RESPONSE - the user code's return value is the output
   */
  readonly integrationPattern?: sfn.IntegrationPattern;
  /**
   * With WAIT_FOR_TASK_TOKEN: the task fails with States.HeartbeatTimeout when no sendTaskHeartbeat (or answer)
   * arrives within this long of its start or of the last heartbeat (Step Functions' HeartbeatSeconds).
   * @default - no heartbeat is required
   */
  readonly heartbeat?: Duration;
  /**
   * With WAIT_FOR_TASK_TOKEN: the task fails with States.Timeout when its token is not answered within this long
   * of its start (Step Functions' TimeoutSeconds of a callback task). Up to a year.
   * @default - no limit but the workflow's timeout
   */
  readonly taskTimeout?: Duration;
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
  private readonly settings: FunctionSettings;
  private readonly waitsForTaskToken: boolean;
  private readonly callbackLimits: CallbackConfig;
  /** Whether the node waits for a task token (integrationPattern WAIT_FOR_TASK_TOKEN). @internal */
  public get _waitsForTaskToken(): boolean {
    return this.waitsForTaskToken;
  }
  /** A callback node's taskTimeout in seconds. @internal */
  public get _callbackTimeoutSeconds(): number | undefined {
    return this.callbackLimits.timeoutSeconds;
  }
  /** A callback node's heartbeat in seconds. @internal */
  public get _callbackHeartbeatSeconds(): number | undefined {
    return this.callbackLimits.heartbeatSeconds;
  }

  constructor(scope: Construct, id: string, props: UnumFunctionProps) {
    super(scope, id);
    this.endStates = [this];
    this.timeout = props.timeout ?? Duration.seconds(60);
    const memorySize = props.memorySize ?? 256;
    checkFunctionSettings(this.where, this.timeout, memorySize);
    this._asyncInvoke = { retryAttempts: props.retryAttempts, maxEventAge: props.maxEventAge, onFailure: props.onFailure };
    const runtime = props.runtime ?? lambda.Runtime.NODEJS_24_X;
    const python = runtime.family === lambda.RuntimeFamily.PYTHON;
    checkRuntime(this.where, runtime, props);
    this.waitsForTaskToken = checkIntegrationPattern(this.where, props.integrationPattern);
    this.callbackLimits = callbackLimits(this.where, this.waitsForTaskToken, props);
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
    this.settings = new FunctionSettings(this, this.where, props, runtime);
    const common = {
      ...this.settings.lambdaProps(),
      role: this.settings.role,
      runtime,
      functionName: this.functionName,
      memorySize,
      timeout: this.timeout,
      description: props.description,
      architecture: props.architecture,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
    };
    let userHandler: string;
    if (python && props.entry !== undefined && props.code === undefined) {
      userHandler = pythonUserHandler(this.where, props.index ?? 'index.py', props.handler ?? 'handler');
      if (!fs.existsSync(path.join(props.entry, props.index ?? 'index.py'))) {
        throw new Error(`${this.where}: ${path.join(props.entry, props.index ?? 'index.py')} does not exist; `
          + 'entry is the function\'s directory and index its module file in it (default index.py)');
      }
      this.lambdaFunction = new lambda.Function(this, 'Function', {
        ...common,
        code: pythonCode({
          where: this.where,
          entry: props.entry,
          runtime,
          architecture: props.architecture ?? lambda.Architecture.X86_64,
          options: props.pythonBundling,
        }),
        handler: userHandler,
      });
    } else if (props.entry !== undefined && props.code === undefined) {
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
      if (python && !/^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$/.test(props.handler ?? '')) {
        throw new Error(`UnumFunction '${id}': with code, set handler to 'module.function' (got ${JSON.stringify(props.handler)})`);
      }
      if (!python && (!props.handler || !/^[^.]+(\/[^.]+)*\.[A-Za-z_$][\w$]*$/.test(props.handler))) {
        throw new Error(`UnumFunction '${id}': with code, set handler to 'file.exportName' (got ${JSON.stringify(props.handler)})`);
      }
      userHandler = props.handler!;
      this.lambdaFunction = new lambda.Function(this, 'Function', { ...common, code: props.code, handler: userHandler });
    } else {
      throw new Error(`UnumFunction '${id}': set exactly one of entry (${python ? 'the function\'s directory' : 'a TypeScript/JavaScript file to bundle'}) or code (with handler)`);
    }
    this.settings.created();
    // The runtime layer's handler wraps the user's: it owns the protocol, the user code only sees values.
    (this.lambdaFunction.node.defaultChild as lambda.CfnFunction).handler = python ? PYTHON_RUNTIME_HANDLER : RUNTIME_HANDLER;
    this._addEnvironment(ENV.USER_HANDLER, userHandler);
    for (const [key, value] of Object.entries(props.environment ?? {})) {
      if (key.startsWith('UNUM_')) {
        throw new Error(`UnumFunction '${id}': environment variable ${key} is reserved for the cdk-unum runtime; rename it`);
      }
      this._addEnvironment(key, value);
    }
    this.dataFlow = toDataFlow(`UnumFunction '${id}'`, props, this.waitsForTaskToken);
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
    const where = `UnumFunction '${this.id}' (${this.node.path}): addCatch`;
    assertKnownAtSynth(where, 'resultPath', resultPath);
    assertKnownAtSynth(where, 'errors', props.errors);
    try {
      parsePath(resultPath);
    } catch (e) {
      throw new Error(`UnumFunction '${this.id}': addCatch resultPath: ${(e as Error).message}`);
    }
    const jsonata = jsonataTransition(`UnumFunction '${this.id}': addCatch`, where, props.outputs, props.assign);
    if (jsonata !== undefined && props.resultPath !== undefined) {
      throw new Error(`UnumFunction '${this.id}': addCatch resultPath is a JSONPath field: a JSONata catcher shapes its output with outputs instead`);
    }
    const rule: GraphCatch = { errors: props.errors ?? ['States.ALL'], resultPath, ...(jsonata ? { jsonata } : {}), next: handler.startState.id };
    this.catches.push({ rule, handler: handler.startState });
    return this;
  }

  /**
   * Set Step Functions' InputPath/Parameters/ResultSelector/ResultPath/
   * OutputPath around the user code, and the shape of its result
   * (`payloadResponseOnly`); replaces what the props set.
   */
  public configureDataFlow(props: FunctionDataFlowProps): UnumFunction {
    assertUnbound(this, 'set the data flow of');
    this.dataFlow = toDataFlow(`UnumFunction '${this.id}'`, props, this.waitsForTaskToken);
    return this;
  }

  /** Allow `grantee` to invoke this function as its predecessors do: through its alias if it has one, else unqualified. */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return grantInvokeByName(grantee, Stack.of(this), [this.invocationName]);
  }

  /** The name predecessors and clients invoke: `functionName`, or `functionName:alias` with an alias. */
  public get invocationName(): string {
    return this.settings.alias ? `${this.functionName}:${this.settings.alias.aliasName}` : this.functionName;
  }

  /** What predecessors invoke: the alias if the function has one, else the function. */
  public get invocationTarget(): lambda.IFunction {
    return this.settings.alias ?? this.lambdaFunction;
  }

  /** The alias predecessors invoke, if the function or its workflow set `aliasName`. */
  public get alias(): lambda.Alias | undefined {
    return this.settings.alias;
  }

  /** The function's log group (the one it created, or `logGroup`); available once the function is in a workflow. */
  public get logGroup(): logs.ILogGroup {
    if (!this.settings.logGroup) throw new Error(`${this.where}: the log group is created when the function joins an UnumWorkflow`);
    return this.settings.logGroup;
  }

  /**
   * A metric the runtime writes for this node (namespace `cdk-unum`,
   * dimensions `Workflow` and `Node`); available once the function is in a workflow.
   * @param metricName e.g. `UserErrors`
   * @default - Average for a duration the runtime writes, Sum otherwise, over 5 minutes
   */
  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return nodeMetricNamed(this.metricWorkflowName, this.id, metricName, props);
  }

  /**
   * Invocations of this node's function that the runtime handled: every delivery, duplicates
   * and Lambda's retries included, and re-invocations for a Retry interval, a Wait or a fan-out.
   * @default - sum over 5 minutes
   */
  public metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.nodeMetric(NODE_METRICS.INVOCATIONS, props);
  }

  /**
   * Times the user code threw or ran out of time, whether a Retry or a Catch then handled it or not.
   * @default - sum over 5 minutes
   */
  public metricUserErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.nodeMetric(NODE_METRICS.USER_ERRORS, props);
  }

  /**
   * Attempts a Retry rule (`addRetry`) scheduled; Lambda's own retries of a crashed invocation are not counted.
   * @default - sum over 5 minutes
   */
  public metricRetries(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.nodeMetric(NODE_METRICS.RETRIES, props);
  }

  /**
   * Invocations whose instance another delivery checkpointed: the checkpoint was there, so the
   * user code did not run again, or a delivery running at the same time wrote it first, so this
   * one's output was dropped. Lambda's retry of an invocation that crashed after its checkpoint is one.
   * @default - sum over 5 minutes
   */
  public metricDuplicateDeliveries(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.nodeMetric(NODE_METRICS.DUPLICATE_DELIVERIES, props);
  }

  /**
   * Milliseconds the user code ran per attempt (to its return, its error or its time running out).
   * @default - average over 5 minutes (`statistic: 'p99'` for the tail)
   */
  public metricUserCodeDuration(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.nodeMetric(NODE_METRICS.USER_CODE_DURATION, props);
  }

  /**
   * This node's arrivals at a fan-in join it feeds (one per branch that ends here; a duplicate
   * delivery's repeated arrival counts again, the join itself counts it once).
   * @default - sum over 5 minutes
   */
  public metricJoinArrivals(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.nodeMetric(NODE_METRICS.JOIN_ARRIVALS, props);
  }

  /**
   * Joins this node completed: its arrival was the last, so it invoked the fan-in (once per join).
   * @default - sum over 5 minutes
   */
  public metricJoinsFired(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.nodeMetric(NODE_METRICS.JOINS_FIRED, props);
  }

  /**
   * Values too large for a store item or an event, written to the payload bucket: outputs, the
   * session's input and result, successors' inputs (a value already there is not counted again).
   * @default - sum over 5 minutes
   */
  public metricPayloadsSpilled(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.nodeMetric(NODE_METRICS.PAYLOADS_SPILLED, props);
  }

  /** Applies the workflow's function defaults under the function's own settings (once, before compiling). @internal */
  public _applyDefaults(defaults: UnumFunctionDefaults): void {
    this.settings.apply(this.lambdaFunction, defaults);
  }

  /** How synth-time errors name this function. */
  private get where(): string {
    return `UnumFunction '${this.id}'`;
  }

  /** The runtime writes the workflow's name as the Workflow dimension, so node metrics exist once the function is in a workflow. */
  private get metricWorkflowName(): string {
    if (this.workflowName === undefined) {
      throw new Error(`${this.where}: its metrics carry the name of its workflow; create the UnumWorkflow before calling metric methods`);
    }
    return this.workflowName;
  }

  private nodeMetric(definition: MetricDefinition, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return nodeMetric(this.metricWorkflowName, this.id, definition, props);
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
      functionName: this.invocationName,
      ...(this._nextState ? { next: this._nextState.id } : {}),
      ...(this.retries.length ? { retry: [...this.retries] } : {}),
      ...(this.catches.length ? { catch: this.catches.map((c) => c.rule) } : {}),
      ...(this.dataFlow ? { dataFlow: this.dataFlow } : {}),
      ...(this.waitsForTaskToken ? { callback: { ...this.callbackLimits } } : {}),
    };
  }

  /** @internal */
  public _successors(): State[] {
    return [...(this._nextState ? [this._nextState] : []), ...this.catches.map((c) => c.handler)];
  }
}

/** Node.js 22+ or Python 3.11+, with the props of that language only. */
function checkRuntime(where: string, runtime: lambda.Runtime, props: UnumFunctionProps): void {
  const version = Number(/(\d+)(?:\.(\d+))?/.exec(runtime.name)?.slice(1).join('.') ?? NaN);
  if (runtime.family === lambda.RuntimeFamily.PYTHON) {
    if (!(version >= 3.11)) throw new Error(`${where}: runtime ${runtime.name} is too old; Python functions need python3.11 or later (python3.12, 3.13 or 3.14)`);
    const nodeOnly = (['bundling', 'depsLockFilePath'] as const).filter((p) => props[p] !== undefined);
    if (nodeOnly.length) {
      throw new Error(`${where}: ${nodeOnly.join(' and ')} ${nodeOnly.length > 1 ? 'are' : 'is'} for Node.js functions (esbuild); `
        + `this function's runtime is ${runtime.name}: remove ${nodeOnly.length > 1 ? 'them' : 'it'}, or use pythonBundling`);
    }
    checkPythonRuntimePresent(where);
  } else if (runtime.family === lambda.RuntimeFamily.NODEJS) {
    const pythonOnly = (['index', 'pythonBundling'] as const).filter((p) => props[p] !== undefined);
    if (pythonOnly.length) {
      throw new Error(`${where}: ${pythonOnly.join(' and ')} ${pythonOnly.length > 1 ? 'are' : 'is'} for Python functions; `
        + `this function's runtime is ${runtime.name}: remove ${pythonOnly.length > 1 ? 'them' : 'it'}, or use bundling`);
    }
  } else {
    throw new Error(`${where}: runtime ${runtime.name} is neither Node.js nor Python; the cdk-unum runtime layer runs nodejs (22 or later) and python (3.11 or later) functions`);
  }
}

/** Whether the node waits for a task token (both runtimes can park one); refuses what cdk-unum cannot run. */
function checkIntegrationPattern(where: string, pattern: sfn.IntegrationPattern | undefined): boolean {
  if (pattern === undefined || pattern === sfn.IntegrationPattern.REQUEST_RESPONSE) return false;
  if (pattern !== sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN) {
    throw new Error(`${where}: integrationPattern ${pattern} is not supported for a function; use REQUEST_RESPONSE or WAIT_FOR_TASK_TOKEN`);
  }
  return true;
}

/** A callback node's heartbeat and timeout in whole seconds (1 s to a year); refused on other nodes. */
function callbackLimits(where: string, waits: boolean, props: UnumFunctionProps): CallbackConfig {
  const limits: Record<string, number> = {};
  for (const [prop, field] of [['heartbeat', 'heartbeatSeconds'], ['taskTimeout', 'timeoutSeconds']] as const) {
    const d = props[prop];
    if (d === undefined) continue;
    if (!waits) throw new Error(`${where}: ${prop} applies to a function that waits for a callback only: set integrationPattern WAIT_FOR_TASK_TOKEN, or remove ${prop}`);
    const seconds = d.toSeconds({ integral: false });
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_WORKFLOW_TIMEOUT_SECONDS) {
      throw new Error(`${where}: ${prop} must be whole seconds from 1 second to 365 days (got ${seconds} s)`);
    }
    limits[field] = seconds;
  }
  return limits;
}

/** `pkg/app.py` + `lambda_handler` → `pkg.app.lambda_handler`, Lambda's Python handler form. */
function pythonUserHandler(where: string, index: string, handler: string): string {
  const module = index.replace(/\\/g, '/').replace(/\.py$/, '');
  if (!index.endsWith('.py') || !module.split('/').every((part) => /^[A-Za-z_]\w*$/.test(part))) {
    throw new Error(`${where}: index ${JSON.stringify(index)} must be a .py file in entry whose path is a Python module name (e.g. 'app.py' or 'pkg/app.py')`);
  }
  if (!/^[A-Za-z_]\w*$/.test(handler)) {
    throw new Error(`${where}: handler ${JSON.stringify(handler)} must be the name of a function defined at the top level of ${index}`);
  }
  return `${module.replace(/\//g, '.')}.${handler}`;
}

/** A Duration's seconds (a Token number, which names what it refers to), or its Token text when it is in another unit. */
function secondsOrToken(d: Duration): number | string {
  try {
    return d.toSeconds();
  } catch {
    return d.formatTokenToNumber();
  }
}
