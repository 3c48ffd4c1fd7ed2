import { edgeKey } from '../compiler/analysis';
import { GraphState, KIND_LABEL, WorkflowGraph } from '../compiler/graph';
import { validateGraph } from '../compiler/validate';
import { ConditionJson } from '../protocol/conditions';
import { RetryRule } from '../protocol/config';

/**
 * The picture of a workflow as plain data, drawn from the same WorkflowGraph
 * the compiler compiles: every writer (Mermaid, DOT, the toolkit's SVG)
 * draws this model, so they show the same boxes, edges and labels.
 *
 * Parallel and Map states are boxes (clusters) that hold what runs inside
 * them; every other state is a node. Edges into a Parallel or Map end at its
 * box, and its `next` leaves from the box, which is how the join reads.
 */
export interface WorkflowPicture {
  readonly name: string;
  /** Picture id of the start state (a node or a box). */
  readonly start: string;
  readonly nodes: readonly PictureNode[];
  readonly clusters: readonly PictureCluster[];
  readonly edges: readonly PictureEdge[];
}

export type PictureNodeKind = Exclude<GraphState['kind'], 'parallel' | 'map'>;

export interface PictureNode {
  /** An id safe in Mermaid and DOT: letters, digits and underscores, unique among nodes and clusters. */
  readonly id: string;
  /** The state's id in the workflow. */
  readonly state: string;
  readonly kind: PictureNodeKind;
  /** The kind's name, e.g. `UnumFunction`. */
  readonly kindLabel: string;
  /** Lines under the state id: retries, wait time, the error a Fail records, what a FanIn joins. */
  readonly details: readonly string[];
  /** The box the node is drawn in (undefined: the top level). */
  readonly parent?: string;
}

export interface PictureCluster {
  readonly id: string;
  /** `parallel` and `map` are states; `branch` is one branch of a Parallel. */
  readonly kind: 'parallel' | 'map' | 'branch';
  /** The Parallel or Map state (for a branch: the Parallel it belongs to). */
  readonly state: string;
  /** Branch number from 1, for a branch. */
  readonly branch?: number;
  readonly title: string;
  readonly details: readonly string[];
  readonly parent?: string;
}

export type PictureEdgeKind = 'next' | 'choice' | 'default' | 'catch';

export interface PictureEdge {
  /** Picture id of a node or a box. */
  readonly from: string;
  readonly to: string;
  readonly kind: PictureEdgeKind;
  /** A Choice rule, `default`, or the errors a catch takes. */
  readonly label?: string;
  /** A back edge: it closes a loop to an earlier state. */
  readonly loop: boolean;
}

/** Ids Mermaid reads as keywords; a state with one of these names gets a suffix. */
const RESERVED = new Set(['end', 'graph', 'subgraph', 'flowchart', 'style', 'class', 'classDef', 'click', 'linkStyle', 'direction', 'default']);

/** The picture of a valid workflow graph (throws WorkflowGraphError as the compiler does for an invalid one). */
export function workflowPicture(graph: WorkflowGraph): WorkflowPicture {
  const analysis = validateGraph(graph);
  const ids = new PictureIds();
  const pictureId = new Map(graph.states.map((s) => [s.id, ids.take(s.id)]));
  const branchIds = new Map(graph.states.flatMap((s) => (s.kind === 'parallel' ? s.branches.map((_, i) => [`${s.id}\u0000${i}`, ids.take(`${s.id}__b${i + 1}`)]) : [])) as Array<[string, string]>);
  const branchId = (fanout: string, branch: number): string => branchIds.get(`${fanout}\u0000${branch}`)!;
  const parentOf = (state: string): string | undefined => {
    const scope = analysis.scopes.get(state) ?? [];
    if (scope.length === 0) return undefined;
    const inner = scope[scope.length - 1];
    return inner.branch >= 0 ? branchId(inner.fanout, inner.branch) : pictureId.get(inner.fanout);
  };

  const nodes: PictureNode[] = [];
  const clusters: PictureCluster[] = [];
  const edges: PictureEdge[] = [];
  const edge = (from: GraphState, to: string, kind: PictureEdgeKind, label?: string): void => {
    const loop = analysis.backEdges.has(edgeKey(from.id, to));
    edges.push({ from: pictureId.get(from.id)!, to: pictureId.get(to)!, kind, ...(label !== undefined ? { label } : {}), loop });
  };

  for (const state of graph.states) {
    const id = pictureId.get(state.id)!;
    const parent = parentOf(state.id);
    const within = parent !== undefined ? { parent } : {};
    switch (state.kind) {
      case 'parallel':
        clusters.push({ id, kind: 'parallel', state: state.id, title: `Parallel ${state.id}`, details: [], ...within });
        state.branches.forEach((_, i) => {
          const bid = branchId(state.id, i);
          clusters.push({ id: bid, kind: 'branch', state: state.id, branch: i + 1, title: `branch ${i + 1}`, details: [], parent: id });
        });
        if (state.next) edge(state, state.next, 'next');
        break;
      case 'map':
        clusters.push({ id, kind: 'map', state: state.id, title: `Map ${state.id}`, details: mapDetails(state), ...within });
        if (state.next) edge(state, state.next, 'next');
        break;
      default:
        nodes.push({ id, state: state.id, kind: state.kind, kindLabel: KIND_LABEL[state.kind], details: nodeDetails(state), ...within });
    }
    switch (state.kind) {
      case 'task':
        if (state.next) edge(state, state.next, 'next');
        (state.catch ?? []).forEach((c) => edge(state, c.next, 'catch', `catch ${c.errors.join(', ')}`));
        break;
      case 'choice':
        state.choices.forEach((c) => edge(state, c.next, 'choice', conditionText(c.condition)));
        if (state.otherwise) edge(state, state.otherwise, 'default', 'default');
        break;
      case 'fanIn':
      case 'pass':
      case 'wait':
        if (state.next) edge(state, state.next, 'next');
        break;
      default:
        break;
    }
  }
  // A DAG join's predecessors reach it with their own edges; unreachable states are not drawn.
  const drawn = new Set([...nodes.map((n) => n.id), ...clusters.map((c) => c.id)]);
  return {
    name: graph.name,
    start: pictureId.get(graph.start)!,
    nodes: nodes.filter((n) => analysis.scopes.has(n.state)),
    clusters: clusters.filter((c) => analysis.scopes.has(c.state)),
    edges: edges.filter((e) => drawn.has(e.from) && drawn.has(e.to)),
  };
}

