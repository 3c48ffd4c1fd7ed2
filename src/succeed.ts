import { Construct } from 'constructs';
import { SucceedState } from './compiler/graph';
import { toDataFlow } from './data-flow';
import { DataFlow } from './protocol/dataflow';
import { QueryLanguage } from './query-language';
import { State } from './state';
import { INextable } from './types';

/** Properties of a Succeed. */
export interface SucceedProps {
  /**
   * What the end means, for readers of the code.
   * @default - none
   */
  readonly comment?: string;
  /**
   * JSONata: the value the path ends with (the workflow result, or the
   * branch's or item's output), whose `{% %}` strings read `$states.input`,
   * `$states.context` and the variables.
   * @default - the input
   */
  readonly outputs?: any;
}

/**
 * Ends the path successfully: the value becomes the workflow result, or,
 * inside a Parallel branch or Map item, that branch's output.
 */
export class Succeed extends State {
  /** What the end means, for readers of the code. */
  public readonly comment?: string;
  public readonly endStates: INextable[] = [];
  private readonly flow?: DataFlow;

  constructor(scope: Construct, id: string, props: SucceedProps = {}) {
    super(scope, id);
    this.comment = props.comment;
    if (props.outputs !== undefined) {
      this.flow = toDataFlow(`Succeed '${id}' (${this.node.path})`, { queryLanguage: QueryLanguage.JSONATA, outputs: props.outputs });
    }
  }

  /** @internal */
  public _toGraphState(): SucceedState {
    return { kind: 'succeed', id: this.id, ...(this.flow ? { dataFlow: this.flow } : {}) };
  }

  /** @internal */
  public _successors(): State[] {
    return [];
  }
}
