import { edgeKey, Scope } from './analysis';
import { describe, FanInState, GraphState, isDagJoin, MapState, ParallelState, PassState, TaskState, WaitState, WorkflowGraph } from './graph';
import { validateGraph, ValidatedGraph, WorkflowGraphError } from './validate';
import { Action, CatchRule, CONFIG_VERSION, DagJoinAction, FunctionConfig, RetryRule, StartAction } from '../protocol/config';
import { DataFlow, isJsonataFlow, needsRawInput } from '../protocol/dataflow';
import { FailSpec, WaitSpec } from '../protocol/states';

export interface CompiledWorkflow {
  readonly name: string;
  /** Node name of the entry function. */
  readonly entry: string;
  /** One configuration per UnumFunction, in graph order. */
  readonly functions: readonly FunctionConfig[];
  /**
   * Node → function names it may re-invoke as the origin of an enclosing
   * fan-out (FanoutOrigin): to report a branch's failure to a Parallel or
   * Map that handles failures, or to have a bounded Map issue its next item.
   */
  readonly origins: Readonly<Record<string, readonly string[]>>;
}

/**
 * Compiles a workflow graph into the configuration of each function. Pure:
 * graph in, configuration out. Structural states (Choice, Parallel, Map,
 * FanIn, Succeed, Fail) have no function of their own; they become the egress
 * actions of the functions before them.
 */
export function compileWorkflow(graph: WorkflowGraph): CompiledWorkflow {
  const analysis = validateGraph(graph);
  const dissolved = graph.states
    .filter((s): s is ParallelState => s.kind === 'parallel' && outputFlow(s) !== undefined && analysis.dag.isDissolved(s.id))
    .map((s) => `Parallel '${s.id}' has resultSelector, resultPath or outputPath, but a FanIn over predecessors closes its branches `
      + 'instead of a join of its own: move the output processing to the state after that FanIn');
  const dissolvedFailures = graph.states
    .filter((s): s is ParallelState => s.kind === 'parallel' && (s.retry !== undefined || s.catch !== undefined) && analysis.dag.isDissolved(s.id))
    .map((s) => `Parallel '${s.id}' has addRetry or addCatch, but a FanIn over predecessors closes its branches instead of a join of its own: `
      + 'retry or catch the functions in its branches instead');
  dissolved.push(...dissolvedFailures);
  if (dissolved.length > 0) throw new WorkflowGraphError(graph.name, dissolved);
  const compiler = new Compiler(graph, analysis);
  const functions = graph.states
    .filter((s): s is TaskState => s.kind === 'task')
    .map((task) => compiler.functionConfig(task));
  const problems = functions.flatMap(functionlessBranches);
  if (problems.length > 0) throw new WorkflowGraphError(graph.name, problems);
  return { name: graph.name, entry: compiler.entry, functions, origins: originsOf(graph, analysis, functions) };
}

/** For each function, the functions that fan out the Parallels and Maps around it that it may report to (CompiledWorkflow.origins). */
function originsOf(graph: WorkflowGraph, analysis: ValidatedGraph, functions: readonly FunctionConfig[]): Record<string, string[]> {
  const byId = new Map(graph.states.map((s) => [s.id, s]));
  const callsBack = (id: string) => {
    const s = byId.get(id);
    return (s?.kind === 'parallel' || s?.kind === 'map') && (s.retry?.length || s.catch?.length
      || (s.kind === 'map' && (s.maxConcurrency || s.toleratedFailureCount !== undefined || s.toleratedFailurePercentage !== undefined)));
  };
  // Fan-out id → the functions whose egress fans it out.
  const fanners = new Map<string, Set<string>>();
  for (const config of functions) {
    const name = (byId.get(config.node) as TaskState).functionName;
    const visit = (a: Action | undefined): void => {
      if (a === undefined) return;
      JSON.stringify(a, (_key, value) => {
        if (value && typeof value === 'object' && (value.kind === 'parallel' || value.kind === 'map') && typeof value.fanout === 'string') {
          if (!fanners.has(value.fanout)) fanners.set(value.fanout, new Set());
          fanners.get(value.fanout)!.add(name);
        }
        return value;
      });
    };
    visit(config.next);
    config.catch.forEach((c) => visit(c.next));
    visit(config.start?.next);
  }
  const out: Record<string, string[]> = {};
  for (const config of functions) {
    const names = new Set<string>();
    for (const frame of analysis.scopes.get(config.node) ?? []) {
      if (callsBack(frame.fanout)) fanners.get(frame.fanout)?.forEach((n) => names.add(n));
    }
    if (names.size > 0) out[config.node] = [...names].sort();
  }
  return out;
}

