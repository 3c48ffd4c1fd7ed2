import { Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { Chain } from './chain';
import { GraphState } from './compiler/graph';
import { assertNoNext, assertUnbound } from './private/state-rules';
import { IChainable, INextable } from './types';

/**
 * Base of every workflow state. A state belongs to one workflow; once the
 * workflow is built from it, it can no longer be rewired.
 */
export abstract class State extends Construct implements IChainable {
  public readonly id: string;
  public readonly startState: State;
  public abstract readonly endStates: INextable[];
  /** The state after this one, for states that continue with `next()`. @internal */
  protected _nextState?: State;
  private boundTo?: { readonly workflow: Construct; readonly name: string };

  protected constructor(scope: Construct, id: string) {
    super(scope, id);
    if (Token.isUnresolved(id)) {
      // Printing the id would only show a ${Token[...]} placeholder: name the scope instead.
      throw new Error(`A workflow state under '${scope.node.path}' has a deploy-time id (a Token): state ids name the node in store keys `
        + 'and function names, so they must be literal strings');
    }
    this.id = id;
    this.startState = this;
  }

  /** The workflow this state was compiled into, if any. */
  public get workflowName(): string | undefined {
    return this.boundTo?.name;
  }

  /** @internal */
  public abstract _toGraphState(): GraphState;

  /** States this one leads to, for discovering the graph. @internal */
  public abstract _successors(): State[];

  /** Links `next` after this state (the body of every `next()`). @internal */
  protected _continueWith(next: IChainable): Chain {
    assertUnbound(this, 'continue');
    assertNoNext(this, this._nextState, next);
    this._nextState = next.startState;
    return Chain.custom(this, next.endStates, next);
  }

  /** @internal */
  public _bind(workflow: Construct, workflowName: string): void {
    if (this.boundTo !== undefined && this.boundTo.workflow !== workflow) {
      throw new Error(`'${this.id}' already belongs to workflow '${this.boundTo.name}' (${this.boundTo.workflow.node.path}); `
        + `a state can be in one workflow only, create another one for '${workflowName}' (${workflow.node.path})`);
    }
    this.boundTo = { workflow, name: workflowName };
  }
}
