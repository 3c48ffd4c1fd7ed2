import { defined } from './asl';
import { IdAllocator, Plan, PlanState, pushResultChoice } from './plan';
import { GraphState, WorkflowGraph } from '../compiler/graph';
import { validateGraph, WorkflowGraphError } from '../compiler/validate';
import { DataFlow } from '../protocol/dataflow';

/**
 * A FaaSr DAG that is not series-parallel, built with FanIns over
 * predecessors (DAG joins) instead of nested Parallel/FanIn pairs:
 *
 * - an action with several successors starts them with a Parallel that has
 *   no join of its own (its branches continue into the joins they reach);
 * - an action with several predecessors is a FanIn over them, then the
 *   action; its input lists their outputs in ActionList order, null for a
 *   predecessor that did not run (a True/False side not taken);
 * - where a path must arrive at a join from a Choice side, a Parallel branch
 *   or after ranked copies, a Pass (no data flow) carries the value on and is
 *   the predecessor;
 * - several last actions (and True/False sides with nothing after them) are
 *   joined by one FanIn, `workflow-end`, whose list is the session result.
 *
 * The compiler's own rules then check the plan (every decision combination:
 * no join waits forever, nothing runs twice), so what cannot run as FaaSr
 * runs it is reported at import, not at synth.
 */

export interface FaasrEdge {
  readonly to: string;
  readonly rank?: number;
  readonly condition?: boolean;
}

export interface FaasrDag {
  /** Action names in ActionList order. */
  readonly order: readonly string[];
  readonly edges: ReadonlyMap<string, readonly FaasrEdge[]>;
  /** Incoming edges of each action, in ActionList order of their sources. */
  readonly preds: ReadonlyMap<string, ReadonlyArray<{ readonly from: string; readonly edge: FaasrEdge }>>;
  /** The task of an action. */
  task(name: string, next?: string, comment?: string): PlanState;
}

/** Name of the FanIn over the last actions, when there are several. */
export const WORKFLOW_END = 'workflow-end';

export function buildDagPlan(dag: FaasrDag, ids: IdAllocator): { states: PlanState[]; notes: string[] } {
  return new DagBuilder(dag, ids).build();
}

class DagBuilder {
  private readonly states: PlanState[] = [];
  private readonly notes: string[] = [];
  /** Action → its FanIn over predecessors (actions with several predecessors). */
  private readonly joinOf = new Map<string, string>();
  /** Edge → the state that arrives at the join of its target (the join's predecessor for it). */
  private readonly arrivals = new Map<FaasrEdge, string>();
  private readonly finalJoin: string | undefined;
  /** Predecessors of the final join, with the ActionList index of the action each ends. */
  private readonly ends: Array<{ readonly index: number; readonly state: string; readonly what: string }> = [];
  private readonly position: ReadonlyMap<string, number>;

  constructor(private readonly dag: FaasrDag, private readonly ids: IdAllocator) {
    this.position = new Map(dag.order.map((n, i) => [n, i]));
    for (const name of dag.order) {
      if ((dag.preds.get(name) ?? []).length > 1) this.joinOf.set(name, ids.allocate(`${name}-join`));
    }
    this.finalJoin = this.countEnds() > 1 ? ids.allocate(WORKFLOW_END) : undefined;
  }

  build(): { states: PlanState[]; notes: string[] } {
    const { dag } = this;
    const ranked = new Set([...dag.edges.values()].flat().filter((e) => e.rank !== undefined).map((e) => e.to));
    // A join's predecessors are known once every action before it is built: filled in after the loop.
    const joins: Array<{ readonly action: string; readonly predecessors: string[] }> = [];
    for (const name of dag.order) {
      // A ranked action is built with the Map that runs its copies.
      if (ranked.has(name)) continue;
      const join = this.joinOf.get(name);
      if (join !== undefined) {
        const predecessors: string[] = [];
        joins.push({ action: name, predecessors });
        this.states.push({ kind: 'fanIn', id: join, predecessors, next: name, comment: `${name} runs once, after ${this.listed(dag.preds.get(name)!.map((p) => p.from))} (those that run)` });
      }
      // The task before what follows it (which successors() adds), so the plan lists each action before its control flow.
      const at = this.states.length;
      const next = this.successors(name, name);
      this.states.splice(at, 0, this.dag.task(name, next));
    }
    for (const { action, predecessors } of joins) predecessors.push(...dag.preds.get(action)!.map((p) => this.arrival(p.edge)));
    const ends = [...this.ends].sort((a, b) => a.index - b.index);
    if (this.finalJoin !== undefined) {
      this.states.push({ kind: 'fanIn', id: this.finalJoin, predecessors: ends.map((e) => e.state), comment: 'where the paths end: their outputs are the session result' });
    }
    this.notes.push('the DAG does not nest into Parallels that each close with their own FanIn, so its joins are FanIns over predecessors: an action with several predecessors runs once, '
      + 'after those of them that run, with the list of their outputs (ActionList order, null for one on a True/False side not taken) as its input '
      + '(unless it has Arguments); an action with several successors starts them with a Parallel that has no join of its own');
    if (this.finalJoin !== undefined) {
      this.notes.push(`the workflow ends in several places, joined by the FanIn '${this.finalJoin}': the session result lists ${ends.map((e) => e.what).join('; ')} `
        + '(null for one that did not run)');
    }
    return { states: this.states, notes: this.notes };
  }