class Compiler {
  /** The function that starts sessions: the start state, or the first function the leading states invoke. */
  readonly entry: string;
  /** The leading states when the workflow does not start with a function. */
  private readonly start?: StartAction;

  constructor(private readonly graph: WorkflowGraph, private readonly analysis: ValidatedGraph) {
    if (this.state(graph.start).kind === 'task') {
      this.entry = graph.start;
      return;
    }
    this.start = { node: graph.start, next: this.resolve('', graph.start, false) };
    const entry = firstInvoke(this.start.next);
    if (entry === undefined) {
      throw new WorkflowGraphError(graph.name, [`the workflow starts with ${describe(this.state(graph.start))} and no path from it runs an UnumFunction: add one`]);
    }
    this.entry = entry;
  }

  functionConfig(task: TaskState): FunctionConfig {
    return {
      v: CONFIG_VERSION,
      workflow: this.graph.name,
      node: task.id,
      entry: task.id === this.entry,
      next: this.withSkips(task.id, 0, task.next ? this.resolve(task.id, task.next, false) : this.endOfScope(this.scope(task.id))),
      retry: task.retry ?? [],
      catch: (task.catch ?? []).map((c, i) => ({
        errors: c.errors,
        resultPath: c.resultPath,
        ...(c.jsonata ? { jsonata: c.jsonata } : {}),
        next: this.withSkips(task.id, i + 1, this.resolve(task.id, c.next, false)),
      })),
      ...(task.dataFlow ? { dataFlow: task.dataFlow } : {}),
      ...(task.callback ? { callback: task.callback } : {}),
      // An unqualified name is the one the Lambda context carries: only a qualifier needs saying.
      ...(task.functionName.includes(':') ? { invokeName: task.functionName } : {}),
      ...(task.id === this.entry && this.graph.timeoutSeconds !== undefined ? { timeoutSeconds: this.graph.timeoutSeconds } : {}),
      ...(task.id === this.entry && this.start ? { start: this.start } : {}),
    };
  }

  /** The action that running state `to` amounts to, when reached from `from`. */
  private resolve(from: string, to: string, loop: boolean): Action {
    const inLoop = loop || this.analysis.backEdges.has(edgeKey(from, to));
    const state = this.state(to);
    const loopFlag = inLoop ? { loop: true } : {};
    switch (state.kind) {
      case 'task':
        return { kind: 'invoke', node: state.id, functionName: state.functionName, ...loopFlag };
      case 'pass':
        return { kind: 'pass', node: state.id, dataFlow: state.dataFlow, next: this.continueAfter(state, inLoop) };
      case 'wait': {
        // A Wait's JSONata Output and Assign run as a Pass under the Wait's own name once the wait is over.
        const after = this.continueAfter(state, inLoop);
        const next: Action = state.dataFlow ? { kind: 'pass', node: state.id, dataFlow: state.dataFlow, next: after } : after;
        return { kind: 'wait', node: state.id, ...waitSpec(state), next };
      }
      case 'choice':
        return {
          kind: 'choice',
          node: state.id,
          rules: state.choices.map((c, i) => ({
            when: c.condition,
            then: this.withSkips(state.id, i, this.resolve(state.id, c.next, inLoop)),
            ...(c.jsonata ? { jsonata: c.jsonata } : {}),
          })),
          ...(state.otherwise
            ? { otherwise: this.withSkips(state.id, state.choices.length, this.resolve(state.id, state.otherwise, inLoop)) }
            : {}),
          ...(state.jsonata ? { jsonata: state.jsonata } : {}),
        };
      case 'parallel':
        return {
          kind: 'parallel',
          fanout: state.id,
          ...loopFlag,
          ...fanOutInput(state),
          ...this.failureHandling(state),
          branches: state.branches.map((b) => this.resolve(state.id, b, false)),
        };
      case 'map':
        return {
          kind: 'map',
          fanout: state.id,
          ...loopFlag,
          ...fanOutInput(state),
          ...(state.itemsPath !== undefined ? { itemsPath: state.itemsPath } : {}),
          ...(state.items !== undefined ? { items: state.items } : {}),
          ...(state.width !== undefined ? { width: state.width } : {}),
          ...(state.maxConcurrency ? { maxConcurrency: state.maxConcurrency } : {}),
          ...(state.itemSelector !== undefined ? { itemSelector: state.itemSelector } : {}),
          item: this.resolve(state.id, state.iterator!, false),
          join: this.joinName(state),
          onEmpty: this.afterJoin(state),
          ...this.failureHandling(state),
          ...(tolerates(state) ? {
            ...(state.toleratedFailureCount !== undefined ? { toleratedFailureCount: state.toleratedFailureCount } : {}),
            ...(state.toleratedFailurePercentage !== undefined ? { toleratedFailurePercentage: state.toleratedFailurePercentage } : {}),
            sources: this.sources(state),
          } : {}),
        };
      case 'succeed': {
        const end = this.endOfScope(this.scope(state.id));
        // A Succeed's JSONata Output shapes the path's value as a Pass under its name would.
        return state.dataFlow ? { kind: 'pass', node: state.id, dataFlow: state.dataFlow, next: end } : end;
      }
      case 'fail':
        return { kind: 'fail', node: state.id, ...failSpec(state) };
      case 'fanIn':
        if (isDagJoin(state)) return this.dagJoin(state, state.predecessors.indexOf(from));
        if (state.itemOffsets !== undefined) {
          return { kind: 'windowJoin', join: state.id, offsets: state.itemOffsets, then: this.resolve(state.id, state.next!, inLoop) };
        }
        // validateGraph guarantees any other FanIn is a fan-out's next, handled by afterJoin.
        throw new Error(`internal: ${state.id} resolved outside its fan-out`);
    }
  }

