import { defined } from './asl';
import { buildDagPlan, FaasrEdge, graphProblems } from './faasr-dag';
import { IdAllocator, ImportError, Plan, PlanState, pushResultChoice } from './plan';

/**
 * FaaSr workflow JSON → Plan.
 *
 * - `FunctionInvoke` is the entry; `ActionList` (or the older
 *   `FunctionList`) holds the actions with `FunctionName`, `Arguments` and
 *   `InvokeNext`.
 * - `InvokeNext` entries: `"name"` (invoke), `"name(N)"` (N ranked copies: a
 *   Map with `width: N`; the copy's rank is `context.index + 1`, the max
 *   rank `context.size`), `{ "True": [...], "False": [...] }` (a Choice on
 *   the action's boolean result).
 * - Several successors run concurrently (a Parallel); a node with several
 *   predecessors is the join that closes them and fires once. After a
 *   True/False branch only the branch taken is awaited.
 * - `Arguments` become the function's input (static Parameters), as in
 *   FaaSr, where an action gets its arguments and data travels in files.
 *
 * A series-parallel DAG (every join closes the split that opened its
 * branches) becomes nested Parallels, each closed by its own FanIn. Any
 * other DAG is built with FanIns over predecessors (faasr-dag.ts): an action
 * with several predecessors waits for exactly those of them that run.
 */

type Json = Record<string, any>;

type Edge = FaasrEdge;

export interface FaasrImportOptions {
  /** Workflow name (default: the JSON's WorkflowName, else `faasr`). */
  readonly name?: string;
}

const JOIN_HINT = ' — in FaaSr an action that none of its predecessors invokes does not run, and neither do the actions after it; '
  + 'cdk-unum marks a join\'s predecessor as skipped only when a single True/False result rules it out, '
  + 'so let one action\'s result decide between the paths into such a join';

const NOT_APPLICABLE: Record<string, string> = {
  ComputeServers: 'every action runs as an AWS Lambda function (UnumFunction) deployed by CDK; FaaSServer choices and compute-server credentials do not apply',
  DataStores: 'outputs travel between functions through the workflow\'s IntermediaryStore (DynamoDB, with S3 for large payloads); keep your S3 buckets for files and grant the functions access with CDK',
  DefaultDataStore: 'see DataStores: the IntermediaryStore carries outputs between functions',
  LoggingDataStore: 'functions log to CloudWatch Logs; sessions and failures are recorded in the IntermediaryStore (`unum status`)',
  FaaSrLog: 'functions log to CloudWatch Logs; sessions and failures are recorded in the IntermediaryStore (`unum status`)',
  ActionContainers: 'functions run on the Lambda Node.js runtime with the cdk-unum layer; containers are not used',
  FunctionGitRepo: 'function code is bundled from each UnumFunction\'s entry at synth, not fetched from GitHub',
  FunctionCRANPackage: 'dependencies are bundled with each function by esbuild',
  FunctionGitHubPackage: 'dependencies are bundled with each function by esbuild',
  PyPIPackageDownloads: 'dependencies are bundled with each function by esbuild',
  InvocationID: 'each run is a cdk-unum session with its own id',
};

