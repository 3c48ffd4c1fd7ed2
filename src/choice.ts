import { Construct } from 'constructs';
import { Chain } from './chain';
import { ChoiceState } from './compiler/graph';
import { Condition } from './condition';
import { jsonataTransition } from './private/jsonata';
import { assertUnbound } from './private/state-rules';
import { assertKnownAtSynth } from './private/tokens';
import { validateCondition } from './protocol/conditions';
import { JsonataTransition } from './protocol/jsonata';
import { State } from './state';
import { IChainable, INextable } from './types';

/** Properties of a Choice. */
export interface ChoiceProps {
  /**
   * What the choice decides, for readers of the code.
   * @default - none
   */
  readonly comment?: string;
  /**
   * JSONata: the Choice's output whichever way it goes (a rule's own
   * `outputs` takes precedence), a template over `$states.input`, as
   * aws-stepfunctions' ChoiceJsonataProps `outputs`.
   * @default - its input
   */
  readonly outputs?: any;
  /**
   * JSONata: workflow variables the Choice sets whichever way it goes
   * (a rule's `assign` adds its own; a name in both: the rule's), each
   * evaluated with the variables from before the Choice.
   * @default - no variables are assigned
   */
  readonly assign?: { [name: string]: any };
}

/** What a Choice rule does on the way to its next state, as aws-stepfunctions' ChoiceTransitionOptions. */
export interface ChoiceTransitionOptions {
  /**
   * What the rule decides, for readers of the code (kept with the rule, not in the runtime configuration).
   * @default - none
   */
  readonly comment?: string;
  /**
   * JSONata: the output when this rule matches, a template over
   * `$states.input` (the Choice's input).
   * @default - the Choice's `outputs`, else its input
   */
  readonly outputs?: any;
  /**
   * JSONata: workflow variables set when this rule matches, each evaluated
   * with the variables from before the Choice.
   * @default - no variables are assigned by the rule
   */
  readonly assign?: { [name: string]: any };
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
  private readonly rules: Array<{ condition: Condition; next: IChainable; comment?: string; jsonata?: JsonataTransition }> = [];
  private defaultNext?: IChainable;
  private readonly jsonata?: JsonataTransition;

  constructor(scope: Construct, id: string, props: ChoiceProps = {}) {
    super(scope, id);
    this.comment = props.comment;
    this.jsonata = jsonataTransition(`Choice '${id}':`, `Choice '${id}' (${this.node.path})`, props.outputs, props.assign);
  }

  /**
   * Continue with `next` when `condition` holds (rules are tried in order);
   * `options` shapes the output and sets variables on the way (JSONata).
   */
  public when(condition: Condition, next: IChainable, options: ChoiceTransitionOptions = {}): Choice {
    assertUnbound(this, 'add a rule to');
    const rule = `rule ${this.rules.length} (when() number ${this.rules.length + 1})`;
    assertKnownAtSynth(`Choice '${this.id}' (${this.node.path}): ${rule}`, 'condition', condition._toJson());
    const problems = validateCondition(condition._toJson());
    if (problems.length > 0) throw new Error(`Choice '${this.id}': ${rule}: ${problems.join('; ')}`);
    const jsonata = jsonataTransition(`Choice '${this.id}': ${rule}:`, `Choice '${this.id}' (${this.node.path}): ${rule}`, options.outputs, options.assign);
    if ((jsonata !== undefined || this.jsonata !== undefined) && condition._toJson().op !== 'jsonata') {
      throw new Error(`Choice '${this.id}': ${rule}: outputs and assign are JSONata fields (the ${jsonata ? 'rule\'s' : 'Choice\'s'}), `
        + 'but the condition is JSONPath: use Condition.jsonata');
    }
    this.rules.push({ condition, next, comment: options.comment, ...(jsonata ? { jsonata } : {}) });
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
      choices: this.rules.map((r) => ({
        condition: r.condition._toJson(), next: r.next.startState.id, ...(r.jsonata ? { jsonata: r.jsonata } : {}),
      })),
      ...(this.defaultNext ? { otherwise: this.defaultNext.startState.id } : {}),
      ...(this.jsonata ? { jsonata: this.jsonata } : {}),
    };
  }

  /** @internal */
  public _successors(): State[] {
    return [...this.rules.map((r) => r.next.startState), ...(this.defaultNext ? [this.defaultNext.startState] : [])];
  }
}