  /** A Parallel's or Map's Retry and Catch; catch handlers run in the fan-out's own scope. */
  private failureHandling(state: ParallelState | MapState): { retry?: RetryRule[]; catch?: CatchRule[] } {
    return {
      ...(state.retry?.length ? { retry: [...state.retry] } : {}),
      ...(state.catch?.length ? {
        catch: state.catch.map((c) => ({
          errors: c.errors, resultPath: c.resultPath, ...(c.jsonata ? { jsonata: c.jsonata } : {}), next: this.resolve(state.id, c.next, false),
        })),
      } : {}),
    };
  }

  /** Arrival at a FanIn over predecessors, at `slot` (the arriving predecessor's, or a skipped one's). */
  private dagJoin(join: FanInState, slot: number): DagJoinAction {
    const { depth, slots } = this.analysis.dag.join(join.id);
    const then = join.next ? this.resolve(join.id, join.next, false) : this.endOfScope(this.scope(join.id));
    const dead = this.analysis.dag.skipsWhenDead(join.id).map((s) => this.dagJoin(this.state(s.join) as FanInState, s.slot));
    return { kind: 'dagJoin', join: join.id, depth, slot, slots, then, ...(dead.length > 0 ? { ifAllSkipped: dead } : {}) };
  }

  /** A decision's option, preceded by marking the predecessors it rules out as skipped (dead-path elimination). */
  private withSkips(decision: string, option: number, action: Action): Action {
    const skips = this.analysis.dag.skips(decision, option);
    if (skips.length === 0) return action;
    return { kind: 'skip', joins: skips.map((s) => this.dagJoin(this.state(s.join) as FanInState, s.slot)), next: action };
  }

  /** Where a Pass or Wait continues: its next state, or the end of its scope. */
  private continueAfter(state: PassState | WaitState, loop: boolean): Action {
    return state.next ? this.resolve(state.id, state.next, loop) : this.endOfScope(this.scope(state.id));
  }

  /** What happens when a path ends in `scope`: the session ends, or the branch arrives at its join. */
  private endOfScope(scope: Scope): Action {
    if (scope.length === 0) return { kind: 'succeed' };
    const fanOut = this.state(scope[scope.length - 1].fanout) as ParallelState | MapState;
    const bound = fanOut.kind === 'map' && fanOut.maxConcurrency ? { maxConcurrency: fanOut.maxConcurrency } : {};
    return { kind: 'join', join: this.joinName(fanOut), sources: this.sources(fanOut), then: this.afterJoin(fanOut), ...bound };
  }

  /** The continuation of a fan-out's join, run by the arrival that completes it: its output processing first. */
  private afterJoin(fanOut: ParallelState | MapState): Action {
    const then = this.afterOutput(fanOut);
    const dataFlow = outputFlow(fanOut);
    return dataFlow ? { kind: 'fanOutOutput', fanout: fanOut.id, dataFlow, next: then } : then;
  }

  private afterOutput(fanOut: ParallelState | MapState): Action {
    const outer = this.scope(fanOut.id);
    if (!fanOut.next) return this.endOfScope(outer);
    const next = this.state(fanOut.next);
    if (next.kind !== 'fanIn') return this.resolve(fanOut.id, next.id, false);
    return next.next ? this.resolve(next.id, next.next, false) : this.endOfScope(outer);
  }

