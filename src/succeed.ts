import { Construct } from 'constructs';
import { SucceedState } from './compiler/graph';
import { State } from './state';
import { INextable } from './types';

/**
 * Ends the path successfully: the value becomes the workflow result, or,
 * inside a Parallel branch or Map item, that branch's output.
 */
export class Succeed extends State {
  public readonly endStates: INextable[] = [];

  constructor(scope: Construct, id: string) {
    super(scope, id);
  }

  /** @internal */
  public _toGraphState(): SucceedState {
    return { kind: 'succeed', id: this.id };
  }

  /** @internal */
  public _successors(): State[] {
    return [];
  }
}
