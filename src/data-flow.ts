import { assertKnownAtSynth } from './private/tokens';
import { DataFlow, validateDataFlow } from './protocol/dataflow';

/** Special values of the data-flow paths. */
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
 * ResultPath → OutputPath. Paths are JSONPaths such as `$.field`; in
 * `parameters` and `resultSelector` a key ending in `.$` takes the value at a
 * path; paths starting with `$$` read the context object (README, Step
 * Functions section). A path that does not
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

/** The protocol form of data-flow props; throws naming the state when a path or template is not supported. @internal */
export function toDataFlow(where: string, props: DataFlowProps & { readonly result?: unknown }): DataFlow | undefined {
  for (const field of ['inputPath', 'parameters', 'result', 'resultSelector', 'resultPath', 'outputPath'] as const) {
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
  };
  const problems = validateDataFlow(flow);
  if (problems.length > 0) throw new Error(`${where}: ${problems.join('; ')}`);
  return Object.keys(flow).length > 0 ? flow : undefined;
}
