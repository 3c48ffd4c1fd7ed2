import { GraphAnalysis, Scope, scopeLabel } from './analysis';
import { describe, edgesOf, FanInState, GraphState, isDagJoin, WorkflowGraph } from './graph';

/**
 * FanIns over an explicit set of predecessors (DAG joins). A DAG join runs
 * in the common scope of its predecessors, which may run in branches of
 * Parallels opened below it ("dissolved" Parallels: their branches continue
 * into DAG joins instead of a join of their own). The states of one scope
 * plus its dissolved branches form a region, which must be loop-free.
 *
 * A predecessor that will not run is marked skipped by the decision that
 * rules it out (dead-path elimination): a Choice rule or a function's
 * success or catch, taken, skips every predecessor that only another option
 * of the same decision leads to; a join whose predecessors were all skipped
 * skips in turn every predecessor that only it leads to. Validation then runs the region for every
 * combination of decisions, with exactly these marks, and reports any join
 * that would wait forever, any state that would run twice and any scope end
 * not reached exactly once.
 */

/** One shard item holds a DAG join, so its completing arrival sees every slot. */
export const MAX_DAG_PREDECESSORS = 64;
/** Decision combinations checked per region before giving up. */
export const MAX_DECISION_COMBINATIONS = 4096;

export interface DagJoinPlan {
  readonly join: string;
  /** Frames of the join's scope. */
  readonly depth: number;
  /** Predecessors in slot order, with the Parallel branches between the join's scope and each. */
  readonly slots: ReadonlyArray<{ readonly node: string; readonly branches: readonly number[] }>;
}

export interface SkipMark {
  readonly join: string;
  readonly slot: number;
}

/** What the compiler needs: each DAG join's layout, and which predecessors each decision skips. */
export class DagPlan {
  static readonly EMPTY = new DagPlan(new Map(), new Map(), new Map());

  constructor(private readonly joins: ReadonlyMap<string, DagJoinPlan>, private readonly marks: ReadonlyMap<string, readonly SkipMark[]>,
    private readonly dissolved: ReadonlyMap<string, string>) {}

  /** Whether a Parallel's branches continue into FanIns over predecessors instead of a join of its own. */
  isDissolved(parallel: string): boolean {
    return this.dissolved.has(parallel);
  }

  join(id: string): DagJoinPlan {
    return this.joins.get(id)!;
  }

  /** Predecessors skipped when `decision` takes `option` (Choice: rule index, otherwise last; function: 0 success, 1 + catch index). */
  skips(decision: string, option: number): readonly SkipMark[] {
    return this.marks.get(`${decision}#${option}`) ?? [];
  }

  /** Predecessors skipped when every predecessor of `join` was: the ones only it leads to. */
  skipsWhenDead(join: string): readonly SkipMark[] {
    return this.marks.get(`${join}#dead`) ?? [];
  }
}

/** Who may continue into each FanIn over predecessors, and from where (checked with the graph's other rules). */
export function checkDagJoinPlacement(graph: WorkflowGraph, analysis: GraphAnalysis): string[] {
  return graph.states.filter(isDagJoin).filter((j) => analysis.scopes.has(j.id)).flatMap((j) => placementProblems(j, graph, analysis));
}

