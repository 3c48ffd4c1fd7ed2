import { jsonPathShadow, queryLanguageProblems, shapeProblems, usesJsonata, validatorProblems } from './asl-checks';
import { IdAllocator, ImportError, Plan, PlanCatch, PlanDataFlow, PlanFanOutDataFlow, PlanRetry, PlanState } from './plan';
import { expressionProblemsOf } from '../private/jsonata';
import { COMPARISON_OPERATORS, ConditionJson, validateCondition } from '../protocol/conditions';
import { contextPathProblem } from '../protocol/context';
import { templateProblems } from '../protocol/dataflow';
import { isJsonataExpression, jsonataFlowProblems, jsonataTemplateProblems } from '../protocol/jsonata';
import { parsePath, parseQuery } from '../protocol/jsonpath';
import { MAX_WORKFLOW_TIMEOUT_SECONDS } from '../protocol/keys';
import { QueryLanguage } from '../query-language';

/**
 * Amazon States Language → Plan. The definition is first checked by
 * asl-validator (the JSON schema of the language, transitions, paths); then
 * every state is translated, or rejected with the state's name and why.
 * Nothing is dropped silently.
 */

export interface AslImportOptions {
  /** Workflow name (default: `imported`). */
  readonly name?: string;
  /**
   * No effect (MaxConcurrency is always kept as the Map's `maxConcurrency`,
   * which bounds the items running at once); accepted for compatibility.
   * @deprecated
   */
  readonly relaxMaxConcurrency?: boolean;
}

type Json = Record<string, any>;

const LAMBDA_ARN = /^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$/;
/** Errors of the Lambda service's Invoke API as Step Functions names them (not Lambda.Unknown, which is the function's). */
const LAMBDA_SERVICE_ERROR = /^Lambda\.[A-Za-z]+Exception$/;
const LAMBDA_INVOKE = /^arn:aws[a-zA-Z-]*:states:::lambda:invoke(\.[A-Za-z]+)?$/;

/** Fields each state type may carry that the translation handles (anything else is reported). */
const KNOWN: Record<string, string[]> = {
  Task: ['Type', 'Comment', 'Resource', 'Next', 'End', 'InputPath', 'OutputPath', 'ResultPath', 'Parameters', 'ResultSelector', 'Retry', 'Catch', 'TimeoutSeconds',
    'HeartbeatSeconds', 'QueryLanguage'],
  Pass: ['Type', 'Comment', 'Next', 'End', 'InputPath', 'OutputPath', 'ResultPath', 'Parameters', 'Result', 'QueryLanguage'],
  Wait: ['Type', 'Comment', 'Next', 'End', 'Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath', 'QueryLanguage'],
  Choice: ['Type', 'Comment', 'Choices', 'Default', 'QueryLanguage'],
  Parallel: ['Type', 'Comment', 'Next', 'End', 'Branches', 'InputPath', 'OutputPath', 'ResultPath', 'Parameters', 'ResultSelector', 'Retry', 'Catch', 'QueryLanguage'],
  Map: ['Type', 'Comment', 'Next', 'End', 'Iterator', 'ItemProcessor', 'ItemsPath', 'ItemSelector', 'Parameters', 'MaxConcurrency', 'InputPath', 'OutputPath', 'ResultPath',
    'ResultSelector', 'Retry', 'Catch', 'ToleratedFailureCount', 'ToleratedFailurePercentage', 'QueryLanguage'],
  Succeed: ['Type', 'Comment', 'QueryLanguage'],
  Fail: ['Type', 'Comment', 'Error', 'Cause', 'ErrorPath', 'CausePath', 'QueryLanguage'],
};

/** The fields of JSONata states that the translation handles. */
const KNOWN_JSONATA: Record<string, string[]> = {
  Task: ['Type', 'Comment', 'Resource', 'Next', 'End', 'Arguments', 'Output', 'Assign', 'Retry', 'Catch', 'TimeoutSeconds', 'QueryLanguage'],
  Pass: ['Type', 'Comment', 'Next', 'End', 'Output', 'Assign', 'QueryLanguage'],
  Wait: ['Type', 'Comment', 'Next', 'End', 'Seconds', 'Timestamp', 'Output', 'Assign', 'QueryLanguage'],
  Choice: ['Type', 'Comment', 'Choices', 'Default', 'Output', 'Assign', 'QueryLanguage'],
  Parallel: ['Type', 'Comment', 'Next', 'End', 'Branches', 'Arguments', 'Output', 'Assign', 'Retry', 'Catch', 'QueryLanguage'],
  Map: ['Type', 'Comment', 'Next', 'End', 'Iterator', 'ItemProcessor', 'Items', 'ItemSelector', 'MaxConcurrency', 'Output', 'Assign', 'Retry', 'Catch',
    'QueryLanguage'],
  Succeed: ['Type', 'Comment', 'Output', 'QueryLanguage'],
  Fail: ['Type', 'Comment', 'Error', 'Cause', 'QueryLanguage'],
};

