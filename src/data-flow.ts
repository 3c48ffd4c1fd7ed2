import { renderTemplate } from './private/json-path';
import { assertKnownAtSynth } from './private/tokens';
import { DataFlow, validateDataFlow } from './protocol/dataflow';
import { QUERY_LANGUAGE_JSONATA } from './protocol/jsonata';
import { QueryLanguage } from './query-language';

/**
 * Special values of the data-flow paths.
 * @deprecated use `JsonPath.DISCARD`, which has the same value
 */
export class JsonPathValue {
  /**
   * As `resultPath`: discard the result, the output is the input (Step
   * Functions' `"ResultPath": null`). As `inputPath` or `outputPath`: the
   * empty object `{}`.
   */
  public static readonly DISCARD = 'DISCARD';

  private constructor() {}
}

/**
 * Step Functions' input and output processing, with the same names and
 * semantics: InputPath → Parameters → (the state's work) → ResultSelector →
 * ResultPath → OutputPath. Paths are JSONPaths such as `$.field`; InputPath,
 * OutputPath and template paths may be indefinite (`$.items[*].id`, `$.a[1:]`,
 * `$..x`, `$.items[?(@.price > 10)]`) and then give a list, ResultPath names
 * one node. In `parameters` and `resultSelector` an object key ending in `.$`,
 * at any depth and inside arrays, takes the value at a path, `$$` paths read
 * the context object, and `States.*` intrinsic functions are evaluated (or use
 * `JsonPath`, which renders them). A path that does not
 * match fails the session with `States.Runtime`, as in Step Functions.
 */
export interface DataFlowProps {
  /**
   * Selects the part of the input the state works on.
   * @default '$' - the whole input
   */
  readonly inputPath?: string;
  /**
   * Template of the input the state works on (applied after `inputPath`).
   * @default - the input selected by `inputPath`
   */
  readonly parameters?: { [key: string]: any };
  /**
   * Template applied to the result before `resultPath`.
   * @default - the result as it is
   */
  readonly resultSelector?: { [key: string]: any };
  /**
   * Where the result goes in the state's (unfiltered) input;
   * `JsonPathValue.DISCARD` keeps the input unchanged.
   * @default '$' - the result replaces the input
   */
  readonly resultPath?: string;
  /**
   * Selects the part of the combined value that becomes the output.
   * @default '$' - all of it
   */
  readonly outputPath?: string;
}

/**
 * Step Functions' JSONata data flow (`QueryLanguage: JSONata`), with
 * aws-stepfunctions' names: `arguments` → (the state's work) → `outputs`,
 * and `assign` for workflow variables. Any string of the form
 * `{% expression %}`, at any depth and inside arrays, is a JSONata
 * expression over `$states.input`, `$states.result` (in `outputs` and
 * `assign`), `$states.context` and the variables (`$name`); other values
 * are kept as they are. Expressions are checked with jsonata's parser at
 * synth. An expression that fails or has no value fails the state with
 * `States.QueryEvaluationError`, naming the state and the field: a
 * function's Retry and Catch apply to it as to its code's errors.
 */
export interface JsonataDataFlowProps {
  /**
   * The query language of this state: JSONata needs `arguments`, `outputs`
   * or `assign` instead of the JSONPath fields.
   * @default - JSONata when `arguments`, `outputs` or `assign` is set, else JSONPath
   */
  readonly queryLanguage?: QueryLanguage;
  /**
   * The input the state's code receives (a Pass has none).
   * @default - the state's input
   */
  readonly arguments?: any;
  /**
   * The state's output.
   * @default - the result (`$states.result`); a Pass: its input
   */
  readonly outputs?: any;
  /**
   * Workflow variables to set, by name: each value evaluated like
   * `outputs` (all with the variables from before this state), visible
   * to the states after it as `$name`.
   * @default - no variables are assigned
   */
  readonly assign?: { [name: string]: any };
}

/** A function's data flow: Step Functions' input and output processing, and the shape of its result. */
export interface FunctionDataFlowProps extends DataFlowProps, JsonataDataFlowProps {
  /**
   * The result as the function returns it (true), or wrapped as the
   * response Step Functions' `lambda:invoke` integration gives,
   * `{ ExecutedVersion, Payload, StatusCode }` (false), before
   * `resultSelector` and `resultPath`, so `$.Payload` and `$.StatusCode`
   * paths read it. `ExecutedVersion` is the version Lambda ran (`$LATEST`
   * unless invoked through an alias or version); Lambda's SDK metadata
   * (`SdkHttpMetadata`, `SdkResponseMetadata`) is not reproduced. Unlike
   * aws-cdk's `LambdaInvoke` (default false), the default keeps the plain
   * result of earlier cdk-unum workflows.
   * @default true
   */
  readonly payloadResponseOnly?: boolean;
}

