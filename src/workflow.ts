import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ArnFormat, attachCustomSynthesis, CfnOutput, Duration, ISynthesisSession, Size, Stack, Token } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as lambdaEventSources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CompiledWorkflow, compileWorkflow } from './compiler/compile';
import { KIND_LABEL, WorkflowGraph } from './compiler/graph';
import { UnumFunction } from './function';
import { UnumFunctionDefaults } from './function-settings';
import { PICTURE_FILE_VERSION, PictureFile, pictureFileNames, toMermaid, workflowPicture } from './picture';
import { addFailureRecorder } from './private/failure-recorder';
import { configVariable, environmentSize, invokedFunctionNames, LAMBDA_ENVIRONMENT_LIMIT } from './private/function-config';
import { ImportedUnumWorkflow } from './private/imported-workflow';
import { stackResourceProblems } from './private/lambda-limits';
import { hasLongWait, waitScheduling } from './private/long-waits';
import { suppressNag } from './private/nag';
import { runtimeLayer } from './private/runtime-layer';
import { grantInvokeByName, grantWorkflowData, wildcardReasons } from './private/store-grants';
import { grantTaskResponse } from './private/task-response';
import * as access from './private/workflow-access';
import { UnumWorkflowBase } from './private/workflow-base';
import { workflowTimeoutSeconds } from './private/workflow-timeout';
import { ENV, FunctionConfig } from './protocol/config';
import { isJsonataFlow } from './protocol/dataflow';
import { CLEANUP_ITEM_ACTIONS, CLEANUP_OBJECT_ACTIONS, FUNCTION_ITEM_ACTIONS, FUNCTION_OBJECT_ACTIONS } from './protocol/permissions';
import { QueryLanguage } from './query-language';
import { State } from './state';
import { IIntermediaryStore, IntermediaryStore } from './store';
import { IChainable } from './types';
import { IUnumWorkflow, UnumWorkflowAttributes } from './workflow-interface';

/** Lambda's limit for an asynchronous invocation payload. */
const MAX_PAYLOAD_THRESHOLD = Size.mebibytes(1);

/** Properties of an UnumWorkflow. */
export interface UnumWorkflowProps {
  /** The workflow, starting with its entry function. */
  readonly definition: IChainable;
  /**
   * Name of the workflow in envelopes, store keys and the CLI.
   * @default - the construct id
   */
  readonly workflowName?: string;
  /**
   * Store for checkpoints, sessions, joins and large payloads.
   * @default - a new IntermediaryStore
   */
  readonly store?: IIntermediaryStore;
  /**
   * Payloads larger than this travel through the store's bucket instead of
   * inline in the invocation.
   * @default Size.kibibytes(256)
   */
  readonly payloadThreshold?: Size;
  /**
   * Delete checkpoints and join state as soon as a session completes,
   * instead of leaving them to the TTL.
   * @default false
   */
  readonly eagerCleanup?: boolean;

  /**
   * Output the entry function's name (a `CfnOutput` named `EntryFunctionName`
   * under this workflow), for scripts that start sessions after a deploy.
   * Turn it off in stacks that already have many outputs or expose the
   * function another way (CloudFormation allows 200 outputs per stack).
   *
   * @default true
   */
  readonly entryFunctionOutput?: boolean;

  /**
   * Settings for every function of the workflow that does not set its own
   * (alias, logs, tracing). Settings that shape a function when it is
   * created (VPC, role, layers) are per function.
   * @default - each function's own settings and their defaults
   */
  readonly functionDefaults?: UnumFunctionDefaults;

  /**
   * How long a session may run (Step Functions' TimeoutSeconds), in whole
   * seconds up to one year. The entry sets the session's deadline to its
   * start plus this; a function that finds the deadline passed (on arrival,
   * after its user code, before each successor or join) invokes nothing more
   * and records the session TIMED_OUT (error States.Timeout). Waits and
   * retry intervals end at the deadline instead of sleeping past it.
   * A `definition` imported from Amazon States Language brings its state
   * machine's TimeoutSeconds (WorkflowDefinition.timeout); setting a
   * different timeout here is an error.
   *
   * @default - the imported definition's TimeoutSeconds, else no timeout
   */
  readonly timeout?: Duration;
  /**
   * The workflow's query language (Amazon States Language's top-level
   * `QueryLanguage`). `QueryLanguage.JSONATA` makes every state JSONata,
   * as Step Functions does: a state with JSONPath fields (inputPath,
   * parameters, resultSelector, resultPath, outputPath, a Pass `result`)
   * or a Choice rule other than `Condition.jsonata` is an error naming it.
   * A state without a data flow behaves the same in both languages.
   *
   * @default QueryLanguage.JSON_PATH - each state's own (JSONata where it sets arguments, outputs or assign)
   */
  readonly queryLanguage?: QueryLanguage;
}

