import { Construct } from 'constructs';
import { Chain } from './chain';
import { PassState } from './compiler/graph';
import { DataFlowProps, JsonataDataFlowProps, toDataFlow } from './data-flow';
import { DataFlow } from './protocol/dataflow';
import { QueryLanguage } from './query-language';
import { State } from './state';
import { IChainable, INextable } from './types';

/** Properties of a Pass. */
export interface PassProps {
  /**
   * Selects the part of the input to pass on.
   * @default '$'
   */
  readonly inputPath?: string;
  /**
   * Template of the value (keys ending in `.$` take the value at a path).
   * @default - the input selected by `inputPath`
   */
  readonly parameters?: { [key: string]: any };
  /**
   * A static result instead of the (selected) input.
   * @default - the input after `inputPath` and `parameters`
   */
  readonly result?: any;
  /**
   * Where the result goes in the input; `JsonPathValue.DISCARD` keeps the input.
   * @default '$' - the result replaces the input
   */
  readonly resultPath?: string;
  /**
   * Selects the part of the combined value that becomes the output.
   * @default '$'
   */
  readonly outputPath?: string;
  /**
   * What the Pass does, for readers of the code.
   * @default - none
   */
  readonly comment?: string;
  /**
   * The query language: JSONata needs `outputs` or `assign` instead of the JSONPath fields.
   * @default - JSONata when `outputs` or `assign` is set, else JSONPath
   */
  readonly queryLanguage?: QueryLanguage;
  /**
   * JSONata: the Pass's output, whose `{% %}` strings read `$states.input` and the variables.
   * @default - the input
   */
  readonly outputs?: any;
  /**
   * JSONata: workflow variables to set, by name (see `JsonataDataFlowProps.assign`).
   * @default - no variables are assigned
   */
  readonly assign?: { [name: string]: any };
}

/**
 * Transforms the value on its way (Step Functions' Pass) without running a
 * Lambda: the function before it applies the transformation in its egress
 * and continues. Semantics of InputPath/Parameters/Result/ResultPath/
 * OutputPath are Step Functions' exactly.
 */
export class Pass extends State implements INextable {
  /** What this state does, for readers of the code. */
  public readonly comment?: string;
  public readonly endStates: INextable[];
  private readonly flow: DataFlow;

  constructor(scope: Construct, id: string, props: PassProps = {}) {
    super(scope, id);
    this.comment = props.comment;
    this.endStates = [this];
    const flowProps: DataFlowProps & JsonataDataFlowProps & { result?: unknown } = props;
    this.flow = toDataFlow(`Pass '${id}'`, flowProps) ?? {};
  }

  /** Continue with `next` after this state. */
  public next(next: IChainable): Chain {
    return this._continueWith(next);
  }

  /** @internal */
  public _toGraphState(): PassState {
    return { kind: 'pass', id: this.id, dataFlow: this.flow, ...(this._nextState ? { next: this._nextState.id } : {}) };
  }

  /** @internal */
  public _successors(): State[] {
    return this._nextState ? [this._nextState] : [];
  }
}