  /** An explicit FanIn names the join; otherwise the join takes the fan-out's name. */
  private joinName(fanOut: ParallelState | MapState): string {
    const next = fanOut.next ? this.state(fanOut.next) : undefined;
    return next?.kind === 'fanIn' ? (next as FanInState).id : fanOut.id;
  }

  /**
   * Everything that can arrive at a fan-out's join: the functions directly in
   * its branches, and the joins of inner fan-outs whose branches end there.
   */
  private sources(fanOut: ParallelState | MapState): string[] {
    const depth = this.scope(fanOut.id).length + 1;
    const sources = new Set<string>();
    // A tolerated failed item arrives with `{ Error, Cause }` checkpointed under the Map's name.
    if (fanOut.kind === 'map' && tolerates(fanOut)) sources.add(fanOut.id);
    for (const state of this.graph.states) {
      const scope = this.analysis.scopes.get(state.id);
      if (!scope || scope.length !== depth || scope[depth - 1].fanout !== fanOut.id) continue;
      // A Pass on a branch checkpoints its value and arrives as its own source.
      if (state.kind === 'task' || state.kind === 'pass') sources.add(state.id);
      // So do a Wait and a Succeed with a JSONata Output or Assign.
      if ((state.kind === 'wait' || state.kind === 'succeed') && state.dataFlow !== undefined) sources.add(state.id);
      // So does a Choice with JSONata Output or Assign (its own or a rule's), which computes the value it hands on.
      if (state.kind === 'choice' && (state.jsonata !== undefined || state.choices.some((c) => c.jsonata !== undefined))) sources.add(state.id);
      // A caught fan-out checkpoints the caught value under its name, which a catch handler ending the branch arrives with.
      if ((state.kind === 'parallel' || state.kind === 'map') && state.catch?.length) sources.add(state.id);
      // A FanIn over predecessors that ends the branch arrives with its own list.
      if (isDagJoin(state) && this.endsScope(state.next)) sources.add(state.id);
      if ((state.kind === 'parallel' || state.kind === 'map') && this.cascades(state) && !this.analysis.dag.isDissolved(state.id)) {
        // With output processing the fan-out's own processed value arrives, under its name.
        sources.add(outputFlow(state) ? state.id : this.joinName(state));
      }
    }
    return [...sources].sort();
  }

  /** A fan-out whose join continues with nothing ends its own enclosing branch. */
  private cascades(fanOut: ParallelState | MapState): boolean {
    const next = fanOut.next ? this.state(fanOut.next) : undefined;
    return next?.kind === 'fanIn' ? this.endsScope(next.next) : this.endsScope(fanOut.next);
  }

  /** Whether what follows a join ends its scope with the joined list: nothing, or only Wait states up to a Succeed or the end. */
  private endsScope(next: string | undefined): boolean {
    const seen = new Set<string>();
    let id = next;
    while (id !== undefined && !seen.has(id)) {
      seen.add(id);
      const state = this.state(id);
      // A JSONata Output on the way changes the value, which then arrives under that state's name.
      if ((state.kind === 'succeed' || state.kind === 'wait') && state.dataFlow !== undefined) return false;
      if (state.kind === 'succeed') return true;
      if (state.kind !== 'wait') return false;
      id = state.next;
    }
    return id === undefined;
  }

  private state(id: string): GraphState {
    return this.analysis.byId.get(id)!;
  }

  private scope(id: string): Scope {
    return this.analysis.scopes.get(id)!;
  }
}

function tolerates(map: MapState): boolean {
  return map.toleratedFailureCount !== undefined || map.toleratedFailurePercentage !== undefined;
}

/** The part of a Parallel's or Map's data flow applied to the joined list, if any. */
function outputFlow(fanOut: ParallelState | MapState): DataFlow | undefined {
  if (isJsonataFlow(fanOut.dataFlow)) {
    // JSONata: Output and Assign on the joined list ($states.result) and the raw input ($states.input).
    const { queryLanguage, output, assign } = fanOut.dataFlow!;
    return output === undefined && assign === undefined ? undefined
      : { queryLanguage, ...(output !== undefined ? { output } : {}), ...(assign !== undefined ? { assign } : {}) };
  }
  const { resultSelector, resultPath, outputPath } = fanOut.dataFlow ?? {};
  const flow: DataFlow = {
    ...(resultSelector !== undefined ? { resultSelector } : {}),
    ...(resultPath !== undefined ? { resultPath } : {}),
    ...(outputPath !== undefined ? { outputPath } : {}),
  };
  return Object.keys(flow).length > 0 ? flow : undefined;
}

