import { GraphAnalysis, analyze } from './analysis';
import { checkDagJoinPlacement, DagPlan, planDagJoins } from './dag';
import { describe, edgesOf, FanInState, GraphState, isDagJoin, MapState, ParallelState, TaskState, WorkflowGraph } from './graph';
import { validateCondition } from '../protocol/conditions';
import { contextPathProblem } from '../protocol/context';
import { DataFlow, isJsonataFlow, validateDataFlow } from '../protocol/dataflow';
import { isJsonataExpression, jsonataTemplateProblems } from '../protocol/jsonata';
import { parsePath } from '../protocol/jsonpath';
import { MAX_WAIT_SECONDS, parseTimestamp } from '../protocol/states';

/** Thrown for an invalid workflow graph; lists every problem, each naming its state and the fix. */
export class WorkflowGraphError extends Error {
  constructor(public readonly workflow: string, public readonly problems: readonly string[]) {
    super(`Workflow '${workflow}' is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'WorkflowGraphError';
  }
}

/** Names become parts of store keys and function names: keep them to a safe alphabet. */
const NAME = /^[A-Za-z0-9_.:+=@-]{1,80}$/;

/** A graph that passed validation: its analysis and the plan of its FanIns over predecessors. */
export interface ValidatedGraph extends GraphAnalysis {
  readonly dag: DagPlan;
}

/** Checks the graph and returns its analysis; throws WorkflowGraphError listing every problem. */
export function validateGraph(graph: WorkflowGraph): ValidatedGraph {
  const problems: string[] = [];
  const fail = () => new WorkflowGraphError(graph.name, problems);
  if (!NAME.test(graph.name)) {
    problems.push(`workflow name '${graph.name}' must be 1-80 characters of letters, digits and _.:+=@-`);
  }
  const byId = new Map<string, GraphState>();
  for (const state of graph.states) {
    if (byId.has(state.id)) {
      problems.push(`two states are named '${state.id}' (${describe(byId.get(state.id)!)} and ${describe(state)}): names must be unique in a workflow; give one of them another id`);
    }
    byId.set(state.id, state);
    if (!NAME.test(state.id)) {
      problems.push(`${describe(state)}: the name must be 1-80 characters of letters, digits and _.:+=@- (it becomes part of store keys)`);
    }
  }
  if (graph.states.length === 0) {
    problems.push('the workflow has no states: pass a definition that starts with an UnumFunction');
    throw fail();
  }
  const start = byId.get(graph.start);
  if (!start) {
    problems.push(`the start state '${graph.start}' does not exist: set the start to one of the workflow's states (${graph.states.slice(0, 5).map((x) => `'${x.id}'`).join(', ')})`);
  } else if (start.kind === 'fanIn' || start.kind === 'succeed' || start.kind === 'fail') {
    problems.push(`the workflow starts with ${describe(start)}: start with an UnumFunction, or a Choice, Parallel, Map, Pass or Wait`);
  }
  for (const state of graph.states) {
    for (const edge of edgesOf(state)) {
      if (!byId.has(edge.to)) {
        problems.push(`${describe(state)} continues to '${edge.to}', which is not a state of this workflow: add a state named '${edge.to}' or point the ${edge.role} at an existing one`);
      }
    }
  }
  if (problems.length > 0) throw fail();

  const analysis = analyze(graph, byId);
  problems.push(...analysis.problems);
  for (const state of graph.states) {
    if (!analysis.scopes.has(state.id)) {
      problems.push(`${describe(state)} is not reachable from the start '${graph.start}': chain it into the definition or remove it`);
      continue;
    }
    problems.push(...checkState(state, byId));
  }
  problems.push(...checkFanInPlacement(graph, analysis));
  problems.push(...checkDagJoinPlacement(graph, analysis));
  problems.push(...checkLoops(analysis));
  if (problems.length > 0) throw fail();
  const dag = planDagJoins(graph, analysis);
  problems.push(...dag.problems);
  if (problems.length > 0) throw fail();
  return { ...analysis, dag: dag.plan };
}

function checkState(state: GraphState, byId: ReadonlyMap<string, GraphState>): string[] {
  const problems: string[] = [];
  const where = describe(state);
  const checkPath = (path: string, what: string) => {
    try {
      parsePath(path);
    } catch (e) {
      problems.push(`${where}: ${what} ${(e as Error).message}`);
    }
  };
  // Retry and Catch of a Task, a Parallel or a Map.
  const checkFailureRules = (s: { retry?: TaskState['retry']; catch?: TaskState['catch'] }) => {
    (s.retry ?? []).forEach((r, i) => {
      if (r.errors.length === 0) problems.push(`${where}: retry ${i} lists no errors; use States.ALL to retry every error`);
      if (!Number.isInteger(r.maxAttempts) || r.maxAttempts < 0) problems.push(`${where}: retry ${i} maxAttempts must be a non-negative integer`);
      if (!(r.intervalSeconds > 0)) problems.push(`${where}: retry ${i} interval must be positive`);
      if (!(r.backoffRate >= 1)) problems.push(`${where}: retry ${i} backoffRate must be at least 1`);
      if (r.maxDelaySeconds !== undefined && !(r.maxDelaySeconds > 0)) problems.push(`${where}: retry ${i} maxDelay must be positive`);
      if (r.jitter !== undefined && r.jitter !== 'FULL' && r.jitter !== 'NONE') problems.push(`${where}: retry ${i} jitter must be FULL or NONE (got '${r.jitter}')`);
    });
    (s.catch ?? []).forEach((c, i) => {
      if (c.errors.length === 0) problems.push(`${where}: catch ${i} lists no errors; use States.ALL to catch every error`);
      checkPath(c.resultPath, `catch ${i} resultPath`);
    });
  };
  switch (state.kind) {
    case 'task':
      if (state.dataFlow) validateDataFlow(state.dataFlow, state.callback !== undefined).forEach((p) => problems.push(`${where}: ${p}`));
      checkFailureRules(state);
      break;
    case 'choice':
      if (state.choices.length === 0) problems.push(`${where} has no when() rules: add at least one`);
      state.choices.forEach((c, i) => validateCondition(c.condition).forEach((p) => problems.push(`${where}: rule ${i}: ${p}`)));
      break;
    case 'parallel':
      if (state.branches.length === 0) problems.push(`${where} has no branches: add them with branch()`);
      problems.push(...fanOutDataFlowProblems(state, where));
      checkFailureRules(state);
      break;
    case 'map':
      problems.push(...fanOutDataFlowProblems(state, where));
      checkFailureRules(state);
      if (state.toleratedFailureCount !== undefined && !(Number.isInteger(state.toleratedFailureCount) && state.toleratedFailureCount >= 0)) {
        problems.push(`${where}: toleratedFailureCount must be a non-negative integer (got ${state.toleratedFailureCount})`);
      }
      if (state.toleratedFailurePercentage !== undefined && !(state.toleratedFailurePercentage >= 0 && state.toleratedFailurePercentage <= 100)) {
        problems.push(`${where}: toleratedFailurePercentage must be from 0 to 100 (got ${state.toleratedFailurePercentage})`);
      }
      if (!state.iterator) problems.push(`${where} has no item processor: set one with itemProcessor()`);
      if (state.itemsPath !== undefined && state.width !== undefined) {
        problems.push(`${where} sets both itemsPath and width: use itemsPath to map over an array, width for a fixed number of ranked copies`);
      }
      // ItemsPath is a reference path of the input or, as in Step Functions, of the context object ($$.Execution.Input.items).
      if (state.itemsPath !== undefined && state.itemsPath.startsWith('$$')) {
        const problem = contextPathProblem(state.itemsPath, false);
        if (problem !== undefined) problems.push(`${where}: itemsPath ${problem}`);
      } else if (state.itemsPath !== undefined) {
        checkPath(state.itemsPath, 'itemsPath');
      }
      if (state.width !== undefined && (!Number.isInteger(state.width) || state.width < 1)) {
        problems.push(`${where}: width must be a positive integer (got ${state.width})`);
      }
      if (state.maxConcurrency !== undefined && (!Number.isInteger(state.maxConcurrency) || state.maxConcurrency < 0)) {
        problems.push(`${where}: maxConcurrency must be a non-negative integer (0 means no limit)`);
      }
      break;
    case 'fail':
      if (state.error !== undefined && state.errorPath !== undefined) problems.push(`${where} sets both error and errorPath: use one`);
      if (state.cause !== undefined && state.causePath !== undefined) problems.push(`${where} sets both cause and causePath: use one`);
      if (state.error === '') problems.push(`${where} needs an error name (or leave it out for States.Fail)`);
      for (const f of ['error', 'cause'] as const) {
        jsonataTemplateProblems(state[f], f).forEach((p) => problems.push(`${where}: ${p}`));
      }
      if (state.errorPath !== undefined) checkPath(state.errorPath, 'errorPath');
      if (state.causePath !== undefined) checkPath(state.causePath, 'causePath');
      break;
    case 'pass':
      validateDataFlow(state.dataFlow).forEach((p) => problems.push(`${where}: ${p}`));
      break;
    case 'succeed':
      if (state.dataFlow) problems.push(...endStateFlowProblems(state.dataFlow, where, ['output']));
      break;
    case 'wait': {
      if (state.dataFlow) problems.push(...endStateFlowProblems(state.dataFlow, where, ['output', 'assign']));
      const set = (['seconds', 'secondsPath', 'timestamp', 'timestampPath'] as const).filter((f) => state[f] !== undefined);
      if (set.length !== 1) {
        problems.push(`${where} must set exactly one of seconds, secondsPath, timestamp, timestampPath (it sets ${set.length === 0 ? 'none' : set.join(', ')})`);
      }
      for (const f of ['seconds', 'timestamp'] as const) {
        if (isJsonataExpression(state[f])) jsonataTemplateProblems(state[f], f).forEach((p) => problems.push(`${where}: ${p}`));
      }
      if (typeof state.seconds === 'string' && !isJsonataExpression(state.seconds)) {
        problems.push(`${where}: seconds '${state.seconds}' must be a number or a JSONata expression of the form '{% expression %}'`);
      }
      if (typeof state.seconds === 'number' && (!Number.isInteger(state.seconds) || state.seconds < 0 || state.seconds > MAX_WAIT_SECONDS)) {
        problems.push(`${where}: seconds must be an integer from 0 to ${MAX_WAIT_SECONDS} (got ${state.seconds})`);
      }
      if (state.timestamp !== undefined && !isJsonataExpression(state.timestamp) && parseTimestamp(state.timestamp) === undefined) {
        problems.push(`${where}: timestamp '${state.timestamp}' is not an RFC 3339 timestamp such as 2024-08-18T17:33:00Z (uppercase T, Z or a numeric offset)`);
      }
      if (state.secondsPath !== undefined) checkPath(state.secondsPath, 'secondsPath');
      if (state.timestampPath !== undefined) checkPath(state.timestampPath, 'timestampPath');
      break;
    }
  }
  // A join hands its target a reference to the branch outputs, not the list
  // itself, so only a function (which reads them) or an end may follow it.
  if (state.kind === 'parallel' || state.kind === 'map' || state.kind === 'fanIn') {
    const next = state.next ? byId.get(state.next) : undefined;
    // A Pass or Wait reads the list in the egress that completes the join (the Pass checkpoints its value).
    const allowed = state.kind === 'fanIn' ? ['task', 'succeed', 'fail', 'pass', 'wait'] : ['task', 'succeed', 'fail', 'fanIn', 'pass', 'wait'];
    if (next && !allowed.includes(next.kind)) {
      problems.push(`${where} is followed by ${describe(next)}: the joined list goes to an UnumFunction first; put a function between them`);
    }
  }
  return problems;
}

/** A Wait's or Succeed's data flow: JSONata, with only the fields that state takes (as Step Functions'). */
function endStateFlowProblems(flow: DataFlow, where: string, allowed: string[]): string[] {
  if (!isJsonataFlow(flow)) return [`${where}: its data flow must be JSONata (${allowed.map(jsonataFieldName).join(' and ')})`];
  const extra = Object.keys(flow).filter((f) => f !== 'queryLanguage' && !allowed.includes(f));
  return [
    ...(extra.length > 0 ? [`${where} takes ${allowed.map(jsonataFieldName).join(' and ')} only (it sets ${extra.join(', ')})`] : []),
    ...validateDataFlow(flow).map((p) => `${where}: ${p}`),
  ];
}

function jsonataFieldName(field: string): string {
  return field === 'output' ? 'Output' : field === 'assign' ? 'Assign' : field;
}

/** A Parallel's or Map's data flow: its paths and ResultSelector; Parameters is not supported on them. */
function fanOutDataFlowProblems(state: ParallelState | MapState, where: string): string[] {
  if (!state.dataFlow) return [];
  const problems = validateDataFlow(state.dataFlow).map((p) => `${where}: ${p}`);
  if (state.dataFlow.parameters !== undefined || state.dataFlow.result !== undefined) {
    problems.push(`${where}: only inputPath, resultSelector, resultPath and outputPath apply to a ${state.kind === 'map' ? 'Map' : 'Parallel'}`);
  }
  if (state.kind === 'map' && state.dataFlow.arguments !== undefined) {
    problems.push(`${where}: a Map takes no arguments (as in Step Functions): shape each item's input with itemSelector`);
  }
  return problems;
}

/**
 * A FanIn closes exactly one Parallel or Map: it must be that fan-out's next
 * and nothing else's. A window FanIn (itemOffsets) instead follows one
 * function inside a Map's items; a FanIn over predecessors follows them.
 */
function checkFanInPlacement(graph: WorkflowGraph, analysis: GraphAnalysis): string[] {
  const { byId } = analysis;
  const problems: string[] = [];
  const closers = new Map<string, string[]>();
  const feeders = new Map<string, string[]>();
  for (const state of graph.states) {
    for (const edge of edgesOf(state)) {
      const to = byId.get(edge.to)!;
      // A FanIn over predecessors has its own rules (dag.ts).
      if (to.kind !== 'fanIn' || isDagJoin(to)) continue;
      const fanOut = (state.kind === 'parallel' || state.kind === 'map') && edge.role === 'next';
      if (to.itemOffsets !== undefined) {
        if (fanOut) {
          problems.push(`${describe(to)} has itemOffsets, so it joins neighbouring items inside a Map's item processor; it cannot close ${describe(state)}: remove itemOffsets or move it into the item processor`);
        } else {
          feeders.set(to.id, [...(feeders.get(to.id) ?? []), state.id]);
        }
      } else if (!fanOut) {
        problems.push(`${describe(to)} is reached from ${describe(state)}, which is not a Parallel or Map: a FanIn directly follows the fan-out it joins (parallel.next(fanIn)), or lists the states it waits for as its predecessors`);
      } else {
        closers.set(to.id, [...(closers.get(to.id) ?? []), state.id]);
      }
    }
  }
  for (const [fanIn, fanOuts] of closers) {
    if (fanOuts.length > 1) {
      problems.push(`${describe(byId.get(fanIn)!)} follows ${fanOuts.map((f) => describe(byId.get(f)!)).join(' and ')}: a FanIn joins one fan-out; create one FanIn per Parallel or Map`);
    }
  }
  for (const [fanIn, from] of feeders) {
    const state = byId.get(fanIn) as FanInState;
    const where = describe(state);
    const scope = analysis.scopes.get(fanIn) ?? [];
    if (from.length !== 1 || byId.get(from[0])!.kind !== 'task') {
      problems.push(`${where} (itemOffsets) must follow exactly one UnumFunction, whose outputs of neighbouring items it joins (it follows ${from.map((f) => describe(byId.get(f)!)).join(', ')})`);
    }
    if (scope.length === 0 || scope[scope.length - 1].branch !== -1) {
      problems.push(`${where} (itemOffsets) joins neighbouring items of a Map: put it in a Map's item processor`);
    }
    const offsets = state.itemOffsets!;
    if (offsets.length === 0 || offsets.length > 16 || !offsets.every(Number.isInteger) || new Set(offsets).size !== offsets.length) {
      problems.push(`${where}: itemOffsets must be 1 to 16 distinct integers such as [0, -1] (got ${JSON.stringify(offsets)})`);
    }
    const next = state.next ? byId.get(state.next) : undefined;
    if (next?.kind !== 'task') {
      problems.push(`${where} (itemOffsets) must be followed by the UnumFunction that receives the neighbouring outputs`);
    }
  }
  return problems;
}

/**
 * Every loop needs a function to run and a Choice that can leave it: with
 * the exiting Choices removed, no cycle may remain (a component can hold
 * several loops, each needs its own way out).
 */
function checkLoops(analysis: GraphAnalysis): string[] {
  const problems: string[] = [];
  for (const cycle of analysis.cycles) {
    const members = new Set(cycle);
    const states = cycle.map((id) => analysis.byId.get(id)!);
    if (!states.some((s) => s.kind === 'task')) {
      problems.push(`the loop ${cycle.join(' -> ')} -> ${cycle[0]} runs no UnumFunction: a loop must do work between its checks`);
      continue;
    }
    const exits = new Set(states
      .filter((s) => s.kind === 'choice' && (s.otherwise === undefined || edgesOf(s).some((e) => !members.has(e.to))))
      .map((s) => s.id));
    const unguarded = findCycleAvoiding(cycle, exits, analysis.byId);
    if (unguarded) {
      problems.push(`the loop ${unguarded.join(' -> ')} -> ${unguarded[0]} has no guard: add a Choice in the loop with a branch that leaves it (e.g. when(done, exit).otherwise(again))`);
    }
  }
  return problems;
}

/** A cycle among `component` that passes through none of `avoid`, if any. */
function findCycleAvoiding(component: readonly string[], avoid: ReadonlySet<string>, byId: ReadonlyMap<string, GraphState>): string[] | undefined {
  const inside = new Set(component.filter((id) => !avoid.has(id)));
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'open') return path.slice(path.indexOf(id));
    if (state.get(id) === 'done') return undefined;
    state.set(id, 'open');
    path.push(id);
    for (const edge of edgesOf(byId.get(id)!)) {
      if (!inside.has(edge.to)) continue;
      const found = visit(edge.to);
      if (found) return found;
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of inside) {
    const found = visit(id);
    if (found) return found;
  }
  return undefined;
}