/** The protocol form of data-flow props; throws naming the state when a path or template is not supported. @internal */
export function toDataFlow(where: string, given: FunctionDataFlowProps & { readonly result?: unknown }, taskToken = false): DataFlow | undefined {
  const jsonataFields = given.arguments !== undefined || given.outputs !== undefined || given.assign !== undefined;
  if (given.queryLanguage === QueryLanguage.JSONATA || (given.queryLanguage === undefined && jsonataFields)) return toJsonataFlow(where, given);
  if (jsonataFields) throw new Error(`${where}: arguments, outputs and assign are JSONata fields, but queryLanguage is JSONPath`);
  // JsonPath.* values in templates become `key.$` entries before anything checks for deploy-time Tokens.
  const props = {
    ...given,
    ...(given.parameters !== undefined ? { parameters: renderIn(where, 'parameters', given.parameters) } : {}),
    ...(given.resultSelector !== undefined ? { resultSelector: renderIn(where, 'resultSelector', given.resultSelector) } : {}),
  };
  for (const field of ['inputPath', 'parameters', 'result', 'resultSelector', 'resultPath', 'outputPath', 'payloadResponseOnly'] as const) {
    assertKnownAtSynth(where, field, props[field]);
  }
  const path = (p: string | undefined) => (p === JsonPathValue.DISCARD ? null : p);
  const flow: DataFlow = {
    ...(props.inputPath !== undefined ? { inputPath: path(props.inputPath) } : {}),
    ...(props.parameters !== undefined ? { parameters: props.parameters } : {}),
    ...(props.result !== undefined ? { result: props.result } : {}),
    ...(props.resultSelector !== undefined ? { resultSelector: props.resultSelector } : {}),
    ...(props.resultPath !== undefined ? { resultPath: path(props.resultPath) } : {}),
    ...(props.outputPath !== undefined ? { outputPath: path(props.outputPath) } : {}),
    ...(props.payloadResponseOnly === false ? { lambdaResponse: true } : {}),
  };
  const problems = validateDataFlow(flow, taskToken);
  if (problems.length > 0) throw new Error(`${where}: ${problems.join('; ')}`);
  return Object.keys(flow).length > 0 ? flow : undefined;
}

/** A JSONata data flow: checks that no JSONPath field is set and that every expression parses. */
function toJsonataFlow(where: string, given: FunctionDataFlowProps & { readonly result?: unknown }): DataFlow {
  for (const field of ['arguments', 'outputs', 'assign', 'inputPath', 'parameters', 'result', 'resultSelector', 'resultPath', 'outputPath'] as const) {
    assertKnownAtSynth(where, field, given[field]);
  }
  if (given.result !== undefined) throw new Error(`${where}: result is a JSONPath field; a JSONata Pass sets its output with outputs`);
  const flow = {
    queryLanguage: QUERY_LANGUAGE_JSONATA,
    ...(given.inputPath !== undefined ? { inputPath: given.inputPath } : {}),
    ...(given.parameters !== undefined ? { parameters: given.parameters } : {}),
    ...(given.resultSelector !== undefined ? { resultSelector: given.resultSelector } : {}),
    ...(given.resultPath !== undefined ? { resultPath: given.resultPath } : {}),
    ...(given.outputPath !== undefined ? { outputPath: given.outputPath } : {}),
    ...(given.arguments !== undefined ? { arguments: given.arguments } : {}),
    ...(given.outputs !== undefined ? { output: given.outputs } : {}),
    ...(given.assign !== undefined ? { assign: given.assign } : {}),
    ...(given.payloadResponseOnly === false ? { lambdaResponse: true } : {}),
  } as DataFlow;
  const problems = validateDataFlow(flow);
  if (problems.length > 0) throw new Error(`${where}: ${problems.join('; ')}`);
  return flow;
}

/** A payload template with its JsonPath values rendered, or an error naming the state and field. @internal */
export function renderIn(where: string, field: string, template: { [key: string]: any }): { [key: string]: any } {
  try {
    return renderTemplate(template, field) as { [key: string]: any };
  } catch (e) {
    throw new Error(`${where}: ${(e as Error).message}`);
  }
}
