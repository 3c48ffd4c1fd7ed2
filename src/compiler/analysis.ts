import { describe, edgesOf, GraphState, isDagJoin, WorkflowGraph } from './graph';

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
 * so that is an error (it also catches loops that leave a fan-out). A DAG
 * join runs in the common scope of its predecessors, so it is placed once
 * they all are.
 */
function assignScopes(graph: WorkflowGraph, byId: ReadonlyMap<string, GraphState>, problems: string[]): Map<string, Scope> {
  const scopes = new Map<string, Scope>([[graph.start, []]]);
  const reachedFrom = new Map<string, string>();
  const dagArrivals = new Map<string, Scope[]>();
  const queue = [graph.start];
  const place = (id: string, scope: Scope, from: GraphState) => {
    const known = scopes.get(id);
    if (!known) {
      scopes.set(id, scope);
      reachedFrom.set(id, from.id);
      queue.push(id);
    } else if (!sameScope(known, scope)) {
      const to = byId.get(id)!;
      const other = byId.get(reachedFrom.get(id) ?? graph.start)!;
      problems.push(`${describe(to)} is reached from ${describe(from)} in ${scopeLabel(scope, byId)} `
        + `and from ${describe(other)} in ${scopeLabel(known, byId)}: a state runs in one scope only. `
        + 'Use a separate state for each branch, close the fan-out with a FanIn before continuing, and keep loops inside one branch.');
    }
  };
  const drain = () => {
    while (queue.length > 0) {
      const state = byId.get(queue.shift()!)!;
      const scope = scopes.get(state.id)!;
      edgesOf(state).forEach((edge, i) => {
        if (isDagJoin(byId.get(edge.to))) {
          // Who may arrive, and from where, is checked with the join's other rules.
          if (!scopes.has(edge.to)) dagArrivals.set(edge.to, [...(dagArrivals.get(edge.to) ?? []), scope]);
          return;
        }
        let target: Scope = scope;
        if (edge.role === 'branch') target = [...scope, { fanout: state.id, branch: i }];
        if (edge.role === 'iterator') target = [...scope, { fanout: state.id, branch: -1 }];
        place(edge.to, target, state);
      });
    }
  };
  drain();
  // Place DAG joins whose predecessors are all placed first, so each gets the scope common to all of them.
  while (dagArrivals.size > 0) {
    const ready = [...dagArrivals.keys()].find((id) => {
      const join = byId.get(id);
      return isDagJoin(join) && join.predecessors.every((p) => scopes.has(p) || !byId.has(p));
    }) ?? dagArrivals.keys().next().value!;
    const join = byId.get(ready) as { predecessors: readonly string[] };
    const listed = join.predecessors.filter((p) => scopes.has(p)).map((p) => scopes.get(p)!);
    const arrivals = listed.length > 0 ? listed : dagArrivals.get(ready)!;
    dagArrivals.delete(ready);
    scopes.set(ready, commonPrefix(arrivals));
    queue.push(ready);
    drain();
  }
  return scopes;
}

function commonPrefix(scopes: readonly Scope[]): Scope {
  let length = Math.min(...scopes.map((s) => s.length));
  while (length > 0 && !scopes.every((s) => sameScope(s.slice(0, length), scopes[0].slice(0, length)))) length--;
  return scopes[0].slice(0, length);
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