/**
 * A decentralized workflow: one Lambda function per node, each running the
 * cdk-unum runtime layer, which checkpoints the node's output in the
 * intermediary store and invokes its successors asynchronously. The graph is
 * validated and compiled at synth; each function gets only its own part.
 */
export class UnumWorkflow extends UnumWorkflowBase implements IUnumWorkflow {
  /**
   * A workflow defined in another stack or app, to start it, read its
   * sessions, or make it a rule target or an API integration.
   */
  public static fromWorkflowAttributes(scope: Construct, id: string, attrs: UnumWorkflowAttributes): IUnumWorkflow {
    if (Token.isUnresolved(attrs.workflowName)) {
      throw new Error(`UnumWorkflow.fromWorkflowAttributes '${id}': workflowName is a deploy-time value (a Token); `
        + 'grants name its store key and object prefix at synth: give the literal name');
    }
    return new ImportedUnumWorkflow(scope, id, attrs);
  }

  /** Name of the workflow. */
  public readonly workflowName: string;
  /** The store the workflow uses. */
  public readonly store: IIntermediaryStore;
  /** The function that starts a session. */
  public readonly entryFunction: UnumFunction;
  /** Every function of the workflow, in graph order. */
  public readonly functions: UnumFunction[];
  /** Every function's on-failure destination: records the session FAILED when Lambda gives up on an invocation. */
  public readonly failureRecorder: lambda.IFunction;
  /** ARN that starts a session (the entry's alias ARN when it has one). */
  public readonly entryFunctionArn: string;

  private readonly graph: WorkflowGraph;