/** Checks the DAG joins of a graph whose other rules hold, and plans their skip marks. */
export function planDagJoins(graph: WorkflowGraph, analysis: GraphAnalysis): { problems: string[]; plan: DagPlan } {
  const joins = graph.states.filter(isDagJoin).filter((j) => analysis.scopes.has(j.id));
  if (joins.length === 0) return { problems: [], plan: DagPlan.EMPTY };
  const problems: string[] = [];
  const dissolved = new Map<string, string>();
  for (const join of joins) {
    const depth = analysis.scopes.get(join.id)!.length;
    for (const p of join.predecessors) {
      analysis.scopes.get(p)!.slice(depth).forEach((entry) => dissolved.set(entry.fanout, join.id));
    }
  }
  for (const [parallel, join] of dissolved) {
    const state = analysis.byId.get(parallel)!;
    if ('next' in state && state.next !== undefined) {
      problems.push(`${describe(state)} has branches that continue into ${describe(analysis.byId.get(join)!)}, so it has no join of its own `
        + `and nothing to continue with: remove its next state ('${state.next}') and continue after the FanIn instead`);
    }
  }
  if (problems.length > 0) return { problems, plan: DagPlan.EMPTY };

  const plans = new Map<string, DagJoinPlan>();
  const marks = new Map<string, SkipMark[]>();
  const regions = new Map<string, Region>();
  for (const join of joins) {
    const scope = analysis.scopes.get(join.id)!;
    const depth = scope.length;
    plans.set(join.id, {
      join: join.id,
      depth,
      slots: join.predecessors.map((node) => ({ node, branches: analysis.scopes.get(node)!.slice(depth).map((e) => e.branch) })),
    });
    const root = stripDissolved(scope, dissolved);
    const key = scopeId(root);
    if (!regions.has(key)) regions.set(key, new Region(graph, analysis, root, dissolved));
  }
  for (const region of regions.values()) {
    const cycle = analysis.cycles.find((c) => c.some((id) => region.members.has(id)));
    if (cycle) {
      problems.push(`the loop through ${cycle.join(', ')} runs in ${region.label} with the FanIn over predecessors ${region.joins.map((j) => `'${j.id}'`).join(', ')}: `
        + 'a FanIn over predecessors cannot share its scope with a loop; move the loop into a function or into a branch of a Parallel that the FanIn does not join');
      continue;
    }
    region.planMarks(marks);
    problems.push(...region.simulate(marks));
  }
  return { problems, plan: new DagPlan(plans, marks, dissolved) };
}

function placementProblems(join: DagJoinState, graph: WorkflowGraph, analysis: GraphAnalysis): string[] {
  const { byId } = analysis;
  const where = describe(join);
  const problems: string[] = [];
  const preds = join.predecessors;
  if (preds.length === 0) problems.push(`${where} lists no predecessors: name the states it waits for`);
  if (preds.length > MAX_DAG_PREDECESSORS) {
    problems.push(`${where} has ${preds.length} predecessors, more than ${MAX_DAG_PREDECESSORS}: join many like things with a Map or a Parallel and its FanIn`);
  }
  if (new Set(preds).size !== preds.length) problems.push(`${where} lists a predecessor twice (${preds.join(', ')}): name each once`);
  if (join.itemOffsets !== undefined) problems.push(`${where} sets both predecessors and itemOffsets: a FanIn is either a join over predecessors or a window join across Map items`);
  for (const id of preds) {
    const pred = byId.get(id);
    if (pred === undefined) {
      problems.push(`${where} waits for '${id}', which is not a state of this workflow: list existing states`);
    } else if (pred.kind !== 'task' && pred.kind !== 'pass') {
      problems.push(`${where} waits for ${describe(pred)}: a predecessor must be an UnumFunction or a Pass (whose output is joined); put a function after it and list that`);
    } else if (pred.next !== join.id) {
      problems.push(`${describe(pred)} is a predecessor of ${where} but continues to ${pred.next ? `'${pred.next}'` : 'nothing'}: its next state must be the FanIn`);
    }
  }
  for (const state of graph.states) {
    for (const edge of edgesOf(state)) {
      if (edge.to !== join.id) continue;
      if (!preds.includes(state.id)) {
        problems.push(`${describe(state)} continues to ${where}, which does not list it among its predecessors (${preds.join(', ')}): list it, or continue elsewhere`);
      } else if (edge.role !== 'next') {
        problems.push(`${describe(state)} reaches ${where} through a ${edge.role} rule: a predecessor arrives through its next state only`);
      }
    }
  }
  const depth = analysis.scopes.get(join.id)?.length ?? 0;
  for (const id of preds) {
    const inner = analysis.scopes.get(id)?.slice(depth).find((e) => e.branch < 0);
    if (inner) {
      problems.push(`${where} waits for ${describe(byId.get(id)!)}, which runs once per item of ${describe(byId.get(inner.fanout)!)}: `
        + 'close the Map with its own FanIn first and list the function after it');
    }
  }
  return problems;
}