/** The fan-out side of a Parallel's or Map's data flow: its InputPath, and whether the join needs the raw input. */
function fanOutInput(fanOut: ParallelState | MapState): { inputPath?: string | null; recordInput?: boolean; arguments?: unknown } {
  const inputPath = fanOut.dataFlow?.inputPath;
  const args = fanOut.kind === 'parallel' && isJsonataFlow(fanOut.dataFlow) ? fanOut.dataFlow!.arguments : undefined;
  return {
    ...(inputPath !== undefined ? { inputPath } : {}),
    ...(args !== undefined ? { arguments: args } : {}),
    ...(needsRawInput(fanOut.dataFlow) ? { recordInput: true } : {}),
  };
}

/** The first function an action tree invokes, depth first (the entry of a workflow that starts with states). */
function firstInvoke(action: Action | undefined): string | undefined {
  if (action === undefined) return undefined;
  switch (action.kind) {
    case 'invoke': return action.node;
    case 'pass': case 'wait': case 'skip': case 'fanOutOutput': return firstInvoke(action.next);
    case 'choice': return [...action.rules.map((r) => r.then), action.otherwise].map(firstInvoke).find((n) => n !== undefined);
    case 'parallel': return action.branches.map(firstInvoke).find((n) => n !== undefined);
    case 'map': return firstInvoke(action.item) ?? firstInvoke(action.onEmpty);
    case 'join': case 'windowJoin': case 'dagJoin': return firstInvoke(action.then);
    default: return undefined;
  }
}

function waitSpec(s: WaitSpec): WaitSpec {
  return defined({ seconds: s.seconds, secondsPath: s.secondsPath, timestamp: s.timestamp, timestampPath: s.timestampPath });
}

function failSpec(s: FailSpec): FailSpec {
  return defined({ error: s.error, cause: s.cause, errorPath: s.errorPath, causePath: s.causePath });
}

/** The object without its undefined fields (the configuration is JSON; absent means absent). */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/**
 * A branch (or map item) must run a function before it reaches its join:
 * the join reads each slot's output from the checkpoint of the function that
 * arrived, and a path made only of Choice/Succeed states has none.
 */
function functionlessBranches(config: FunctionConfig): string[] {
  const problems: string[] = [];
  let origin = `after UnumFunction '${config.node}' fans out`;
  const visit = (action: Action | undefined, fanOuts: string[]): void => {
    if (!action) return;
    switch (action.kind) {
      case 'pass':
      case 'fanOutOutput':
        // The checkpointed value is what arrives, so what follows has an output to join.
        visit(action.next, []);
        break;
      case 'wait':
        visit(action.next, fanOuts);
        break;
      case 'choice':
        // A JSONata Choice's Output or Assign checkpoints the value it hands on, like a Pass.
        action.rules.forEach((r) => visit(r.then, action.jsonata !== undefined || r.jsonata !== undefined ? [] : fanOuts));
        visit(action.otherwise, action.jsonata !== undefined ? [] : fanOuts);
        break;
      case 'parallel':
        action.branches.forEach((b) => visit(b, [...fanOuts, `Parallel '${action.fanout}'`]));
        // A caught value is checkpointed under the fan-out's name, so what follows has an output.
        action.catch?.forEach((c) => visit(c.next, []));
        break;
      case 'map':
        visit(action.item, [...fanOuts, `Map '${action.fanout}'`]);
        // An empty map arrives at an enclosing join as an empty-source slot, which reads as [],
        // so its onEmpty path has an output (a Map may end a Parallel branch or an outer Map's items).
        if (action.width === undefined) visit(action.onEmpty, []);
        action.catch?.forEach((c) => visit(c.next, []));
        break;
      case 'join':
        if (fanOuts.length > 0) {
          const fanOut = fanOuts[fanOuts.length - 1];
          problems.push(`${fanOut} has a branch or item that reaches its join without running a function (${origin}, `
            + 'a path made only of Choice/Succeed states has no output to join): put an UnumFunction on that path, e.g. one that returns its input');
          return;
        }
        visit(action.then, fanOuts);
        break;
      case 'windowJoin':
        visit(action.then, fanOuts);
        break;
      case 'dagJoin':
        // The join's own list is checkpointed when it cascades, so what follows has an output.
        visit(action.then, []);
        action.ifAllSkipped?.forEach((j) => visit(j, []));
        break;
      case 'skip':
        action.joins.forEach((j) => visit(j, fanOuts));
        visit(action.next, fanOuts);
        break;
    }
  };
  visit(config.next, []);
  config.catch.forEach((c) => visit(c.next, []));
  if (config.start) {
    origin = 'at the start of the workflow';
    visit(config.start.next, []);
  }
  return [...new Set(problems)];
}