  /** The state that arrives at the join of `edge.to` along `edge`. */
  private arrival(edge: FaasrEdge): string {
    const state = this.arrivals.get(edge);
    if (state === undefined) throw new Error(`internal: no arrival for the edge to '${edge.to}'`);
    return state;
  }

  /**
   * Where `name` continues after its function (or after its ranked copies):
   * `arriving` is the state whose `next` this is, when it may itself be a
   * join's predecessor (a task), undefined when a Pass must arrive for it (a Map).
   */
  private successors(name: string, arriving: string | undefined, copies = false): string | undefined {
    const out = this.dag.edges.get(name) ?? [];
    if (out.length === 0) return this.end(name, arriving, copies ? `the list of the copies of ${name}` : `the output of ${name}`);
    const unconditional = out.filter((e) => e.condition === undefined);
    const conditional = out.filter((e) => e.condition !== undefined);
    if (unconditional.length === 1 && conditional.length === 0) return this.target(name, name, unconditional[0], arriving, copies);
    const branches = unconditional.map((e) => this.target(name, name, e, undefined, copies));
    if (conditional.length > 0) branches.push(this.choice(name, conditional));
    if (branches.length === 1) return branches[0];
    const id = this.ids.allocate(`${name}-fanout`);
    const started = unconditional.map((e) => e.to).concat(conditional.length ? ['its True/False successors'] : []);
    this.states.push({ kind: 'parallel', id, branches, comment: `${name} invokes ${started.join(', ')} concurrently; each branch continues into the joins it reaches` });
    return id;
  }