  constructor(scope: Construct, id: string, props: UnumWorkflowProps) {
    super(scope, id);
    this.workflowName = props.workflowName ?? id;
    if (Token.isUnresolved(this.workflowName)) {
      // It is part of store keys, compiled configuration and layer paths, none of which a deploy-time value can reach.
      const where = Token.isUnresolved(id) ? `An UnumWorkflow under '${scope.node.path}'` : `UnumWorkflow '${this.node.path}'`;
      throw new Error(`${where}: workflowName is a deploy-time value (a Token); `
        + 'it becomes part of store keys and of each function\'s configuration, so it must be a literal string: set workflowName to one');
    }
    const threshold = props.payloadThreshold ?? Size.kibibytes(256);
    if (!Token.isUnresolved(threshold.toBytes()) && (threshold.toBytes() < 1024 || threshold.toBytes() > MAX_PAYLOAD_THRESHOLD.toBytes())) {
      throw new Error(`UnumWorkflow '${this.workflowName}': payloadThreshold must be between 1 KiB and 1 MiB (Lambda's asynchronous payload limit)`);
    }
    const states = discoverStates(props.definition.startState);
    // Before the graph: an alias changes the name predecessors invoke.
    states.forEach((s) => { if (s instanceof UnumFunction) s._applyDefaults(props.functionDefaults ?? {}); });
    const graph: WorkflowGraph = {
      name: this.workflowName,
      start: props.definition.startState.id,
      states: states.map((s) => s._toGraphState()),
      timeoutSeconds: workflowTimeoutSeconds(this.workflowName, props.timeout, props.definition),
    };
    if (props.queryLanguage === QueryLanguage.JSONATA) checkAllJsonata(this.workflowName, graph);
    const compiled = compileWorkflow(graph);
    this.graph = graph;
    states.forEach((s) => s._bind(this, this.workflowName));

    this.functions = states.filter((s): s is UnumFunction => s instanceof UnumFunction);
    this.entryFunction = this.functions.find((f) => f.id === compiled.entry)!;
    this.entryFunctionArn = Stack.of(this).formatArn({
      service: 'lambda', resource: 'function', resourceName: this.entryFunction.invocationName, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.store = props.store ?? new IntermediaryStore(this, 'Store');
    this.configureFunctions(compiled, threshold, props.eagerCleanup ?? false);
    this.failureRecorder = addFailureRecorder(this, {
      workflowName: this.workflowName,
      store: this.store,
      layer: runtimeLayer(this),
      functions: this.functions,
      entry: this.entryFunction,
      logRetention: props.functionDefaults?.logRetention,
      origins: [...new Set(Object.values(compiled.origins).flat())].sort(),
    });

    this.node.addValidation({ validate: () => stackResourceProblems(`UnumWorkflow '${this.workflowName}'`, this.functions) });
    this.node.addMetadata('cdk-unum:workflow', { name: this.workflowName, entry: this.entryFunction.functionName });
    this.writePictureAtSynth();
    if (props.entryFunctionOutput ?? true) {
      new CfnOutput(this, 'EntryFunctionName', {
        value: this.entryFunction.invocationName,
        description: `Invoke this function to start a session of workflow ${this.workflowName}`,
      });
    }
  }

  /**
   * Allow `grantee` to start sessions: invoke the entry function and write
   * start inputs too large to pass inline. Reading status and results is
   * `grantRead`.
   */
  public grantStart(grantee: iam.IGrantable): iam.Grant {
    return access.grantStart(grantee, this.endpoint);
  }

  /**
   * Allow `grantee` to answer this workflow's task tokens (sendTaskSuccess, sendTaskFailure): read and claim its
   * callback items, read its session items, read and write the callbacks' payload objects, and invoke the functions
   * that wait for a callback. Nothing else of the store, and nothing of other workflows.
   */
  public grantTaskResponse(grantee: iam.IGrantable): iam.Grant {
    const waiting = this.functions.filter((f) => f._waitsForTaskToken);
    if (waiting.length === 0) {
      throw new Error(`UnumWorkflow '${this.workflowName}': grantTaskResponse: no function of the workflow waits for a callback; `
        + 'set integrationPattern WAIT_FOR_TASK_TOKEN on the function that hands out the token');
    }
    return grantTaskResponse(grantee, this.store, this.workflowName, Stack.of(this), waiting.map((f) => f.invocationName));
  }

  /** Allow `grantee` to read this workflow's sessions, failures and results, and nothing of other workflows in the store. */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return access.grantRead(grantee, this.endpoint);
  }

  /**
   * Allow `grantee` to redrive this workflow's FAILED or TIMED_OUT sessions (the client's `redrive`, `unum redrive`):
   * read and update the session and its failure records, and invoke this workflow's functions, which the records
   * name. Nothing of other workflows in the store. Add `grantRead` to also describe sessions and read results.
   */
  public grantRedrive(grantee: iam.IGrantable): iam.Grant {
    return access.grantRedrive(grantee, this.endpoint, Stack.of(this), this.functions.map((f) => f.invocationName));
  }

  /**
   * An EventBridge rule target that starts one session per event, with the
   * event (or `props.event`) as its input.
   * @param props the target's input, retries and dead-letter queue
   */
  public asEventTarget(props?: targets.LambdaFunctionProps): events.IRuleTarget {
    return access.eventTarget(this.endpoint, props);
  }

  /**
   * An API Gateway integration that starts a session with the request's
   * JSON body as input and answers 202 at once; the session id is the
   * integration response header `x-amzn-RequestId` (see `addApiMethod`).
   */
  public asApiIntegration(): apigateway.Integration {
    return access.apiIntegration(this.endpoint);
  }

  /**
   * Adds `httpMethod` on `resource`, integrated with `asApiIntegration`, that
   * answers 202 with the session id in the `X-Unum-Session` header.
   * @param httpMethod the HTTP method, POST by default
   */
  public addApiMethod(resource: apigateway.IResource, httpMethod?: string): apigateway.Method {
    return access.addApiMethod(this.endpoint, resource, httpMethod);
  }

  /**
   * Starts one session per message of `queue`: an SQS event source mapping
   * on the entry (its alias when it has one) with ReportBatchItemFailures,
   * and the entry's role allowed to consume the queue (and decrypt it).
   * Each message's body, parsed as JSON, is its session's input, and the
   * session id is `sqs-<messageId>`, so a redelivered message does not
   * start a second session. A message whose body is not JSON, or whose
   * start failed, is reported back to the queue: give the queue a
   * dead-letter queue to collect those, and a visibility timeout at least
   * the entry's timeout (Lambda refuses a shorter one; checked at synth).
   * Only on a workflow defined in this app: an imported one's entry role
   * cannot be granted the queue.
   * @param props batch size, batching window, concurrency and filters;
   * `reportBatchItemFailures` is always on
   */
  public addSqsSource(queue: sqs.IQueue, props?: lambdaEventSources.SqsEventSourceProps): lambdaEventSources.SqsEventSource {
    const entry = { node: this.entryFunction.id, timeout: this.entryFunction.lambdaFunction.timeout };
    return access.addSqsSource(this, this.endpoint, entry, queue, props);
  }

  /**
   * The workflow as a Mermaid flowchart, for a README or a pull request:
   * Parallel and Map as nested boxes, Choice rules and catches as edge
   * labels, retries on their function. Synthesis also writes it into the
   * cloud assembly beside the stack's template, as
   * `<stack artifact id>.<workflowName>.unum.mermaid`.
   */
  public toMermaid(): string {
    return toMermaid(workflowPicture(this.graph));
  }

  /**
   * Writes the Mermaid text and the graph (which `unum graph` draws as Mermaid, DOT or SVG) into the
   * assembly directory of the stage being synthesized, where the stack's template goes. A custom
   * synthesis runs after validation and only when the app synthesizes, so a test that never
   * synthesizes writes nothing, and a nested Stage's workflow lands in that stage's assembly.
   */
  private writePictureAtSynth(): void {
    const stack = Stack.of(this);
    const files = pictureFileNames(stack.artifactId, this.workflowName);
    const content: PictureFile = { v: PICTURE_FILE_VERSION, workflow: this.workflowName, stack: stack.stackName, graph: this.graph };
    const mermaid = this.toMermaid();
    attachCustomSynthesis(this, {
      onSynthesize: (session: ISynthesisSession) => {
        fs.writeFileSync(path.join(session.outdir, files.mermaid), mermaid);
        fs.writeFileSync(path.join(session.outdir, files.graph), `${JSON.stringify(content, null, 2)}\n`);
      },
    });
  }

  private get endpoint(): access.WorkflowEndpoint {
    return {
      workflowName: this.workflowName, store: this.store, entryFunctionArn: this.entryFunctionArn, entryTarget: this.entryFunction.invocationTarget,
    };
  }

  private configureFunctions(compiled: CompiledWorkflow, threshold: Size, eagerCleanup: boolean): void {
    const layer = runtimeLayer(this);
    const byNode = new Map(this.functions.map((f) => [f.id, f]));
    const oversized: Array<{ fn: UnumFunction; config: FunctionConfig }> = [];
    // Only a workflow with a Wait that can outlast LONG_WAIT_THRESHOLD_MS gets a schedule group and Scheduler's role.
    const waiting = compiled.functions.filter(hasLongWait);
    const scheduling = waiting.length > 0
      ? waitScheduling(this, this.workflowName, waiting.map((c) => byNode.get(c.node)!.invocationName))
      : undefined;
    for (const config of compiled.functions) {
      const fn = byNode.get(config.node)!;
      const lambdaFunction = fn.lambdaFunction;
      lambdaFunction.addLayers(layer);
      const environment: Record<string, string> = {
        [ENV.TABLE]: this.store.tableName,
        [ENV.TTL_SECONDS]: String(this.store.timeToLive.toSeconds()),
        [ENV.PAYLOAD_THRESHOLD]: String(threshold.toBytes()),
        ...(this.store.bucketName ? { [ENV.BUCKET]: this.store.bucketName } : {}),
        ...(eagerCleanup ? { [ENV.EAGER_GC]: '1' } : {}),
        ...(scheduling !== undefined && waiting.includes(config) ? scheduling.environment : {}),
      };
      if (scheduling !== undefined && waiting.includes(config)) scheduling.grantSchedule(lambdaFunction);
      Object.entries(environment).forEach(([k, v]) => fn._addEnvironment(k, v));
      const variable = configVariable(config, LAMBDA_ENVIRONMENT_LIMIT - environmentSize(fn._environment));
      if (variable) {
        fn._addEnvironment(variable.name, variable.value);
      } else {
        oversized.push({ fn, config });
      }
      // Eager cleanup runs where a session ends, so only those functions may query and delete.
      const cleans = eagerCleanup && endsSession(config);
      grantWorkflowData(lambdaFunction, this.store, this.workflowName, {
        itemActions: [...FUNCTION_ITEM_ACTIONS, ...(cleans ? CLEANUP_ITEM_ACTIONS : [])],
        objectActions: [...FUNCTION_OBJECT_ACTIONS, ...(cleans ? CLEANUP_OBJECT_ACTIONS : [])],
      });
      this.grantSuccessors(fn, config, compiled.origins[config.node] ?? []);
      const policy = lambdaFunction.role?.node.tryFindChild('DefaultPolicy');
      if (policy) suppressNag(policy, wildcardReasons(this.workflowName));
      (lambdaFunction.node.defaultChild as lambda.CfnFunction).addMetadata('cdk-unum', {
        workflow: this.workflowName, node: config.node, entry: config.entry,
      });
    }
    if (oversized.length > 0) this.shipConfigsInLayer(oversized);
  }

  /**
   * Each function may invoke exactly its successors (and itself, by the name
   * its predecessors use, to retry, or to continue a Wait or a Map later
   * than its timeout allows).
   */
  private grantSuccessors(fn: UnumFunction, config: FunctionConfig, origins: readonly string[]): void {
    // The functions that fan out a Parallel or Map around it, which it reports a failure to or asks for a bounded Map's next item.
    const names = [...new Set([...invokedFunctionNames(config), ...origins])];
    const reinvokes = config.retry.length > 0 || hasAction(config, 'wait') || hasAction(config, 'map') || retriesAParallel(config);
    if (reinvokes && !names.includes(fn.invocationName)) names.push(fn.invocationName);
    if (names.length === 0) return;
    grantInvokeByName(fn.lambdaFunction, Stack.of(this), names);
  }

  /** Configurations too large for the 4 KB environment go into a per-workflow layer as files. */
  private shipConfigsInLayer(oversized: Array<{ fn: UnumFunction; config: FunctionConfig }>): void {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-unum-config-'));
    const folder = path.join('unum-config', this.workflowName);
    fs.mkdirSync(path.join(dir, folder), { recursive: true });
    for (const { config } of oversized) {
      fs.writeFileSync(path.join(dir, folder, `${config.node}.json`), JSON.stringify(config));
    }
    const layer = new lambda.LayerVersion(this, 'ConfigLayer', {
      code: lambda.Code.fromAsset(dir),
      description: `cdk-unum configuration of workflow ${this.workflowName} (too large for environment variables)`,
    });
    for (const { fn, config } of oversized) {
      fn.lambdaFunction.addLayers(layer);
      fn._addEnvironment(ENV.CONFIG_FILE, path.posix.join('/opt', 'unum-config', this.workflowName, `${config.node}.json`));
    }
  }
}

/** Whether the function's egress can end the session as SUCCEEDED (where eager cleanup runs). */
function endsSession(config: FunctionConfig): boolean {
  return JSON.stringify([config.next, config.catch, config.start]).includes('"kind":"succeed"');
}

/** Whether the function's egress (or its start states) contains a Wait or a Map (which may re-invoke the function to continue later). */
function hasAction(config: FunctionConfig, kind: 'wait' | 'map'): boolean {
  return JSON.stringify([config.next, config.catch, config.start]).includes(`"kind":"${kind}"`);
}

/** A Parallel with Retry in the egress: its function re-invokes itself to wait out a long interval. */
function retriesAParallel(config: FunctionConfig): boolean {
  let found = false;
  JSON.stringify([config.next, config.catch, config.start], (_key, value) => {
    if (value && typeof value === 'object' && value.kind === 'parallel' && Array.isArray(value.retry) && value.retry.length > 0) found = true;
    return value;
  });
  return found;
}

/** Every state reachable from `start`, in discovery order. */
function discoverStates(start: State): State[] {
  const seen = new Set<State>([start]);
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    for (const next of queue[i]._successors()) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return queue;
}

/** A JSONata workflow: every state's data flow and Choice rules must be JSONata (Step Functions refuses JSONPath states in it). */
function checkAllJsonata(workflow: string, graph: WorkflowGraph): void {
  const problems: string[] = [];
  for (const state of graph.states) {
    const where = `${KIND_LABEL[state.kind]} '${state.id}'`;
    const flow = 'dataFlow' in state ? state.dataFlow : undefined;
    const jsonPathFields = flow !== undefined && !isJsonataFlow(flow) ? Object.keys(flow).filter((k) => k !== 'lambdaResponse') : [];
    if (jsonPathFields.length > 0) problems.push(`${where} uses the JSONPath field${jsonPathFields.length > 1 ? 's' : ''} ${jsonPathFields.join(', ')}`);
    if (state.kind === 'choice' && state.choices.some((c) => c.condition.op !== 'jsonata')) problems.push(`${where} has a JSONPath rule (use Condition.jsonata)`);
  }
  if (problems.length > 0) {
    throw new Error(`UnumWorkflow '${workflow}': its queryLanguage is JSONata, so every state must be JSONata: ${problems.join('; ')}`);
  }
}
