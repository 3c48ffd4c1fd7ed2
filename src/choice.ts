import { Construct } from 'constructs';
import { Chain } from './chain';
import { ChoiceState } from './compiler/graph';
import { Condition } from './condition';
import { assertUnbound } from './private/state-rules';
import { assertKnownAtSynth } from './private/tokens';
import { validateCondition } from './protocol/conditions';
import { State } from './state';
import { IChainable, INextable } from './types';

/** Properties of a Choice. */
export interface ChoiceProps {
  /**
   * What the choice decides, for readers of the code.
   * @default - none
   */
  readonly comment?: string;
}

/**
 * Continue on the first branch whose condition holds on the previous
 * function's output, else on `otherwise`. Evaluated by that function's
 * runtime: a Choice costs no invocation. With no `otherwise` and no match the
 * session fails with `States.NoChoiceMatched`.
 */
export class Choice extends State {
  /** What this state does, for readers of the code. */
  public readonly comment?: string;
  public readonly endStates: INextable[] = [];
  private readonly rules: Array<{ condition: Condition; next: IChainable }> = [];
  private defaultNext?: IChainable;

  constructor(scope: Construct, id: string, props: ChoiceProps = {}) {
    super(scope, id);
    this.comment = props.comment;
  }

  /** Continue with `next` when `condition` holds (rules are tried in order). */
  public when(condition: Condition, next: IChainable): Choice {
    assertUnbound(this, 'add a rule to');
    const rule = `rule ${this.rules.length} (when() number ${this.rules.length + 1})`;
    assertKnownAtSynth(`Choice '${this.id}' (${this.node.path}): ${rule}`, 'condition', condition._toJson());
    const problems = validateCondition(condition._toJson());
    if (problems.length > 0) throw new Error(`Choice '${this.id}': ${rule}: ${problems.join('; ')}`);
    this.rules.push({ condition, next });
    return this;
  }

  /** Continue with `next` when no rule holds. */
  public otherwise(next: IChainable): Choice {
    assertUnbound(this, 'set the default of');
    if (this.defaultNext) {
      throw new Error(`Choice '${this.id}' already has otherwise('${this.defaultNext.id}')`);
    }
    this.defaultNext = next;
    return this;
  }

  /** A chain whose ends are the ends of every branch, to continue after the choice. */
  public afterwards(): Chain {
    const ends = [...this.rules.map((r) => r.next), ...(this.defaultNext ? [this.defaultNext] : [])]
      .flatMap((branch) => branch.endStates);
    if (ends.length === 0) {
      throw new Error(`Choice '${this.id}': no branch can be continued (add when()/otherwise() branches that do not end in Succeed or Fail)`);
    }
    return Chain.custom(this, ends, this);
  }

  /** @internal */
  public _toGraphState(): ChoiceState {
    return {
      kind: 'choice',
      id: this.id,
      choices: this.rules.map((r) => ({ condition: r.condition._toJson(), next: r.next.startState.id })),
      ...(this.defaultNext ? { otherwise: this.defaultNext.startState.id } : {}),
    };
  }

  /** @internal */
  public _successors(): State[] {
    return [...this.rules.map((r) => r.next.startState), ...(this.defaultNext ? [this.defaultNext.startState] : [])];
  }
}