function stripDissolved(scope: Scope, dissolved: ReadonlyMap<string, string>): Scope {
  let length = scope.length;
  while (length > 0 && dissolved.has(scope[length - 1].fanout)) length--;
  return scope.slice(0, length);
}

function scopeId(scope: Scope): string {
  return scope.map((e) => `${e.fanout}:${e.branch}`).join('/');
}

type Slot = 'live' | 'dead';
type DagJoinState = FanInState & { readonly predecessors: readonly string[] };

/** One way through a region: the decisions taken so far and what has happened. */
interface Run {
  /** States to enter, and decisions still to take. */
  readonly tokens: Array<{ readonly id: string; readonly decide?: boolean }>;
  readonly visits: Map<string, number>;
  readonly slots: Map<string, Slot[]>;
  readonly ends: string[];
  readonly decisions: string[];
  failed: boolean;
}

/** A decision's options: the state each leads to (undefined: the end of the scope). */
interface Option {
  readonly to: string | undefined;
  readonly label: string;
}

class Region {
  readonly members = new Set<string>();
  readonly joins: DagJoinState[] = [];
  readonly label: string;
  private readonly entry: string;
  private readonly byId: ReadonlyMap<string, GraphState>;

  constructor(graph: WorkflowGraph, private readonly analysis: GraphAnalysis, private readonly root: Scope,
    private readonly dissolved: ReadonlyMap<string, string>) {
    this.byId = analysis.byId;
    const key = scopeId(root);
    for (const [id, scope] of analysis.scopes) {
      if (scopeId(stripDissolved(scope, dissolved)) !== key) continue;
      this.members.add(id);
      const state = this.byId.get(id);
      if (isDagJoin(state)) this.joins.push(state);
    }
    this.label = scopeLabel(root, this.byId);
    const inner = root[root.length - 1];
    const fanOut = inner && this.byId.get(inner.fanout)!;
    this.entry = !inner ? graph.start : fanOut!.kind === 'parallel' ? fanOut!.branches[inner.branch] : (fanOut as { iterator: string }).iterator;
  }

  /** Decision options of a state, or undefined when it has one way on. */
  private options(state: GraphState): Option[] | undefined {
    if (state.kind === 'choice') {
      return [
        ...state.choices.map((c, i) => ({ to: c.next, label: `${describe(state)} takes rule ${i} (to '${c.next}')` })),
        ...(state.otherwise ? [{ to: state.otherwise, label: `${describe(state)} takes otherwise (to '${state.otherwise}')` }] : []),
      ];
    }
    if (state.kind === 'task' && (state.catch ?? []).length > 0) {
      return [
        { to: state.next, label: `${describe(state)} succeeds` },
        ...state.catch!.map((c, i) => ({ to: c.next, label: `${describe(state)} fails into catch ${i} (to '${c.next}')` })),
      ];
    }
    return undefined;
  }

  /** Where a state goes when it is not a decision: several states (a dissolved Parallel), or the end of the scope. */
  private successors(state: GraphState): Array<string | undefined> {
    switch (state.kind) {
      case 'task': case 'pass': case 'wait': case 'fanIn':
        return [state.next];
      case 'parallel':
        return this.dissolved.has(state.id) ? [...state.branches] : [this.afterFanOut(state.next)];
      case 'map':
        return [this.afterFanOut(state.next)];
      case 'choice': case 'succeed': case 'fail':
        return [];
    }
  }

  /** A fan-out that keeps its own join continues after its closing FanIn. */
  private afterFanOut(next: string | undefined): string | undefined {
    const state = next === undefined ? undefined : this.byId.get(next)!;
    return state?.kind === 'fanIn' && !isDagJoin(state) ? state.next : next;
  }

