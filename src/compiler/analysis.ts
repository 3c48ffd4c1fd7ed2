import { describe, edgesOf, GraphState, WorkflowGraph } from './graph';

/** One level of fan-out around a state: the Parallel branch or Map items it runs in. */
export interface ScopeEntry {
  readonly fanout: string;
  /** Branch index for a Parallel; -1 for a Map's items. */
  readonly branch: number;
}

export type Scope = readonly ScopeEntry[];

/** Facts about a graph that both validation and compilation need. */
export interface GraphAnalysis {
  readonly byId: ReadonlyMap<string, GraphState>;
  /** Reachable states only, keyed by id. */
  readonly scopes: ReadonlyMap<string, Scope>;
  /** `from->to` for DFS back-edges (each cycle has at least one). */
  readonly backEdges: ReadonlySet<string>;
  /** Strongly connected components that form cycles. */
  readonly cycles: ReadonlyArray<readonly string[]>;
  /** Problems found while walking the graph. */
  readonly problems: readonly string[];
}

export function edgeKey(from: string, to: string): string {
  return `${from}->${to}`;
}

export function scopeLabel(scope: Scope, byId: ReadonlyMap<string, GraphState>): string {
  if (scope.length === 0) return 'the top level';
  const inner = scope[scope.length - 1];
  const state = byId.get(inner.fanout)!;
  return inner.branch >= 0 ? `branch ${inner.branch} of ${describe(state)}` : `the items of ${describe(state)}`;
}

export function analyze(graph: WorkflowGraph, byId: ReadonlyMap<string, GraphState>): GraphAnalysis {
  const problems: string[] = [];
  const scopes = assignScopes(graph, byId, problems);
  const { backEdges, cycles } = findCycles(graph.start, byId, scopes);
  return { byId, scopes, backEdges, cycles, problems };
}

/**
 * Walks from the start and gives every state the stack of fan-outs it runs
 * in. A state reached in two scopes would run in both with one instance key,
 * so that is an error (it also catches loops that leave a fan-out).
 */
function assignScopes(graph: WorkflowGraph, byId: ReadonlyMap<string, GraphState>, problems: string[]): Map<string, Scope> {
  const scopes = new Map<string, Scope>([[graph.start, []]]);
  const reachedFrom = new Map<string, string>();
  const queue = [graph.start];
  while (queue.length > 0) {
    const state = byId.get(queue.shift()!)!;
    const scope = scopes.get(state.id)!;
    edgesOf(state).forEach((edge, i) => {
      let target: Scope = scope;
      if (edge.role === 'branch') target = [...scope, { fanout: state.id, branch: i }];
      if (edge.role === 'iterator') target = [...scope, { fanout: state.id, branch: -1 }];
      const known = scopes.get(edge.to);
      if (!known) {
        scopes.set(edge.to, target);
        reachedFrom.set(edge.to, state.id);
        queue.push(edge.to);
      } else if (!sameScope(known, target)) {
        const to = byId.get(edge.to)!;
        const other = byId.get(reachedFrom.get(edge.to) ?? graph.start)!;
        problems.push(`${describe(to)} is reached from ${describe(state)} in ${scopeLabel(target, byId)} `
          + `and from ${describe(other)} in ${scopeLabel(known, byId)}: a state runs in one scope only. `
          + 'Use a separate state for each branch, close the fan-out with a FanIn before continuing, and keep loops inside one branch.');
      }
    });
  }
  return scopes;
}

function sameScope(a: Scope, b: Scope): boolean {
  return a.length === b.length && a.every((e, i) => e.fanout === b[i].fanout && e.branch === b[i].branch);
}

/** Depth-first back-edges, and Tarjan's strongly connected components for the loop rules. */
function findCycles(start: string, byId: ReadonlyMap<string, GraphState>, reachable: ReadonlyMap<string, Scope>) {
  const backEdges = new Set<string>();
  const cycles: string[][] = [];
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  let counter = 0;

  // Iterative to survive graphs of thousands of states.
  const visit = (root: string) => {
    const work: Array<{ id: string; edge: number }> = [{ id: root, edge: 0 }];
    index.set(root, counter); low.set(root, counter++); stack.push(root); onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const edges = edgesOf(byId.get(frame.id)!).filter((e) => reachable.has(e.to));
      if (frame.edge < edges.length) {
        const to = edges[frame.edge++].to;
        if (!index.has(to)) {
          index.set(to, counter); low.set(to, counter++); stack.push(to); onStack.add(to);
          work.push({ id: to, edge: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.id, Math.min(low.get(frame.id)!, index.get(to)!));
          if (work.some((w) => w.id === to)) backEdges.add(edgeKey(frame.id, to));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].id;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.id)!));
      }
      if (low.get(frame.id) === index.get(frame.id)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.id);
        const selfLoop = edgesOf(byId.get(frame.id)!).some((e) => e.to === frame.id);
        if (component.length > 1 || selfLoop) cycles.push(component.reverse());
      }
    }
  };
  visit(start);
  return { backEdges, cycles };
}