/** Why a field of a JSONata state cannot be kept. */
const WHY_JSONATA: Record<string, string> = {
  Output: 'a JSONata state of this type has no Output in Step Functions',
  Assign: 'a JSONata state of this type has no Assign in Step Functions',
  Arguments: 'a JSONata state of this type has no Arguments in Step Functions (a Map shapes each item with ItemSelector)',
  Parameters: 'JSONata states take Arguments, not Parameters',
  ResultSelector: 'JSONata states shape their result with Output, not ResultSelector',
  InputPath: 'JSONata states select their input with Arguments, not InputPath',
  OutputPath: 'JSONata states shape their output with Output, not OutputPath',
  ResultPath: 'JSONata states shape their output with Output, not ResultPath',
  ItemsPath: 'JSONata Maps take Items, not ItemsPath',
};
const HEARTBEAT_WHY = 'task heartbeats are sent by activity workers and callback (.waitForTaskToken) tasks, and a Lambda function '
  + 'sends none; remove it, and bound the task with TimeoutSeconds (it becomes the function\'s timeout)';
const HEARTBEAT_PATH_WHY = 'a callback task\'s heartbeat is fixed at synth: use HeartbeatSeconds';

/** Why a field cannot be kept, for the ones users meet most. */
const WHY: Record<string, string> = {
  HeartbeatSeconds: HEARTBEAT_WHY,
  HeartbeatSecondsPath: HEARTBEAT_PATH_WHY,
  TimeoutSecondsPath: 'the timeout of an UnumFunction is fixed at synth',
  Credentials: 'each UnumFunction runs with its own role; cross-account task credentials are not supported',
  ItemReader: 'distributed maps (ItemReader) read items from S3; cdk-unum maps over an array in the previous output',
  ResultWriter: 'distributed maps (ResultWriter) are not supported; the joined list goes to the next function',
  ItemBatcher: 'item batching is not supported; batch the items in the function before the Map',
  ToleratedFailurePercentagePath: 'the tolerated failures of a Map are fixed at synth: use ToleratedFailurePercentage',
  ToleratedFailureCountPath: 'the tolerated failures of a Map are fixed at synth: use ToleratedFailureCount',
  MaxConcurrencyPath: 'MaxConcurrency must be static',
  Label: 'distributed map labels are not supported',
  Retry: 'Retry is supported on Task, Parallel and Map states only',
  Catch: 'Catch is supported on Task, Parallel and Map states only',
  InputPath: 'InputPath on this state type is not supported; select the value in the previous state\'s OutputPath',
  OutputPath: 'OutputPath on this state type is not supported; select the value in the next state\'s InputPath',
};

/** Translates an ASL definition (JSON text or parsed) into a Plan; throws ImportError listing every problem. */
export function translateStatesLanguage(definition: string | unknown, options: AslImportOptions = {}): Plan {
  let json: Json;
  try {
    json = typeof definition === 'string' ? JSON.parse(definition) : definition as Json;
  } catch (e) {
    throw new ImportError('Amazon States Language', [`the definition is not JSON: ${(e as Error).message}`]);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new ImportError('Amazon States Language', ['the definition must be a JSON object with StartAt and States']);
  }
  const shape = shapeProblems(json);
  if (shape.length > 0) throw new ImportError('Amazon States Language', shape);
  const languages = queryLanguageProblems(json);
  if (languages.length > 0) throw new ImportError('Amazon States Language', languages);
  const invalid = validatorProblems(jsonPathShadow(json));
  if (invalid.length > 0) throw new ImportError('Amazon States Language', invalid);
  return new AslTranslator(json, options).translate();
}

class AslTranslator {
  private readonly problems: string[] = [];
  private readonly states: PlanState[] = [];
  private readonly ids = new IdAllocator();
  /** ASL state name → id of the plan state that a transition to it reaches (a Pass inserted before it, or itself). */
  private readonly entryOf = new Map<string, string>();
  private readonly all = new Map<string, Json>();
  private readonly notes: string[] = [];

  constructor(private readonly definition: Json, private readonly options: AslImportOptions) {}

  translate(): Plan {
    const def = this.definition;
    const timeoutSeconds = this.workflowTimeout(def.TimeoutSeconds);
    this.collect(def, 'the state machine');
    // Ids first, so transitions can refer to states defined later.
    for (const name of this.all.keys()) this.entryOf.set(name, this.ids.allocate(name));
    for (const [name, state] of this.all) this.translateState(name, state);
    let start = this.entry(def.StartAt);
    const first = this.all.get(def.StartAt);
    // A workflow may start with a Choice, Parallel, Map, Pass or Wait (its entry runs them); not with an end.
    if (first && (first.Type === 'Succeed' || first.Type === 'Fail')) {
      const id = this.ids.allocate('Start');
      this.states.unshift({ kind: 'task', id, functionKeys: [], builtin: 'identity', next: start, comment: `added by the import: a cdk-unum session starts with a function, and StartAt '${def.StartAt}' is a ${first.Type}` });
      this.notes.push(`StartAt '${def.StartAt}' is a ${first.Type} state; a cdk-unum session starts by invoking a function, so the import added '${id}', an inline function that returns its input`);
      start = id;
    }
    if (this.problems.length > 0) throw new ImportError('Amazon States Language', this.problems);
    return { name: this.options.name ?? 'imported', start, states: this.states, notes: this.notes, ...defined({ timeoutSeconds }) };
  }