  /** States reachable from the entry without going on from `without` (through its option `option`, for a decision). */
  private reach(without?: { state: string; option?: number }): Set<string> {
    const seen = new Set<string>([this.entry]);
    const queue = [this.entry];
    while (queue.length > 0) {
      const state = this.byId.get(queue.shift()!)!;
      const options = this.options(state);
      const cut = without?.state === state.id;
      const targets = options
        ? options.filter((_, i) => !(cut && without.option === i)).map((o) => o.to)
        : cut ? [] : this.successors(state);
      for (const to of targets) {
        if (to !== undefined && this.members.has(to) && !seen.has(to)) {
          seen.add(to);
          queue.push(to);
        }
      }
    }
    return seen;
  }

  /**
   * For every option of every decision: the predecessors that only its
   * other options lead to. For every DAG join: the predecessors that only
   * it leads to, skipped in turn when all of its own are.
   */
  planMarks(marks: Map<string, SkipMark[]>): void {
    const all = this.reach();
    const ifDead = new Map<string, SkipMark[]>();
    for (const id of this.members) {
      const state = this.byId.get(id)!;
      if (isDagJoin(state)) {
        const killed = this.killedWithout(all, id);
        if (killed.length > 0) ifDead.set(id, killed);
        continue;
      }
      const options = this.options(state);
      if (!options) continue;
      const killed = options.map((option, j) => this.killedWithout(all, id, j, option.to));
      options.forEach((_, i) => {
        const taken = new Map<string, SkipMark>();
        killed.forEach((list, j) => j !== i && list.forEach((m) => taken.set(`${m.join}#${m.slot}`, m)));
        if (taken.size > 0) marks.set(`${id}#${i}`, [...taken.values()]);
      });
    }
    // Only joins whose every predecessor some mark can skip can end up all skipped.
    const skippable = new Set([...marks.values()].flat().map((m) => `${m.join}#${m.slot}`));
    let grew = true;
    while (grew) {
      grew = false;
      for (const [join, killed] of ifDead) {
        if (marks.has(`${join}#dead`) || !this.dagJoin(join).predecessors.every((_, slot) => skippable.has(`${join}#${slot}`))) continue;
        marks.set(`${join}#dead`, killed);
        killed.forEach((m) => skippable.add(`${m.join}#${m.slot}`));
        grew = true;
      }
    }
  }

  /** Predecessors of live joins that no run reaches without going on from `state` (through `option`, which leads to `to`). */
  private killedWithout(all: ReadonlySet<string>, state: string, option?: number, to?: string): SkipMark[] {
    const alive = this.reach({ state, option });
    const dead = (node: string) => all.has(node) && !alive.has(node);
    const out: SkipMark[] = [];
    for (const join of this.joins) {
      if (join.id === state || dead(join.id)) continue;
      join.predecessors.forEach((p, slot) => {
        if (dead(p) || (p === state && to === join.id)) out.push({ join: join.id, slot });
      });
    }
    return out;
  }