export function translateFaasr(definition: string | unknown, options: FaasrImportOptions = {}): Plan {
  let json: Json;
  try {
    json = typeof definition === 'string' ? JSON.parse(definition) : definition as Json;
  } catch (e) {
    throw new ImportError('FaaSr', [`the workflow is not JSON: ${(e as Error).message}`]);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new ImportError('FaaSr', ['the workflow must be a JSON object']);
  return new FaasrTranslator(json, options).translate();
}

class FaasrTranslator {
  private readonly problems: string[] = [];
  private readonly notes: string[] = [];
  private readonly actions: Record<string, Json>;
  private readonly edges = new Map<string, Edge[]>();
  private readonly preds = new Map<string, Array<{ from: string; edge: Edge }>>();
  private readonly states: PlanState[] = [];
  private ids = new IdAllocator();
  private readonly built = new Set<string>();
  /** Set when the series-parallel build meets a join that does not close the split that opened it. */
  private notSeriesParallel = false;
  /** Post-dominators over the DAG with a virtual exit (''), memoized. */
  private readonly pdomCache = new Map<string, Set<string>>();
  /** Ends of paths that must not be continued to a join. */
  private readonly terminal = new Set<string>();

  constructor(private readonly json: Json, private readonly options: FaasrImportOptions) {
    this.actions = json.ActionList ?? json.FunctionList ?? {};
  }

  translate(): Plan {
    const json = this.json;
    for (const [field, replacement] of Object.entries(NOT_APPLICABLE)) {
      if (json[field] !== undefined) this.notes.push(`${field}: not applicable — ${replacement}`);
    }
    if (json.ActionList === undefined && json.FunctionList === undefined) {
      throw new ImportError('FaaSr', ['the workflow has no ActionList: list the actions with their InvokeNext']);
    }
    const names = Object.keys(this.actions);
    if (names.length === 0) throw new ImportError('FaaSr', ['ActionList is empty']);
    names.forEach((n) => this.ids.reserve(n));
    this.parseEdges();
    const entry = json.FunctionInvoke;
    if (typeof entry !== 'string' || !this.actions[entry]) {
      this.problems.push(`FunctionInvoke ${JSON.stringify(entry)} must name an action of ActionList (${names.join(', ')})`);
    }
    if (this.problems.length === 0) this.checkRules(entry);
    if (this.problems.length > 0) throw new ImportError('FaaSr', this.problems);

    for (const name of names) {
      const a = this.actions[name];
      if (a.FaaSServer !== undefined) this.notes.push(`${name}: FaaSServer '${a.FaaSServer}' does not apply; the action runs as an AWS Lambda function`);
      if (a.Type !== undefined && !/^(javascript|typescript|node)/i.test(String(a.Type))) {
        this.notes.push(/^python/i.test(String(a.Type))
          ? `${name}: the function is written in ${a.Type}; supply a Python UnumFunction for it (\`unum import --stub-language python\` writes Python stubs)`
          : `${name}: the function is written in ${a.Type}; cdk-unum functions run on Node.js or Python, so supply a TypeScript/JavaScript or Python UnumFunction for it`);
      }
    }
    const notesBefore = this.notes.length;
    this.build(entry, undefined);
    if (this.problems.length > 0) throw new ImportError('FaaSr', this.problems);
    const name = this.options.name ?? (typeof json.WorkflowName === 'string' && json.WorkflowName ? json.WorkflowName : 'faasr');
    if (!this.notSeriesParallel) return { name, start: entry, states: this.states, notes: this.notes };

    // Not series-parallel: start over with FanIns over predecessors.
    this.notes.length = notesBefore;
    this.ids = new IdAllocator();
    names.forEach((n) => this.ids.reserve(n));
    const dag = buildDagPlan({
      order: names,
      edges: this.edges,
      preds: this.preds,
      task: (action, next, comment) => this.task(action, next, comment),
    }, this.ids);
    const plan: Plan = { name, start: entry, states: dag.states, notes: [...this.notes, ...dag.notes] };
    const problems = graphProblems(plan);
    if (problems.length > 0) {
      throw new ImportError('FaaSr', problems.map((p) => `the joins of this DAG cannot wait as FaaSr's do: ${p}`
        + (/would wait forever/.test(p) ? JOIN_HINT : '')));
    }
    return plan;
  }

  private parseEdges(): void {
    const parseTarget = (from: string, text: unknown, condition?: boolean): Edge | undefined => {
      const m = typeof text === 'string' ? /^\s*([^()\s]+)\s*(?:\(\s*(\d+)\s*\))?\s*$/.exec(text) : null;
      if (!m) {
        this.problems.push(`action '${from}': InvokeNext entry ${JSON.stringify(text)} must be an action name, 'name(N)', or {"True": [...], "False": [...]}`);
        return undefined;
      }
      if (!this.actions[m[1]]) {
        this.problems.push(`action '${from}' invokes '${m[1]}', which is not in ActionList`);
        return undefined;
      }
      const rank = m[2] === undefined ? undefined : Number(m[2]);
      if (rank !== undefined && rank < 1) this.problems.push(`action '${from}': rank of '${m[1]}' must be at least 1`);
      return { to: m[1], ...defined({ rank: rank !== undefined && rank > 1 ? rank : undefined, condition }) };
    };
    for (const [name, action] of Object.entries(this.actions)) {
      const list = action.InvokeNext === undefined ? [] : Array.isArray(action.InvokeNext) ? action.InvokeNext : [action.InvokeNext];
      const out: Edge[] = [];
      for (const item of list) {
        if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
          for (const key of Object.keys(item)) {
            if (key !== 'True' && key !== 'False') this.problems.push(`action '${name}': conditional InvokeNext has key '${key}'; use True and False`);
          }
          for (const [key, value] of [['True', true], ['False', false]] as const) {
            const targets = item[key] === undefined ? [] : Array.isArray(item[key]) ? item[key] : [item[key]];
            targets.forEach((t: unknown) => { const e = parseTarget(name, t, value); if (e) out.push(e); });
          }
        } else {
          const e = parseTarget(name, item);
          if (e) out.push(e);
        }
      }
      this.edges.set(name, out);
      for (const e of out) this.preds.set(e.to, [...(this.preds.get(e.to) ?? []), { from: name, edge: e }]);
    }
  }

  /** FaaSr's validation rules. */
  private checkRules(entry: string): void {
    const roots = Object.keys(this.actions).filter((n) => !this.preds.has(n));
    if (roots.length !== 1 || roots[0] !== entry) {
      this.problems.push(`a workflow has a single entry: FunctionInvoke is '${entry}', but the actions without predecessors are ${roots.length ? roots.map((r) => `'${r}'`).join(', ') : 'none'}`);
    }
    const cycle = this.findCycle();
    if (cycle) this.problems.push(`the workflow must be a DAG: ${cycle.join(' -> ')} is a cycle`);
    for (const [to, preds] of this.preds) {
      const ranked = preds.filter((p) => p.edge.rank !== undefined);
      if (ranked.length > 0 && preds.length > 1) {
        this.problems.push(`ranked action '${to}' (invoked as ${to}(${ranked[0].edge.rank})) must have exactly one predecessor; it has ${preds.map((p) => `'${p.from}'`).join(', ')}`);
      }
      const conditional = preds.filter((p) => p.edge.condition !== undefined);
      if (conditional.length > 0 && conditional.length < preds.length) {
        this.problems.push(`action '${to}' has both conditional (${conditional.map((p) => `'${p.from}'`).join(', ')}) and unconditional (${preds.filter((p) => p.edge.condition === undefined).map((p) => `'${p.from}'`).join(', ')}) predecessors; FaaSr does not allow mixing them`);
      }
    }
    for (const [from, out] of this.edges) {
      const fromRanked = (this.preds.get(from) ?? []).some((p) => p.edge.rank !== undefined);
      for (const e of out) {
        if (fromRanked && e.rank !== undefined) this.problems.push(`ranked action '${from}' invokes ranked action '${e.to}(${e.rank})': no ranked action after a ranked one`);
      }
      if (fromRanked && out.some((e) => e.condition !== undefined)) {
        this.problems.push(`ranked action '${from}' has True/False successors (${out.map((s) => `'${s.to}'`).join(', ')}): its copies return one result each, `
          + 'so there is no one result to branch on; after ranked copies only unconditional successors (which run once, after all copies) are supported');
      }
    }
  }

  private findCycle(): string[] | undefined {
    const state = new Map<string, 'open' | 'done'>();
    const path: string[] = [];
    const visit = (n: string): string[] | undefined => {
      if (state.get(n) === 'open') return [...path.slice(path.indexOf(n)), n];
      if (state.get(n) === 'done') return undefined;
      state.set(n, 'open');
      path.push(n);
      for (const e of this.edges.get(n) ?? []) {
        const c = visit(e.to);
        if (c) return c;
      }
      path.pop();
      state.set(n, 'done');
      return undefined;
    };
    for (const n of Object.keys(this.actions)) {
      const c = visit(n);
      if (c) return c;
    }
    return undefined;
  }

  private pdom(n: string): Set<string> {
    const cached = this.pdomCache.get(n);
    if (cached) return cached;
    const succs = (this.edges.get(n) ?? []).map((e) => e.to);
    let common: Set<string> | undefined;
    for (const s of succs) {
      const d = this.pdom(s);
      common = common === undefined ? new Set(d) : new Set([...common].filter((x) => d.has(x)));
    }
    const result = new Set<string>([n, ...(common ?? new Set(['']))]);
    this.pdomCache.set(n, result);
    return result;
  }

  /** The nearest node every path from `n` passes through ('' for the end). */
  private ipdom(n: string): string {
    const strict = [...this.pdom(n)].filter((x) => x !== n);
    // The nearest one is post-dominated by all the others.
    return strict.find((c) => c === '' ? strict.length === 1 : strict.every((o) => o === c || this.pdom(c).has(o))) ?? '';
  }

  /** Builds the chain from `start` up to (not including) `stop`; returns the id of its first state. */
  private build(start: string, stop: string | undefined): string {
    if (this.built.has(start)) {
      // Reached from branches that do not rejoin at a common join.
      this.notSeriesParallel = true;
      return start;
    }
    this.built.add(start);
    const out = this.edges.get(start) ?? [];
    if (out.length === 0) {
      this.states.push(this.task(start));
      return start;
    }
    if (out.length === 1 && out[0].condition === undefined) {
      // A plain sequence, or N ranked copies of one action.
      const edge = out[0];
      const next = edge.rank !== undefined ? this.ranked(edge, stop) : edge.to === stop ? undefined : this.follow(edge.to, stop);
      this.states.push(this.task(start, next));
      return start;
    }
    const join = this.ipdom(start);
    const joinTarget = join === '' ? undefined : join;
    const after = joinTarget !== undefined && joinTarget !== stop ? this.build(joinTarget, stop) : undefined;
    const unconditional = out.filter((e) => e.condition === undefined);
    const conditional = out.filter((e) => e.condition !== undefined);
    const branches = unconditional.map((e) => this.branchFor(start, e, joinTarget));
    if (conditional.length > 0) branches.push(this.choice(start, conditional, joinTarget));
    let next: string;
    if (branches.length === 1) {
      // Only True/False successors: the branch taken continues to the join by itself.
      next = branches[0];
      this.continueTo(next, after);
    } else {
      next = this.ids.allocate(`${start}-fanout`);
      this.states.push({
        kind: 'parallel',
        id: next,
        branches,
        comment: `${start} invokes ${unconditional.map((e) => e.to).concat(conditional.length ? ['its True/False successors'] : []).join(', ')} concurrently`,
        ...defined({ next: after }),
      });
    }
    this.states.push(this.task(start, next));
    return start;
  }

  /** An action reached by a plain edge: it must have that one predecessor (joins are built by the split they close). */
  private follow(to: string, stop: string | undefined): string {
    const preds = this.preds.get(to) ?? [];
    if (preds.length > 1) {
      // A join of branches that are not those of one split.
      this.notSeriesParallel = true;
      return to;
    }
    return this.build(to, stop);
  }

  private task(name: string, next?: string, comment?: string): PlanState {
    const action = this.actions[name];
    return {
      kind: 'task',
      id: name,
      source: name,
      functionKeys: [name, ...(typeof action.FunctionName === 'string' ? [action.FunctionName] : [])],
      ...defined({
        dataFlow: action.Arguments !== undefined && action.Arguments !== null ? { parameters: action.Arguments } : undefined,
        next,
        comment,
      }),
    };
  }

  /** `name(N)`: a Map running N copies of the action; what follows the action runs once, after all copies. */
  private ranked(edge: Edge, stop: string | undefined): string {
    const mapId = this.ids.allocate(`${edge.to}-ranks`);
    this.built.add(edge.to);
    const successors = this.edges.get(edge.to) ?? [];
    let next: string | undefined;
    if (successors.length > 1) {
      // Several successors after the copies: a Parallel without a join of its own (True/False ones are rejected by the rules).
      this.notSeriesParallel = true;
    } else if (successors.length === 1 && successors[0].to !== stop) {
      next = this.follow(successors[0].to, stop);
    }
    this.states.push(this.task(edge.to, undefined, `rank = context.index + 1, max rank = context.size (${edge.rank})`));
    this.states.push({ kind: 'map', id: mapId, iterator: edge.to, width: edge.rank!, comment: `${edge.to}(${edge.rank}): ${edge.rank} ranked copies`, ...defined({ next }) });
    return mapId;
  }

  /** One successor path of a split, up to the split's join. */
  private branchFor(from: string, edge: Edge, join: string | undefined): string {
    if (edge.rank !== undefined) return this.ranked(edge, join);
    if (edge.to === join) {
      // A direct edge to the join: the branch passes the output on (a Pass, no function).
      const id = this.ids.allocate(`${from}-to-${edge.to}`);
      this.states.push({ kind: 'pass', id, comment: `${from} -> ${edge.to} directly` });
      return id;
    }
    return this.follow(edge.to, join);
  }

  /** True/False successors: a Choice on the boolean result; several on one side run concurrently. */
  private choice(from: string, edges: Edge[], join: string | undefined): string {
    const side = (value: boolean): string | undefined => {
      const targets = edges.filter((e) => e.condition === value);
      if (targets.length === 0) return undefined;
      const starts = targets.map((e) => this.branchFor(from, e, join));
      if (starts.length === 1) return starts[0];
      const id = this.ids.allocate(`${from}-${value ? 'true' : 'false'}`);
      this.states.push({ kind: 'parallel', id, branches: starts, comment: `${from} returned ${value}` });
      return id;
    };
    // A side without actions ends the path (a Pass that passes the result on; a join does not wait for it).
    const ending = (value: boolean): string => {
      const id = this.ids.allocate(`${from}-${value ? 'true' : 'false'}-end`);
      this.states.push({ kind: 'pass', id, comment: `${from} returned ${value}: nothing more on this path` });
      this.terminal.add(id);
      this.notes.push(`${from}: InvokeNext has no ${value ? 'True' : 'False'} actions; when it returns ${value} that path ends`);
      return id;
    };
    const whenTrue = side(true) ?? ending(true);
    const whenFalse = side(false) ?? ending(false);
    return pushResultChoice(this.states, this.ids, from, whenTrue, whenFalse);
  }

  /** Sets `next` on the ends of the chain starting at `first` that have none yet (a Choice's sides, Parallel/Map states). */
  private continueTo(first: string, after: string | undefined): void {
    if (after === undefined) return;
    const visit = (id: string, seen: Set<string>): void => {
      if (seen.has(id) || this.terminal.has(id)) return;
      seen.add(id);
      const state = this.states.find((s) => s.id === id);
      if (!state) return;
      if (state.kind === 'choice') {
        state.rules.forEach((r) => visit(r.next, seen));
        if (state.otherwise) visit(state.otherwise, seen);
        return;
      }
      if (state.kind === 'task' || state.kind === 'parallel' || state.kind === 'map' || state.kind === 'pass') {
        if (state.next === undefined) this.setNext(id, after);
        else visit(state.next, seen);
      }
    };
    visit(first, new Set());
  }

  private setNext(id: string, next: string | undefined): void {
    if (next === undefined) return;
    const i = this.states.findIndex((s) => s.id === id);
    this.states[i] = { ...this.states[i], next } as PlanState;
  }
}