/** Retries, as the runtime applies them: `retry 3x States.ALL (1 s, x2)`. */
export function retryText(rule: RetryRule): string {
  const backoff = rule.backoffRate !== 1 ? `, x${rule.backoffRate}` : '';
  const cap = rule.maxDelaySeconds !== undefined ? `, at most ${rule.maxDelaySeconds} s` : '';
  const jitter = rule.jitter === 'FULL' ? ', jitter' : '';
  return `retry ${rule.maxAttempts}x ${rule.errors.join(', ')} (${rule.intervalSeconds} s${backoff}${cap}${jitter})`;
}

const SYMBOLS: Record<string, string> = {
  Equals: '==', LessThan: '<', GreaterThan: '>', LessThanEquals: '<=', GreaterThanEquals: '>=', Matches: 'matches',
};
const TYPE_TESTS: Record<string, string> = {
  isPresent: 'present', isNull: 'null', isString: 'a string', isNumeric: 'numeric', isBoolean: 'a boolean', isTimestamp: 'a timestamp',
};

/** A Choice rule as a short text: `$.n > 5 and $.kind == "a"`. */
export function conditionText(condition: ConditionJson): string {
  switch (condition.op) {
    case 'and':
    case 'or':
      return condition.conditions.map((c) => (isCompound(c) ? `(${conditionText(c)})` : conditionText(c))).join(` ${condition.op} `);
    case 'not':
      return `not ${isCompound(condition.condition) ? `(${conditionText(condition.condition)})` : conditionText(condition.condition)}`;
    default:
      break;
  }
  if (condition.op in TYPE_TESTS) {
    const c = condition as { op: string; path: string; value: boolean };
    return `${c.path} is ${c.value ? '' : 'not '}${TYPE_TESTS[c.op]}`;
  }
  const path = condition.op.endsWith('Path');
  const op = path ? condition.op.slice(0, -'Path'.length) : condition.op;
  const symbol = SYMBOLS[op.replace(/^(string|number|boolean|timestamp)/, '')] ?? op;
  const c = condition as { path: string; value?: unknown; otherPath?: string };
  return `${c.path} ${symbol} ${path ? c.otherPath : JSON.stringify(c.value)}`;
}

function isCompound(c: ConditionJson): boolean {
  return c.op === 'and' || c.op === 'or';
}

function nodeDetails(state: GraphState): string[] {
  switch (state.kind) {
    case 'task':
      return (state.retry ?? []).filter((r) => r.maxAttempts > 0).map(retryText);
    case 'wait':
      if (state.seconds !== undefined) return [`wait ${state.seconds} s`];
      if (state.secondsPath !== undefined) return [`wait ${state.secondsPath} s`];
      return [`wait until ${state.timestamp ?? state.timestampPath}`];
    case 'fail':
      return [state.error !== undefined ? `error ${state.error}` : state.errorPath !== undefined ? `error from ${state.errorPath}` : 'error States.Fail'];
    case 'fanIn':
      if (state.predecessors) return [`joins ${state.predecessors.join(', ')}`];
      if (state.itemOffsets) return [`joins items ${state.itemOffsets.map((o) => (o > 0 ? `+${o}` : String(o))).join(', ')}`];
      return [];
    default:
      return [];
  }
}

function mapDetails(state: GraphState & { kind: 'map' }): string[] {
  return [
    ...(state.itemsPath !== undefined ? [`items ${state.itemsPath}`] : []),
    ...(state.width !== undefined ? [`${state.width} items`] : []),
    ...(state.maxConcurrency ? [`at most ${state.maxConcurrency} at once`] : []),
  ];
}

/** Unique ids made of letters, digits and underscores. */
class PictureIds {
  private readonly used = new Set<string>();

  take(stateId: string): string {
    let base = stateId.replace(/[^A-Za-z0-9_]/g, '_');
    if (!/^[A-Za-z]/.test(base) || RESERVED.has(base)) base = `s_${base}`;
    let id = base;
    for (let i = 2; this.used.has(id); i++) id = `${base}_${i}`;
    this.used.add(id);
    return id;
  }
}
