import { GraphState, WorkflowGraph } from '../../src/compiler/graph';
import { ConditionJson } from '../../src/protocol/conditions';

/** Builders for plain workflow graphs: the compiler is tested without CDK. */
export const task = (id: string, next?: string, extra: Partial<GraphState> = {}): GraphState =>
  ({ kind: 'task', id, functionName: `fn-${id}`, ...(next ? { next } : {}), ...extra } as GraphState);
export const choice = (id: string, choices: Array<[ConditionJson, string]>, otherwise?: string): GraphState =>
  ({ kind: 'choice', id, choices: choices.map(([condition, next]) => ({ condition, next })), ...(otherwise ? { otherwise } : {}) });
export const parallel = (id: string, branches: string[], next?: string): GraphState =>
  ({ kind: 'parallel', id, branches, ...(next ? { next } : {}) });
export const map = (id: string, iterator: string, next?: string, extra: object = {}): GraphState =>
  ({ kind: 'map', id, iterator, itemsPath: '$', ...(next ? { next } : {}), ...extra } as GraphState);
export const fanIn = (id: string, next?: string): GraphState => ({ kind: 'fanIn', id, ...(next ? { next } : {}) });
export const succeed = (id: string): GraphState => ({ kind: 'succeed', id });
export const fail = (id: string, error: string): GraphState => ({ kind: 'fail', id, error });

export function graph(start: string, ...states: GraphState[]): WorkflowGraph {
  return { name: 'wf', start, states };
}

export const invoke = (node: string, loop?: boolean) => ({ kind: 'invoke', node, functionName: `fn-${node}`, ...(loop ? { loop } : {}) });