  /** Runs the region under every combination of decisions and reports what would go wrong. */
  simulate(marks: ReadonlyMap<string, readonly SkipMark[]>): string[] {
    const problems = new Set<string>();
    let leaves = 0;
    const when = (run: Run) => (run.decisions.length > 0 ? `when ${run.decisions.join(', then ')}` : 'on every run');

    const arrive = (run: Run, join: DagJoinState, slot: number, kind: Slot) => {
      const slots = run.slots.get(join.id) ?? new Array<Slot>(join.predecessors.length);
      run.slots.set(join.id, slots);
      const before = slots[slot];
      if (before !== undefined && !(before === 'dead' && kind === 'dead')) {
        problems.add(`${describe(join)} would count its predecessor '${join.predecessors[slot]}' twice ${when(run)} `
          + '(it is reached and also ruled out by a decision): make the paths to the predecessor meet in one function before it');
      }
      slots[slot] = kind;
      const filled = slots.filter((s) => s !== undefined).length;
      if (before !== undefined || filled < join.predecessors.length) return;
      if (slots.includes('live')) enter(run, join.id);
      else for (const mark of marks.get(`${join.id}#dead`) ?? []) arrive(run, this.dagJoin(mark.join), mark.slot, 'dead');
    };
    const follow = (run: Run, from: string, to: string | undefined) => {
      const target = to === undefined ? undefined : this.byId.get(to)!;
      if (target === undefined) return end(run, from);
      if (isDagJoin(target)) return arrive(run, target, target.predecessors.indexOf(from), 'live');
      run.tokens.push({ id: target.id });
    };
    const end = (run: Run, from: string) => {
      const scope = this.analysis.scopes.get(from)!;
      if (scope.length > this.root.length) {
        const inner = scope[scope.length - 1];
        const join = this.byId.get(this.dissolved.get(inner.fanout)!)!;
        problems.add(`${describe(this.byId.get(from)!)} ends ${scopeLabel(scope, this.byId)}, whose branches continue into ${describe(join)} `
          + 'and have no join of their own: continue it into a FanIn over predecessors, or end the path with a Fail');
        return;
      }
      run.ends.push(from);
    };
    const enter = (run: Run, id: string) => {
      const count = (run.visits.get(id) ?? 0) + 1;
      run.visits.set(id, count);
      if (count > 1) {
        problems.add(`${describe(this.byId.get(id)!)} would run twice in ${this.label} ${when(run)}: it is reached on two paths that run at the same time; `
          + 'join those paths with a FanIn over predecessors first');
        return;
      }
      const state = this.byId.get(id)!;
      if (state.kind === 'fail') {
        run.failed = true;
        return;
      }
      if (state.kind === 'succeed') return end(run, id);
      if (this.options(state)) run.tokens.push({ id, decide: true });
      else this.successors(state).forEach((to) => follow(run, id, to));
    };

    const explore = (run: Run): void => {
      while (run.tokens.length > 0 && !run.failed) {
        const token = run.tokens.shift()!;
        if (!token.decide) {
          enter(run, token.id);
          continue;
        }
        // A decision: one continuation per option, each with that option's skip marks.
        this.options(this.byId.get(token.id)!)!.forEach((option, i) => {
          if (leaves > MAX_DECISION_COMBINATIONS) return;
          const child = cloneRun(run);
          child.decisions.push(option.label);
          for (const mark of marks.get(`${token.id}#${i}`) ?? []) arrive(child, this.dagJoin(mark.join), mark.slot, 'dead');
          follow(child, token.id, option.to);
          explore(child);
        });
        return;
      }
      leaves++;
      if (run.failed) return;
      let waiting = false;
      for (const join of this.joins) {
        const slots = run.slots.get(join.id);
        const missing = slots ? join.predecessors.filter((_, i) => slots[i] === undefined) : [];
        if (missing.length === 0) continue;
        waiting = true;
        problems.add(`${describe(join)} would wait forever for ${missing.map((m) => `'${m}'`).join(', ')} ${when(run)}: `
          + 'a predecessor is skipped only by a decision whose other options alone lead to it; make the paths to it meet in one function, and list that function');
      }
      if (!waiting && run.ends.length !== 1) {
        const what = run.ends.length === 0 ? 'no path reaches' : `${run.ends.length} paths reach (from ${run.ends.map((e) => `'${e}'`).join(', ')})`;
        problems.add(`${what} the end of ${this.label} ${when(run)}: exactly one must; join concurrent paths with a FanIn over predecessors `
          + 'and keep each path going until that FanIn');
      }
    };

    const start: Run = { tokens: [], visits: new Map(), slots: new Map(), ends: [], decisions: [], failed: false };
    enter(start, this.entry);
    explore(start);
    if (leaves > MAX_DECISION_COMBINATIONS) {
      problems.add(`${this.label} has more than ${MAX_DECISION_COMBINATIONS} combinations of Choice and catch outcomes around its FanIns over predecessors `
        + `(${this.joins.map((j) => `'${j.id}'`).join(', ')}), too many to check: move some decisions into functions or nested branches`);
    }
    return [...problems];
  }

  private dagJoin(id: string): DagJoinState {
    return this.byId.get(id) as DagJoinState;
  }
}

function cloneRun(run: Run): Run {
  return {
    tokens: [...run.tokens],
    visits: new Map(run.visits),
    slots: new Map([...run.slots].map(([k, v]) => [k, [...v]])),
    ends: [...run.ends],
    decisions: [...run.decisions],
    failed: run.failed,
  };
}
