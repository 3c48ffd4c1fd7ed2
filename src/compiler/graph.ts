import { ConditionJson } from '../protocol/conditions';
import { CallbackConfig, RetryRule } from '../protocol/config';
import { DataFlow } from '../protocol/dataflow';
import type { JsonataTransition } from '../protocol/jsonata';
import { FailSpec, WaitSpec } from '../protocol/states';

/**
 * The workflow graph as plain data: what the constructs (or an importer)
 * hand to the compiler. No CDK types, so the compiler is tested on its own.
 */
export interface WorkflowGraph {
  readonly name: string;
  /** Id of the first state. */
  readonly start: string;
  readonly states: readonly GraphState[];
  /** Whole seconds a session may run (UnumWorkflowProps.timeout); the entry's configuration carries it. */
  readonly timeoutSeconds?: number;
}

export type GraphState =
  | TaskState
  | ChoiceState
  | ParallelState
  | MapState
  | FanInState
  | SucceedState
  | FailState
  | PassState
  | WaitState;

interface StateBase {
  readonly id: string;
  /** Shown in error messages, e.g. `UnumFunction 'Split'`. Defaults to the kind and id. */
  readonly label?: string;
}

export interface TaskState extends StateBase {
  readonly kind: 'task';
  readonly functionName: string;
  readonly next?: string;
  readonly retry?: readonly RetryRule[];
  readonly catch?: readonly GraphCatch[];
  /** InputPath/Parameters/ResultSelector/ResultPath/OutputPath around the user code. */
  readonly dataFlow?: DataFlow;
  /** The node waits for a task token (FunctionConfig.callback). */
  readonly callback?: CallbackConfig;
}

export interface GraphCatch {
  readonly errors: readonly string[];
  readonly resultPath: string;
  /** A JSONata catcher's Output and Assign (CatchRule.jsonata), a Task's, a Parallel's or a Map's. */
  readonly jsonata?: JsonataTransition;
  readonly next: string;
}

export interface ChoiceState extends StateBase {
  readonly kind: 'choice';
  /** `jsonata`: the rule's Output and Assign (ChoiceAction). */
  readonly choices: ReadonlyArray<{ readonly condition: ConditionJson; readonly next: string; readonly jsonata?: JsonataTransition }>;
  readonly otherwise?: string;
  /** The Choice's own JSONata Output and Assign, whichever way it goes. */
  readonly jsonata?: JsonataTransition;
}

export interface ParallelState extends StateBase {
  readonly kind: 'parallel';
  /** First state of each branch. */
  readonly branches: readonly string[];
  readonly next?: string;
  /** InputPath (on the fan-out), ResultSelector/ResultPath/OutputPath (on the joined list); no Parameters. */
  readonly dataFlow?: DataFlow;
  /** Run every branch again when one fails for good (see ParallelAction). */
  readonly retry?: readonly RetryRule[];
  /** Where a branch's failure goes once retries are exhausted; handlers run in the Parallel's own scope. */
  readonly catch?: readonly GraphCatch[];
}

export interface MapState extends StateBase {
  readonly kind: 'map';
  /** First state of the item processor. */
  readonly iterator?: string;
  readonly itemsPath?: string;
  /** JSONata's Items (MapProps.items): evaluated on the Map's input instead of itemsPath. */
  readonly items?: unknown;
  readonly width?: number;
  readonly maxConcurrency?: number;
  /** Template of each item's input (Step Functions' ItemSelector). */
  readonly itemSelector?: unknown;
  readonly next?: string;
  /** InputPath (before itemsPath), ResultSelector/ResultPath/OutputPath (on the joined list); no Parameters. */
  readonly dataFlow?: DataFlow;
  readonly retry?: readonly RetryRule[];
  readonly catch?: readonly GraphCatch[];
  /** Step Functions' ToleratedFailureCount / ToleratedFailurePercentage. */
  readonly toleratedFailureCount?: number;
  readonly toleratedFailurePercentage?: number;
}

export interface FanInState extends StateBase {
  readonly kind: 'fanIn';
  readonly next?: string;
  /** A window join across neighbouring items of the enclosing Map (see WindowJoinAction). */
  readonly itemOffsets?: readonly number[];
  /**
   * A join over these states (a DAG join, see DagJoinAction), in slot order:
   * each continues into this FanIn with its `next`.
   */
  readonly predecessors?: readonly string[];
}

/** A FanIn over an explicit set of predecessors. */
export function isDagJoin(state: GraphState | undefined): state is FanInState & { readonly predecessors: readonly string[] } {
  return state?.kind === 'fanIn' && state.predecessors !== undefined;
}

export interface SucceedState extends StateBase {
  readonly kind: 'succeed';
  /** JSONata: the Output that becomes the path's value (workflow result, or the branch's or item's output). */
  readonly dataFlow?: DataFlow;
}

/** Ends the session FAILED with a fixed error and cause, or ones read from its input (ErrorPath/CausePath). */
export interface FailState extends StateBase, FailSpec {
  readonly kind: 'fail';
}

/** Transforms the value without a function (Step Functions' Pass); `dataFlow.result` is its static result. */
export interface PassState extends StateBase {
  readonly kind: 'pass';
  readonly dataFlow: DataFlow;
  readonly next?: string;
}

/** Waits before continuing (Step Functions' Wait): exactly one of seconds, secondsPath, timestamp, timestampPath. */
export interface WaitState extends StateBase, WaitSpec {
  readonly kind: 'wait';
  readonly next?: string;
  /** JSONata: Output and Assign, evaluated when the wait is over, like a Pass's. */
  readonly dataFlow?: DataFlow;
}

export const KIND_LABEL: Record<GraphState['kind'], string> = {
  task: 'UnumFunction',
  choice: 'Choice',
  parallel: 'Parallel',
  map: 'Map',
  fanIn: 'FanIn',
  succeed: 'Succeed',
  fail: 'Fail',
  pass: 'Pass',
  wait: 'Wait',
};

export function describe(state: GraphState): string {
  return state.label ?? `${KIND_LABEL[state.kind]} '${state.id}'`;
}

/** Outgoing edges of a state, with the role of each (for messages and scope rules). */
export function edgesOf(state: GraphState): Array<{ to: string; role: 'next' | 'choice' | 'branch' | 'iterator' | 'catch' }> {
  switch (state.kind) {
    case 'task': return [
      ...(state.next ? [{ to: state.next, role: 'next' as const }] : []),
      ...(state.catch ?? []).map((c) => ({ to: c.next, role: 'catch' as const })),
    ];
    case 'choice': return [
      ...state.choices.map((c) => ({ to: c.next, role: 'choice' as const })),
      ...(state.otherwise ? [{ to: state.otherwise, role: 'choice' as const }] : []),
    ];
    case 'parallel': return [
      ...state.branches.map((b) => ({ to: b, role: 'branch' as const })),
      ...(state.next ? [{ to: state.next, role: 'next' as const }] : []),
      ...(state.catch ?? []).map((c) => ({ to: c.next, role: 'catch' as const })),
    ];
    case 'map': return [
      ...(state.iterator ? [{ to: state.iterator, role: 'iterator' as const }] : []),
      ...(state.next ? [{ to: state.next, role: 'next' as const }] : []),
      ...(state.catch ?? []).map((c) => ({ to: c.next, role: 'catch' as const })),
    ];
    case 'fanIn': return state.next ? [{ to: state.next, role: 'next' }] : [];
    case 'pass':
    case 'wait':
      return state.next ? [{ to: state.next, role: 'next' }] : [];
    case 'succeed':
    case 'fail':
      return [];
  }
}
