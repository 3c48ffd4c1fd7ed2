import { toDataFlow } from '../data-flow';
import { DataFlow } from '../protocol/dataflow';
import { QueryLanguage } from '../query-language';

/** The data-flow props a Parallel or a Map takes (JSONPath's, or JSONata's outputs and assign, and a Parallel's arguments). */
export interface FanOutDataFlowProps {
  readonly queryLanguage?: QueryLanguage;
  readonly inputPath?: string;
  readonly resultSelector?: { [key: string]: any };
  readonly resultPath?: string;
  readonly outputPath?: string;
  readonly arguments?: any;
  readonly outputs?: any;
  readonly assign?: { [name: string]: any };
}

/**
 * A Parallel's or Map's data flow: JSONPath's fields, or JSONata's Output and Assign, which run at the join
 * (`$states.result` the joined list); each expression is parsed here and a problem names the state and the field.
 */
export function fanOutDataFlow(where: string, props: FanOutDataFlowProps): DataFlow | undefined {
  const { queryLanguage, inputPath, resultSelector, resultPath, outputPath, outputs, assign } = props;
  const flow = toDataFlow(where, { queryLanguage, inputPath, resultSelector, resultPath, outputPath, arguments: props.arguments, outputs, assign });
  // A JSONata fan-out without Output or Assign shapes nothing: its state stays as one without a data flow.
  if (flow !== undefined && Object.keys(flow).length === 1 && flow.queryLanguage !== undefined) return undefined;
  return flow;
}
