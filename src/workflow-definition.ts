import { Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { UnumFunction } from './function';
import { translateStatesLanguage } from './importers/asl';
import { buildPlan } from './importers/build';
import { translateFaasr } from './importers/faasr';
import { Plan } from './importers/plan';
import { State } from './state';
import { IChainable, INextable } from './types';

/** Properties of a workflow imported from Amazon States Language. */
export interface StatesLanguageDefinitionProps {
  /**
   * The function of each Task state, keyed by the state's name, its
   * `Resource` ARN, or the Lambda function name in the ARN (or in
   * `Parameters.FunctionName` of `arn:aws:states:::lambda:invoke`). Each
   * state needs its own function. The import adds the state's Retry, Catch
   * and InputPath/Parameters/ResultSelector/ResultPath/OutputPath to it.
   */
  readonly functions: { [key: string]: UnumFunction };
  /**
   * No effect: a Map's MaxConcurrency is now always imported as the Map's
   * `maxConcurrency`, which bounds the items running at once. Accepted so
   * that existing code keeps compiling.
   * @default false
   * @deprecated MaxConcurrency is honoured; remove this option.
   */
  readonly relaxMaxConcurrency?: boolean;
}

/** Properties of a workflow imported from a FaaSr workflow JSON. */
export interface FaasrDefinitionProps {
  /**
   * The function of each action, keyed by the action's name (or its
   * `FunctionName`). The action's `Arguments` become the function's input
   * (static `parameters`); a ranked copy finds its rank as
   * `context.index + 1` and the max rank as `context.size`.
   */
  readonly functions: { [key: string]: UnumFunction };
}

/**
 * A workflow definition imported from another workflow language, to pass as
 * `definition` of an `UnumWorkflow`. The translation keeps the semantics
 * exactly or fails, naming each state that cannot be kept and why (nothing
 * is dropped silently). The structural states (Choice, Parallel, Map, Pass,
 * Wait, Succeed, Fail) are created under this construct; Task states become
 * the UnumFunctions you supply.
 */
export class WorkflowDefinition extends Construct implements IChainable {
  /**
   * Imports an Amazon States Language definition (validated with
   * asl-validator first). Supported: Task (Lambda ARN, or
   * `arn:aws:states:::lambda:invoke` with its Payload selected), Pass,
   * Wait (Seconds), Choice (every comparison, And/Or/Not, Default),
   * Parallel, Map (Iterator or inline ItemProcessor, ItemsPath), Succeed,
   * Fail, Retry and Catch on tasks, and InputPath/Parameters/
   * ResultSelector/ResultPath/OutputPath where Step Functions' semantics can
   * be kept. The state machine's TimeoutSeconds becomes the workflow's
   * timeout (`timeout`).
   */
  public static fromStatesLanguage(scope: Construct, id: string, definition: string, props: StatesLanguageDefinitionProps): WorkflowDefinition {
    const plan = translateStatesLanguage(definition, { relaxMaxConcurrency: props.relaxMaxConcurrency });
    return new WorkflowDefinition(scope, id, plan, props.functions, 'Amazon States Language');
  }

  /**
   * Imports a FaaSr workflow JSON: `FunctionInvoke` entry, `ActionList`
   * with `InvokeNext` (plain, ranked `name(N)`, and `{True, False}`
   * conditionals). Any DAG: a series-parallel one becomes nested Parallels,
   * each closed by its FanIn; any other one uses FanIns over predecessors.
   * Compute servers and data stores are reported in `notes` as not applicable.
   */
  public static fromFaasr(scope: Construct, id: string, json: string, props: FaasrDefinitionProps): WorkflowDefinition {
    return new WorkflowDefinition(scope, id, translateFaasr(json), props.functions, 'FaaSr');
  }

  /** Identifier of this definition (its construct id). */
  public readonly id: string;
  public readonly startState: State;
  public readonly endStates: INextable[] = [];
  /** The suggested workflow name (from the definition, e.g. FaaSr's WorkflowName). */
  public readonly suggestedName: string;
  /** What the import did not carry over because cdk-unum replaces it (and with what). */
  public readonly notes: string[];
  /**
   * How long a session may run: the state machine's TimeoutSeconds. An
   * UnumWorkflow whose `definition` is this definition takes it as its
   * `timeout`; one that chains this definition with other states does not,
   * so pass `timeout: definition.timeout` there.
   * @default - no timeout (the definition sets none)
   */
  public readonly timeout?: Duration;

  private constructor(scope: Construct, id: string, plan: Plan, functions: { [key: string]: UnumFunction }, format: string) {
    super(scope, id);
    this.id = id;
    this.startState = buildPlan(this, plan, functions, format);
    this.suggestedName = plan.name;
    this.notes = [...plan.notes];
    this.timeout = plan.timeoutSeconds === undefined ? undefined : Duration.seconds(plan.timeoutSeconds);
  }
}