  /** The state machine's TimeoutSeconds, kept as the workflow's timeout (UnumWorkflowProps.timeout). */
  private workflowTimeout(value: unknown): number | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_WORKFLOW_TIMEOUT_SECONDS) {
      this.problems.push(`the state machine's TimeoutSeconds (${JSON.stringify(value)}) must be a whole number of seconds from 1 to `
        + `${MAX_WORKFLOW_TIMEOUT_SECONDS} (one year, the longest a workflow may run); fix it or remove it (no timeout)`);
      return undefined;
    }
    return value;
  }

  /** Every state of the machine and of its nested branches and item processors. */
  private collect(container: Json, where: string): void {
    for (const [name, state] of Object.entries<Json>(container.States ?? {})) {
      if (this.all.has(name)) {
        this.problems.push(`two states are named '${name}' (in ${where}); state names must be unique in the whole state machine`);
        continue;
      }
      this.all.set(name, state);
      if (state.Type === 'Parallel') (state.Branches ?? []).forEach((b: Json, i: number) => this.collect(b, `branch ${i} of '${name}'`));
      if (state.Type === 'Map') this.collect(state.ItemProcessor ?? state.Iterator ?? {}, `the item processor of '${name}'`);
    }
  }

  private entry(name: string): string {
    return this.entryOf.get(name)!;
  }

  private next(state: Json): string | undefined {
    return state.Next !== undefined ? this.entry(state.Next) : undefined;
  }

  private reject(name: string, message: string): void {
    this.problems.push(`state '${name}': ${message}`);
  }

  private checkFields(name: string, state: Json): void {
    const jsonata = this.jsonata(state);
    const known = (jsonata ? KNOWN_JSONATA : KNOWN)[state.Type] ?? [];
    for (const field of Object.keys(state)) {
      if (known.includes(field)) continue;
      const why = (jsonata ? WHY_JSONATA[field] : undefined) ?? WHY[field] ?? 'this field is not supported by the import';
      this.reject(name, `${state.Type} field ${field} cannot be translated: ${why}`);
    }
  }

  /** A path field; `reference` ones (ResultPath, ItemsPath) name one node, the others may be indefinite. */
  private path(name: string, field: string, value: unknown, kind: 'path' | 'reference' = 'path'): string | undefined {
    if (value === undefined) return undefined;
    if (value === null) return 'DISCARD';
    try {
      if (kind === 'reference') parsePath(value as string);
      else parseQuery(value as string);
      return value as string;
    } catch (e) {
      this.reject(name, `${field}: ${(e as Error).message}`);
      return undefined;
    }
  }

  /**
   * A path that may read the context object as well as the input, as Step
   * Functions' InputPath, OutputPath, ItemsPath and Choice variables may.
   */
  private statePath(name: string, field: string, value: unknown, kind: 'path' | 'reference' = 'path'): string | undefined {
    if (typeof value !== 'string' || !value.startsWith('$$')) return this.path(name, field, value, kind);
    const problem = contextPathProblem(value, false);
    if (problem !== undefined) {
      this.reject(name, `${field}: ${problem}`);
      return undefined;
    }
    return value;
  }

  private template(name: string, field: string, value: unknown, taskToken = false): Record<string, unknown> | undefined {
    if (value === undefined) return undefined;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.reject(name, `${field} must be a JSON object`);
      return undefined;
    }
    for (const p of templateProblems(value, field, taskToken)) this.reject(name, p);
    return value as Record<string, unknown>;
  }

  /** Whether a state uses JSONata (its QueryLanguage, else the state machine's). */
  private jsonata(state: Json): boolean {
    return usesJsonata(state, this.definition.QueryLanguage === 'JSONata');
  }

  /** The problems of a JSONata state's Arguments/Output/Assign, each naming the state. */
  private checkJsonata(name: string, flow: { arguments?: unknown; output?: unknown; assign?: unknown }): void {
    if (flow.assign !== undefined && !isJsonObject(flow.assign)) {
      this.reject(name, 'Assign must be an object of variable names to values');
      return;
    }
    for (const p of jsonataFlowProblems(flow as { assign?: Record<string, unknown> })) this.reject(name, p.replace(/^outputs/, 'Output').replace(/^arguments/, 'Arguments').replace(/^assign/, 'Assign'));
  }

  private translateState(name: string, state: Json): void {
    this.checkFields(name, state);
    const id = this.entry(name);
    const comment = typeof state.Comment === 'string' ? state.Comment : undefined;
    const base = { id, source: name, ...(comment ? { comment } : {}) };
    if (this.jsonata(state)) return this.jsonataState(name, state, base);
    switch (state.Type) {
      case 'Task': return this.task(name, state, base);
      case 'Pass':
        this.states.push({
          kind: 'pass',
          ...base,
          ...defined({
            inputPath: this.statePath(name, 'InputPath', state.InputPath),
            parameters: this.template(name, 'Parameters', state.Parameters),
            result: state.Result,
            resultPath: this.path(name, 'ResultPath', state.ResultPath, 'reference'),
            outputPath: this.statePath(name, 'OutputPath', state.OutputPath),
            next: this.next(state),
          }),
        });
        return;
      case 'Wait':
        this.states.push({
          kind: 'wait',
          ...base,
          ...defined({
            seconds: state.Seconds,
            secondsPath: this.path(name, 'SecondsPath', state.SecondsPath),
            timestamp: state.Timestamp,
            timestampPath: this.path(name, 'TimestampPath', state.TimestampPath),
            next: this.next(state),
          }),
        });
        return;
      case 'Choice':
        this.states.push({
          kind: 'choice',
          ...base,
          rules: (state.Choices as Json[]).map((rule, i) => ({ condition: this.condition(name, rule, `Choices[${i}]`), next: this.entry(rule.Next) })),
          ...defined({ otherwise: state.Default !== undefined ? this.entry(state.Default) : undefined }),
        });
        return;
      case 'Succeed':
        this.states.push({ kind: 'succeed', ...base });
        return;
      case 'Fail':
        this.states.push({
          kind: 'fail',
          ...base,
          ...defined({
            error: state.Error, cause: state.Cause, errorPath: this.path(name, 'ErrorPath', state.ErrorPath), causePath: this.path(name, 'CausePath', state.CausePath),
          }),
        });
        return;
      case 'Parallel':
        return this.fanOut(name, state, base, (fanOutId) => ({
          kind: 'parallel', id: fanOutId, source: name, branches: (state.Branches as Json[]).map((b) => this.entry(b.StartAt)),
        }));
      case 'Map': {
        const processor: Json = state.ItemProcessor ?? state.Iterator;
        const mode = state.ItemProcessor?.ProcessorConfig?.Mode;
        if (mode !== undefined && mode !== 'INLINE') {
          this.reject(name, `ItemProcessor mode ${mode} (distributed map) is not supported; use INLINE`);
        }
        const max = state.MaxConcurrency ?? 0;
        return this.fanOut(name, state, base, (fanOutId) => ({
          kind: 'map',
          id: fanOutId,
          source: name,
          iterator: this.entry(processor.StartAt),
          ...defined({
            itemsPath: this.statePath(name, 'ItemsPath', state.ItemsPath, 'reference') ?? undefined,
            maxConcurrency: max > 0 ? max : undefined,
            toleratedFailureCount: this.tolerance(name, 'ToleratedFailureCount', state.ToleratedFailureCount, Number.MAX_SAFE_INTEGER),
            toleratedFailurePercentage: this.tolerance(name, 'ToleratedFailurePercentage', state.ToleratedFailurePercentage, 100),
            // Parameters is ItemSelector's older name on a Map.
            itemSelector: this.template(name, state.ItemSelector !== undefined ? 'itemSelector' : 'itemSelector (Parameters)', state.ItemSelector ?? state.Parameters),
          }),
        }));
      }
      default:
        this.reject(name, `state type ${state.Type} is not supported`);
    }
  }

  /**
   * A JSONata state: Task, Pass, Choice, Parallel and Map (Output, Assign; a Map's Items, ItemSelector) and the states
   * without a data flow translate; the others, and the JSONata fields not
   * supported yet, are reported by checkFields.
   */
  private jsonataState(name: string, state: Json, base: { id: string; source: string; comment?: string }): void {
    const language = { queryLanguage: QueryLanguage.JSONATA };
    switch (state.Type) {
      case 'Task': return this.jsonataTask(name, state, base);
      case 'Pass':
        this.checkJsonata(name, { output: state.Output, assign: state.Assign });
        this.states.push({
          kind: 'pass', ...base, ...language, ...defined({ outputs: state.Output, assign: state.Assign, next: this.next(state) }),
        });
        return;
      case 'Choice':
        this.checkJsonata(name, { output: state.Output, assign: state.Assign });
        this.states.push({
          kind: 'choice',
          ...base,
          rules: (state.Choices as Json[]).map((rule, i) => ({
            condition: this.jsonataCondition(name, rule, `Choices[${i}]`),
            next: this.entry(rule.Next),
            ...defined({ outputs: rule.Output, assign: rule.Assign }),
          })),
          ...defined({ otherwise: state.Default !== undefined ? this.entry(state.Default) : undefined, outputs: state.Output, assign: state.Assign }),
        });
        return;
      case 'Map': {
        const items = state.Items;
        if (items !== undefined) {
          if (!isJsonataExpression(items) && !Array.isArray(items)) this.reject(name, `Items must be a JSON array or a '{% expression %}' string, got ${JSON.stringify(items)}`);
          for (const p of jsonataTemplateProblems(items, 'Items')) this.reject(name, p);
        }
        const processor: Json = state.ItemProcessor ?? state.Iterator;
        const mode = state.ItemProcessor?.ProcessorConfig?.Mode;
        if (mode !== undefined && mode !== 'INLINE') this.reject(name, `ItemProcessor mode ${mode} (distributed map) is not supported; use INLINE`);
        const max = state.MaxConcurrency ?? 0;
        if (typeof state.ItemSelector === 'string' && !isJsonataExpression(state.ItemSelector)) {
          this.reject(name, `ItemSelector must be a JSON object or a '{% expression %}' string, got ${JSON.stringify(state.ItemSelector)}`);
        }
        for (const p of jsonataTemplateProblems(state.ItemSelector, 'ItemSelector')) this.reject(name, p);
        // Without Items a JSONata Map iterates over its input, which must be an array.
        return this.fanOut(name, this.jsonataFanOutFailures(state), base, (fanOutId) => ({
          kind: 'map',
          id: fanOutId,
          source: name,
          iterator: this.entry(processor.StartAt),
          ...defined({
            items: items ?? '{% $states.input %}',
            itemSelector: state.ItemSelector,
            maxConcurrency: max > 0 ? max : undefined,
            dataFlow: this.joinFlow(name, state),
          }),
        }), true);
      }
      case 'Parallel':
        return this.fanOut(name, this.jsonataFanOutFailures(state), base, (fanOutId) => ({
          kind: 'parallel',
          id: fanOutId,
          source: name,
          branches: (state.Branches as Json[]).map((b) => this.entry(b.StartAt)),
          ...defined({ dataFlow: this.joinFlow(name, state) }),
        }), true);
      case 'Wait':
        for (const field of ['Seconds', 'Timestamp'] as const) {
          if (typeof state[field] !== 'string' || !(field === 'Seconds' || isJsonataExpression(state[field]))) continue;
          for (const p of expressionProblemsOf(state[field], field)) this.reject(name, p);
        }
        this.checkJsonata(name, { output: state.Output, assign: state.Assign });
        this.states.push({
          kind: 'wait',
          ...base,
          ...defined({ seconds: state.Seconds, timestamp: state.Timestamp, outputs: state.Output, assign: state.Assign, next: this.next(state) }),
        });
        return;
      case 'Succeed':
        this.checkJsonata(name, { output: state.Output });
        this.states.push({ kind: 'succeed', ...base, ...defined({ outputs: state.Output }) });
        return;
      case 'Fail':
        for (const p of [...jsonataTemplateProblems(state.Error, 'Error'), ...jsonataTemplateProblems(state.Cause, 'Cause')]) this.reject(name, p);
        this.states.push({ kind: 'fail', ...base, ...defined({ error: state.Error, cause: state.Cause }) });
        return;
      default:
        this.reject(name, `state type ${state.Type} is not supported`);
    }
  }

  /**
   * A JSONata Parallel or Map for fanOut: its Retry as a JSONPath one's, and its Catch as a JSONata Task's (Output
   * over `$states.errorOutput` and `$states.input`, the fan-out's raw input, and Assign), set in fanOut.
   */
  private jsonataFanOutFailures(state: Json): Json {
    return { ...jsonPathLess(state), ...defined({ Retry: state.Retry, Catch: state.Catch }) };
  }

  /**
   * A JSONata Parallel's or Map's Output and Assign, evaluated at its join (`$states.result` the joined list), and a
   * Parallel's Arguments, its branches' input.
   */
  private joinFlow(name: string, state: Json): PlanFanOutDataFlow | undefined {
    if (state.Output === undefined && state.Assign === undefined && state.Arguments === undefined) return undefined;
    this.checkJsonata(name, { arguments: state.Arguments, output: state.Output, assign: state.Assign });
    return { queryLanguage: QueryLanguage.JSONATA, ...defined({ arguments: state.Arguments, outputs: state.Output, assign: state.Assign }) };
  }

  /** A JSONata Choice rule: its Condition, a whole JSONata expression; its Output and Assign are checked here too. */
  private jsonataCondition(name: string, rule: Json, where: string): ConditionJson {
    this.checkTransition(name, where, rule);
    const condition: ConditionJson = { op: 'jsonata', expression: rule.Condition };
    for (const p of validateCondition(condition)) this.reject(name, `${where}.Condition: ${p}`);
    return condition;
  }

  /**
   * A JSONata Task: a Lambda function ARN takes Arguments as its input;
   * lambda:invoke takes Arguments.Payload, and `$states.result` is then
   * the integration's response (payloadResponseOnly false) unless Output
   * reads only its Payload.
   */
  private jsonataTask(name: string, state: Json, base: { id: string; source: string; comment?: string }): void {
    const resource: string = state.Resource;
    const keys = [name, resource];
    let args: unknown = state.Arguments;
    let output: unknown = state.Output;
    let payloadResponseOnly: boolean | undefined;
    if (LAMBDA_ARN.test(resource)) {
      keys.push(resource.split(':')[6]);
    } else if (LAMBDA_INVOKE.test(resource) && /^arn:aws[a-zA-Z-]*:states:::lambda:invoke$/.test(resource)) {
      const params = isJsonObject(state.Arguments) ? state.Arguments : {};
      const fnName = params.FunctionName;
      if (typeof fnName !== 'string' || fnName.startsWith('{%')) {
        this.reject(name, 'lambda:invoke needs a static Arguments.FunctionName (an expression cannot be resolved at synth)');
        return;
      }
      keys.push(fnName, fnName.split(':').length >= 7 ? fnName.split(':')[6] : fnName);
      const extra = Object.keys(params).filter((k) => !['FunctionName', 'Payload'].includes(k));
      if (extra.length > 0) this.reject(name, `lambda:invoke arguments ${extra.join(', ')} are not supported (cdk-unum invokes the function itself)`);
      if (params.Payload === undefined) this.reject(name, 'lambda:invoke without Arguments.Payload cannot be translated; pass "Payload": "{% $states.input %}"');
      args = params.Payload === '{% $states.input %}' ? undefined : params.Payload;
      // The integration's response ({ ExecutedVersion, Payload, StatusCode }) is $states.result, unless only its Payload is the output.
      if (output === '{% $states.result.Payload %}' && !JSON.stringify(state.Assign ?? {}).includes('$states.result')) {
        output = undefined;
      } else {
        payloadResponseOnly = false;
      }
    } else {
      this.reject(name, `resource ${resource} is not a Lambda function (or waits for a callback or a job): JSONata Tasks other than Lambda functions and lambda:invoke are not supported`);
      return;
    }
    this.checkJsonata(name, { arguments: args, output, assign: state.Assign });
    const dataFlow: PlanDataFlow = {
      queryLanguage: QueryLanguage.JSONATA,
      ...defined({ arguments: args, outputs: output, assign: state.Assign as Record<string, unknown> | undefined, payloadResponseOnly }),
    };
    this.states.push({
      kind: 'task',
      ...base,
      functionKeys: keys,
      dataFlow,
      ...defined({
        timeoutSeconds: state.TimeoutSeconds,
        retry: state.Retry ? this.retriers(name, state.Retry as Json[]) : undefined,
        catch: state.Catch ? (state.Catch as Json[]).map((c, i) => this.jsonataCatcher(name, c, i)) : undefined,
        next: this.next(state),
      }),
    });
  }

  /** The Output and Assign of a Choice rule or a Catcher (`where`), with their ASL names in the problems. */
  private checkTransition(name: string, where: string, t: Json): void {
    if (t.Assign !== undefined && !isJsonObject(t.Assign)) return this.reject(name, `${where}.Assign must be an object of variable names to values`);
    for (const p of jsonataFlowProblems({ output: t.Output, assign: t.Assign })) {
      this.reject(name, `${where}.${p.replace(/^outputs/, 'Output').replace(/^assign/, 'Assign')}`);
    }
  }

  /** A JSONata Catcher: its Output (default: `$states.errorOutput`, { Error, Cause }) and Assign, over $states.errorOutput and $states.input. */
  private jsonataCatcher(name: string, c: Json, i: number): PlanCatch {
    this.checkTransition(name, `Catch[${i}]`, c);
    return { errors: c.ErrorEquals, ...defined({ outputs: c.Output, assign: c.Assign }), next: this.entry(c.Next) };
  }

  private task(name: string, state: Json, base: { id: string; source: string; comment?: string }): void {
    const resource: string = state.Resource;
    const keys = [name, resource];
    const callback = /^arn:aws[a-zA-Z-]*:states:::lambda:invoke\.waitForTaskToken$/.test(resource);
    let parameters = this.template(name, 'Parameters', state.Parameters, callback);
    let inputPath = this.statePath(name, 'InputPath', state.InputPath);
    let resultSelector = this.template(name, 'ResultSelector', state.ResultSelector);
    let outputPath = this.statePath(name, 'OutputPath', state.OutputPath);
    const resultPath = this.path(name, 'ResultPath', state.ResultPath, 'reference');
    let payloadResponseOnly: boolean | undefined;
    if (LAMBDA_ARN.test(resource)) {
      keys.push(resource.split(':')[6]);
    } else if (LAMBDA_INVOKE.test(resource)) {
      if (!callback && resource !== 'arn:aws:states:::lambda:invoke' && !/^arn:aws[a-zA-Z-]*:states:::lambda:invoke$/.test(resource)) {
        this.reject(name, `resource ${resource} waits for a callback or a job (.sync/.waitForTaskToken), which an UnumFunction cannot: its result is its return value`);
        return;
      }
      const params = state.Parameters ?? {};
      const fnName = params.FunctionName;
      if (typeof fnName !== 'string') {
        this.reject(name, 'lambda:invoke needs a static Parameters.FunctionName: FunctionName.$ cannot be resolved at synth, where each function '
          + 'is created and granted its successors; name the function, or route with a Choice to one Task per function');
        return;
      }
      keys.push(fnName, fnName.split(':').length >= 7 ? fnName.split(':')[6] : fnName);
      const extra = Object.keys(params).filter((k) => !['FunctionName', 'Payload', 'Payload.$'].includes(k));
      if (extra.length > 0) this.reject(name, `lambda:invoke parameters ${extra.join(', ')} are not supported (cdk-unum invokes the function itself)`);
      parameters = undefined;
      if (typeof params['Payload.$'] === 'string') {
        const payloadPath = this.statePath(name, 'Parameters.Payload.$', params['Payload.$']);
        if (payloadPath !== undefined && payloadPath.startsWith('$$')) {
          // The payload is read from the context object, whatever InputPath selected from the input.
          inputPath = payloadPath;
        } else if (payloadPath !== undefined && payloadPath !== '$' && inputPath !== undefined && inputPath !== '$' && inputPath !== 'DISCARD'
          && !inputPath.startsWith('$$') && !parseQuery(inputPath).definite) {
          // Reading Payload.$ from the list an indefinite InputPath gives is not one path.
          this.reject(name, `InputPath '${inputPath}' is indefinite (it gives a list), so Payload.$ '${payloadPath}' cannot be folded into it; use "Payload.$": "$"`);
        } else if (payloadPath !== undefined && payloadPath !== '$') {
          inputPath = inputPath === undefined || inputPath === '$' ? payloadPath : inputPath === 'DISCARD' ? undefined : inputPath + payloadPath.slice(1);
          if (inputPath === undefined) this.reject(name, 'InputPath null with Payload.$ selects from an empty input');
        }
      } else if (params.Payload !== undefined) {
        parameters = this.template(name, 'Parameters.Payload', params.Payload, callback);
      } else {
        this.reject(name, 'lambda:invoke without Payload or Payload.$ cannot be translated; pass "Payload.$": "$"');
      }
      // The integration returns Lambda's response ({ ExecutedVersion, Payload, StatusCode }): the function's result is
      // wrapped so, unless only its Payload is read, where the plain result is the same value.
      const rewritten = resultSelector !== undefined ? rewritePayloadPaths(resultSelector) : undefined;
      if (rewritten !== undefined) {
        resultSelector = rewritten;
      } else if (resultSelector === undefined && outputPath === '$.Payload' && (resultPath === undefined || resultPath === '$')) {
        outputPath = undefined;
      } else if (resultPath !== 'DISCARD') {
        payloadResponseOnly = false;
      }
    } else if (/^arn:aws[a-zA-Z-]*:states:[a-z0-9-]+:\d{12}:activity:/.test(resource)) {
      this.reject(name, `resource ${resource} is an activity: activities are polled by workers, which cdk-unum has no place for; make the worker an UnumFunction`);
      return;
    } else if (/\.(sync|waitForTaskToken)(:2)?$/.test(resource)) {
      this.reject(name, `resource ${resource} waits for a callback or a job (.sync/.waitForTaskToken); cdk-unum tasks are Lambda functions whose result is their return value`);
      return;
    } else {
      this.reject(name, `resource ${resource} is not a Lambda function: service integrations other than lambda:invoke are not supported; call the service from an UnumFunction`);
      return;
    }
    if (state.HeartbeatSeconds !== undefined && !callback) {
      // Heartbeats come from activity workers and callback tasks (SendTaskHeartbeat with a task token); what Step Functions
      // does with one on a synchronous Lambda task is not documented, so it is refused rather than guessed.
      this.reject(name, `Task field HeartbeatSeconds cannot be translated on a task that waits for no callback: ${HEARTBEAT_WHY}`);
      return;
    }
    const dataFlow: PlanDataFlow = defined({ inputPath, parameters, resultSelector, resultPath, outputPath, payloadResponseOnly });
    this.states.push({
      kind: 'task',
      ...base,
      functionKeys: keys,
      ...defined({
        dataFlow: Object.keys(dataFlow).length > 0 ? dataFlow : undefined,
        timeoutSeconds: callback ? undefined : state.TimeoutSeconds,
        callback: callback || undefined,
        taskTimeoutSeconds: callback ? state.TimeoutSeconds : undefined,
        heartbeatSeconds: callback ? state.HeartbeatSeconds : undefined,
        retry: state.Retry ? this.retriers(name, state.Retry as Json[]) : undefined,
        catch: state.Catch ? (state.Catch as Json[]).map((c, i) => this.catcher(name, c, i)) : undefined,
        next: this.next(state),
      }),
    });
  }

  /**
   * A Task's retriers, without those that only match errors of the Lambda
   * service's Invoke call (Lambda.ServiceException, Lambda.TooManyRequestsException,
   * ...: the console adds one to every lambda:invoke): a cdk-unum function has
   * no such call to fail, and their intervals would count against its timeout.
   */
  private retriers(name: string, rules: Json[]): PlanRetry[] | undefined {
    const kept = rules.filter((r) => !(Array.isArray(r.ErrorEquals) && r.ErrorEquals.length > 0 && r.ErrorEquals.every((e: unknown) => typeof e === 'string' && LAMBDA_SERVICE_ERROR.test(e))));
    if (kept.length < rules.length) {
      this.notes.push(`state '${name}': Retry on ${rules.filter((r) => !kept.includes(r)).map((r) => r.ErrorEquals.join(', ')).join('; ')} dropped: `
        + 'these are errors of the Lambda Invoke call Step Functions makes, which cdk-unum does not make (it is the function)');
    }
    return kept.length > 0 ? kept.map((r) => this.retrier(name, r)) : undefined;
  }

  private retrier(name: string, r: Json): PlanRetry {
    if (r.IntervalSeconds !== undefined && r.IntervalSeconds < 1) this.reject(name, 'Retry IntervalSeconds must be at least 1');
    return {
      errors: r.ErrorEquals,
      ...defined({
        intervalSeconds: r.IntervalSeconds,
        maxAttempts: r.MaxAttempts,
        backoffRate: r.BackoffRate,
        maxDelaySeconds: r.MaxDelaySeconds,
        jitter: r.JitterStrategy,
      }),
    };
  }

  private catcher(name: string, c: Json, i: number): PlanCatch {
    if (c.ResultPath === null) {
      this.reject(name, `Catch[${i}] ResultPath null (drop the error) is not supported; set a ResultPath such as "$.error"`);
    }
    return { errors: c.ErrorEquals, next: this.entry(c.Next), ...defined({ resultPath: this.path(name, `Catch[${i}].ResultPath`, c.ResultPath ?? undefined, 'reference') }) };
  }

  /**
   * Parallel and Map: InputPath, ResultSelector, ResultPath and OutputPath
   * go onto the fan-out itself. A Parallel's Parameters becomes a Pass
   * before it (with the InputPath), which then also holds the raw input a
   * ResultPath would place the list into, so that combination is refused.
   * The state after a fan-out must take the list: a Choice, Parallel or Map
   * there gets an identity Pass before it.
   */
  private fanOut(name: string, state: Json, base: { id: string; comment?: string }, make: (id: string) => PlanState, jsonata = false): void {
    const inputPath = this.statePath(name, 'InputPath', state.InputPath);
    const parameters = state.Type === 'Parallel' ? this.template(name, 'Parameters', state.Parameters) : undefined;
    const resultPath = this.path(name, 'ResultPath', state.ResultPath);
    const dataFlow: PlanFanOutDataFlow = {
      ...defined({ resultSelector: this.template(name, 'ResultSelector', state.ResultSelector), resultPath, outputPath: this.statePath(name, 'OutputPath', state.OutputPath) }),
      ...(parameters === undefined ? defined({ inputPath }) : {}),
    };
    let fanOutId = base.id;
    if (parameters !== undefined) {
      if (resultPath !== undefined && resultPath !== '$') {
        this.reject(name, `Parameters together with ResultPath ${JSON.stringify(state.ResultPath)} cannot be kept: cdk-unum's Parallel has no Parameters, and the Pass that applies them would hide the raw input the ResultPath places the branch outputs into; move Parameters to the first state of each branch`);
      }
      fanOutId = this.ids.allocate(`${name}.${state.Type}`);
      this.states.push({ kind: 'pass', ...base, ...defined({ inputPath, parameters }), next: fanOutId, comment: `${name}: InputPath/Parameters` });
    }
    let next = this.next(state);
    const after = state.Next !== undefined ? this.all.get(state.Next) : undefined;
    if (after !== undefined && ['Choice', 'Parallel', 'Map'].includes(after.Type)) {
      const passId = this.ids.allocate(`${name}.Output`);
      this.states.push({ kind: 'pass', id: passId, source: name, comment: `${name}: the joined list`, ...defined({ next }) });
      next = passId;
    }
    if (parameters !== undefined && (state.Catch as Json[] | undefined)?.some((c) => (c.ResultPath ?? '$') !== '$')) {
      this.reject(name, 'Parameters together with a Catch ResultPath cannot be kept: the Pass that applies Parameters would hide the raw input the error is placed into; '
        + 'move Parameters to the first state of each branch');
    }
    const failures = defined({
      retry: state.Retry ? this.retriers(name, state.Retry as Json[]) : undefined,
      catch: state.Catch ? (state.Catch as Json[]).map((c, i) => (jsonata ? this.jsonataCatcher(name, c, i) : this.catcher(name, c, i))) : undefined,
    });
    const flow = Object.keys(dataFlow).length > 0 ? { dataFlow } : {};
    this.states.push({ ...make(fanOutId), ...flow, ...failures, ...defined({ next }) } as PlanState);
  }

  /** ToleratedFailureCount (an integer) or ToleratedFailurePercentage (0-100) of a Map. */
  private tolerance(name: string, field: string, value: unknown, max: number): number | undefined {
    if (value === undefined) return undefined;
    const whole = field === 'ToleratedFailureCount';
    if (typeof value !== 'number' || value < 0 || value > max || (whole && !Number.isInteger(value))) {
      this.reject(name, `${field} must be ${whole ? 'a non-negative integer' : 'a number from 0 to 100'} (got ${JSON.stringify(value)})`);
      return undefined;
    }
    return value;
  }

  /** An ASL Choice rule → the rule language of Condition. */
  private condition(name: string, rule: Json, where: string): ConditionJson {
    if (rule.And) return { op: 'and', conditions: (rule.And as Json[]).map((r, i) => this.condition(name, r, `${where}.And[${i}]`)) };
    if (rule.Or) return { op: 'or', conditions: (rule.Or as Json[]).map((r, i) => this.condition(name, r, `${where}.Or[${i}]`)) };
    if (rule.Not) return { op: 'not', condition: this.condition(name, rule.Not, `${where}.Not`) };
    const variable: string = rule.Variable;
    const check = (path: string, field: string) => this.statePath(name, `${where}.${field}`, path);
    check(variable, 'Variable');
    const operator = Object.keys(rule).find((k) => !['Variable', 'Next', 'Comment', 'Assign', 'Output'].includes(k));
    if (operator === undefined) {
      this.reject(name, `${where} has no comparison operator`);
      return { op: 'isPresent', path: '$', value: true };
    }
    const typeTests: Record<string, string> = {
      IsPresent: 'isPresent', IsNull: 'isNull', IsString: 'isString', IsNumeric: 'isNumeric', IsBoolean: 'isBoolean', IsTimestamp: 'isTimestamp',
    };
    if (typeTests[operator]) return { op: typeTests[operator] as any, path: variable, value: rule[operator] };
    const isPath = operator.endsWith('Path');
    const base = isPath ? operator.slice(0, -4) : operator;
    const op = base.replace(/^Numeric/, 'number').replace(/^String/, 'string').replace(/^Boolean/, 'boolean').replace(/^Timestamp/, 'timestamp');
    if (!(COMPARISON_OPERATORS as readonly string[]).includes(op)) {
      this.reject(name, `${where}: operator ${operator} is not supported`);
      return { op: 'isPresent', path: '$', value: true };
    }
    if (isPath) {
      check(rule[operator], operator);
      return { op: `${op}Path` as any, path: variable, otherPath: rule[operator] };
    }
    return { op: op as any, path: variable, value: rule[operator] };
  }
}

/** ResultSelector over a lambda:invoke response, with `$.Payload…` paths rewritten to the function's result; undefined if it reads anything else. */
function rewritePayloadPaths(template: Record<string, unknown>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$')) {
      if (typeof value !== 'string' || !(value === '$.Payload' || value.startsWith('$.Payload.') || value.startsWith('$.Payload['))) return undefined;
      out[key] = '$' + value.slice('$.Payload'.length);
    } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const inner = rewritePayloadPaths(value as Record<string, unknown>);
      if (inner === undefined) return undefined;
      out[key] = inner;
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** The object without its undefined fields. */
/** A JSONata fan-out as fanOut() reads it: its type and transition, none of the JSONPath fields. */
function jsonPathLess(state: Json): Json {
  return { Type: state.Type, ...defined({ Next: state.Next, End: state.End }) };
}

function isJsonObject(value: unknown): value is Record<string, any> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function defined<T extends object>(object: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as any;
}

export { defined };