  /** The first state along `edge` from `from` (`label` names the Pass, if one is needed). */
  private target(from: string, label: string, edge: FaasrEdge, arriving: string | undefined, copies = false): string {
    if (edge.rank !== undefined) return this.ranks(edge);
    const join = this.joinOf.get(edge.to);
    if (join === undefined) return edge.to;
    if (arriving !== undefined) {
      this.arrivals.set(edge, arriving);
      return join;
    }
    const id = this.ids.allocate(`${label}-to-${edge.to}`);
    this.states.push({ kind: 'pass', id, next: join, comment: `${from} -> ${edge.to}: passes ${copies ? `the list of ${from}'s copies` : 'the output'} on to the join` });
    this.arrivals.set(edge, id);
    return id;
  }

  /** `name(N)`: a Map running N copies; what follows the action runs once, after all copies. */
  private ranks(edge: FaasrEdge): string {
    const id = this.ids.allocate(`${edge.to}-ranks`);
    this.states.push(this.dag.task(edge.to, undefined, `rank = context.index + 1, max rank = context.size (${edge.rank})`));
    let next: string | undefined;
    if ((this.dag.edges.get(edge.to) ?? []).length > 1) {
      // A Map's list goes to a function or a Pass first: the Pass starts the successors.
      next = this.ids.allocate(`${edge.to}-copies-done`);
      const pass = next;
      const at = this.states.length;
      const after = this.successors(edge.to, pass, true);
      this.states.splice(at, 0, { kind: 'pass', id: pass, comment: `after all copies of ${edge.to}: passes their list on`, ...defined({ next: after }) });
    } else {
      next = this.successors(edge.to, undefined, true);
    }
    this.states.push({ kind: 'map', id, iterator: edge.to, width: edge.rank!, comment: `${edge.to}(${edge.rank}): ${edge.rank} ranked copies`, ...defined({ next }) });
    return id;
  }

  /** True/False successors: a Choice on the boolean result; several on one side run concurrently. */
  private choice(from: string, edges: readonly FaasrEdge[]): string {
    const side = (value: boolean): string => {
      const label = `${from}-${value ? 'true' : 'false'}`;
      const targets = edges.filter((e) => e.condition === value);
      if (targets.length === 0) {
        // Nothing on this side: the path ends here (at the final join, when there is one).
        const id = this.ids.allocate(`${label}-end`);
        this.notes.push(`${from}: InvokeNext has no ${value ? 'True' : 'False'} actions; when it returns ${value} that path ends`);
        const next = this.end(from, id, `the result of ${from} when it is ${value}`);
        this.states.push({ kind: 'pass', id, comment: `${from} returned ${value}: nothing more on this path`, ...defined({ next }) });
        return id;
      }
      if (targets.length === 1) return this.target(from, label, targets[0], undefined);
      const id = this.ids.allocate(label);
      const branches = targets.map((e) => this.target(from, label, e, undefined));
      this.states.push({ kind: 'parallel', id, branches, comment: `${from} returned ${value}: ${targets.map((e) => e.to).join(', ')} run concurrently` });
      return id;
    };
    const whenTrue = side(true);
    const whenFalse = side(false);
    return pushResultChoice(this.states, this.ids, from, whenTrue, whenFalse);
  }

  /** A path that ends after action `name`: on to the final join, if there is one (through a Pass unless `arriving` can arrive itself). */
  private end(name: string, arriving: string | undefined, what: string): string | undefined {
    if (this.finalJoin === undefined) return undefined;
    if (arriving !== undefined) {
      this.ends.push({ index: this.position.get(name)!, state: arriving, what });
      return this.finalJoin;
    }
    // After ranked copies: a Pass arrives with their list.
    const id = this.ids.allocate(`${name}-copies-done`);
    this.states.push({ kind: 'pass', id, next: this.finalJoin, comment: `after all copies of ${name}: passes their list on to the end of the workflow` });
    this.ends.push({ index: this.position.get(name)!, state: id, what });
    return id;
  }

  /** Paths that end: actions without successors, and True/False sides without actions. */
  private countEnds(): number {
    let ends = 0;
    for (const name of this.dag.order) {
      const out = this.dag.edges.get(name) ?? [];
      if (out.length === 0) ends++;
      const conditional = out.filter((e) => e.condition !== undefined);
      if (conditional.length > 0) ends += [true, false].filter((v) => !conditional.some((e) => e.condition === v)).length;
    }
    return ends;
  }

  private listed(names: readonly string[]): string {
    return names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  }
}

/**
 * Problems the compiler would report for the plan's graph (the function of
 * each task stands in by its id), so a DAG whose joins cannot run as FaaSr
 * runs it is rejected at import. Handles the states a FaaSr plan has.
 */
export function graphProblems(plan: Plan): readonly string[] {
  const states = plan.states.map((s): GraphState => {
    switch (s.kind) {
      case 'task':
        // FaaSr plans are JSONPath only: their data flow is the protocol's as it is.
        return { kind: 'task', id: s.id, functionName: s.id, ...defined({ next: s.next, dataFlow: s.dataFlow as DataFlow | undefined }) };
      case 'pass':
        return { kind: 'pass', id: s.id, dataFlow: defined({ inputPath: s.inputPath, parameters: s.parameters, result: s.result, resultPath: s.resultPath, outputPath: s.outputPath }), ...defined({ next: s.next }) };
      case 'wait':
        return { kind: 'wait', id: s.id, seconds: s.seconds, ...defined({ next: s.next }) };
      case 'choice':
        return { kind: 'choice', id: s.id, choices: s.rules.map((r) => ({ condition: r.condition, next: r.next })), ...defined({ otherwise: s.otherwise }) };
      case 'parallel':
        return { kind: 'parallel', id: s.id, branches: s.branches, ...defined({ next: s.next }) };
      case 'map':
        return { kind: 'map', id: s.id, iterator: s.iterator, ...defined({ itemsPath: s.itemsPath, width: s.width, maxConcurrency: s.maxConcurrency, next: s.next }) };
      case 'fanIn':
        return { kind: 'fanIn', id: s.id, predecessors: s.predecessors, ...defined({ next: s.next }) };
      case 'window':
        return { kind: 'fanIn', id: s.id, itemOffsets: s.itemOffsets, ...defined({ next: s.next }) };
      case 'succeed':
        return { kind: 'succeed', id: s.id };
      case 'fail':
        return { kind: 'fail', id: s.id, error: s.error ?? 'States.Fail', ...defined({ cause: s.cause }) };
    }
  });
  const graph: WorkflowGraph = { name: 'imported', start: plan.start, states };
  try {
    validateGraph(graph);
    return [];
  } catch (e) {
    if (e instanceof WorkflowGraphError) return e.problems;
    throw e;
  }
}
