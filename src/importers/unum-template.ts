import { IdAllocator, Plan, PlanState, PlanTask } from './plan';
import { isLastInstance, parseConditional, show, toConditionJson, ConditionalError, CondExpr } from './unum-conditional';
import { parseValueName, readUnumConfig, UnumConfig, UnumEdge, unumImportError, windowValues, WindowValue } from './unum-config';
import { ConditionJson } from '../protocol/conditions';

/**
 * An original unum application (LedgeDash/unum-appstore layout): the
 * `unum-template.yaml` (Globals, Functions with CodeUri/Runtime) and each
 * function's `unum_config.json`. The decentralised continuations are put
 * back into structure: `Next` a chain, a list of `Next` a Parallel, `Map` a
 * Map, `Conditional`s a Choice, and the `Fan-in` that every branch (or item)
 * ends with the join that closes the Parallel (or Map). The functions'
 * directories are used as they are: Python UnumFunctions with
 * `app.lambda_handler`.
 */

/** The application, already parsed (the toolkit reads the YAML and JSON files). */
export interface UnumApp {
  /** unum-template.yaml as an object. */
  readonly template: unknown;
  /** Each function's unum_config.json as an object, by the function's name in the template. */
  readonly configs: Readonly<Record<string, unknown>>;
}

export interface UnumImportOptions {
  /** Workflow name (default: Globals.ApplicationName, else `unum-app`). */
  readonly name?: string;
}

export interface UnumFunctionEntry {
  readonly name: string;
  /** The function's directory, relative to the template (CodeUri without its trailing slash). */
  readonly codeUri: string;
}

type Json = Record<string, unknown>;

const GLOBALS: Record<string, string | undefined> = {
  ApplicationName: undefined,
  UnumIntermediaryDataStoreType: 'outputs travel through the workflow\'s IntermediaryStore (DynamoDB, with S3 for large payloads) that cdk-unum creates',
  UnumIntermediaryDataStoreName: 'the IntermediaryStore is created (or imported with IntermediaryStore.fromTableName) by the generated app',
  FaaSPlatform: undefined,
  Checkpoint: 'cdk-unum checkpoints every function\'s output (it is how retries and duplicates meet the same result)',
  Debug: 'functions log to CloudWatch Logs; sessions and failures are recorded in the store (`unum status`)',
  MemorySize: undefined,
  Timeout: undefined,
  Runtime: undefined,
};
const PROPERTIES = new Set(['CodeUri', 'Runtime', 'Start', 'MemorySize', 'Timeout', 'Handler']);
/** The Python runtimes cdk-unum's UnumFunction runs; older ones (the appstore's python3.8) move to python3.12. */
const PYTHON = ['python3.11', 'python3.12', 'python3.13'];

/** The functions of a template and their directories (what the toolkit reads unum_config.json from). */
export function unumFunctions(template: unknown): UnumFunctionEntry[] {
  const t = template as Json;
  const fns = t && typeof t === 'object' ? t.Functions : undefined;
  if (!fns || typeof fns !== 'object' || Array.isArray(fns) || Object.keys(fns).length === 0) {
    throw unumImportError(['unum-template.yaml: Functions must map each function\'s name to its Properties (CodeUri, Runtime)']);
  }
  const problems: string[] = [];
  const out: UnumFunctionEntry[] = [];
  for (const [name, def] of Object.entries(fns as Json)) {
    const codeUri = (def as Json | null)?.Properties && ((def as Json).Properties as Json).CodeUri;
    if (typeof codeUri !== 'string' || codeUri.trim() === '') {
      problems.push(`function '${name}', field 'Properties.CodeUri': the function's directory is missing`);
      continue;
    }
    out.push({ name, codeUri: codeUri.replace(/[\\/]+$/, '') || '.' });
  }
  if (problems.length > 0) throw unumImportError(problems);
  return out;
}

export function translateUnumTemplate(app: UnumApp, options: UnumImportOptions = {}): Plan {
  return new UnumTranslator(app, options).translate();
}

/** Where a function runs: the top level, a branch of a Parallel, or the item processor of a Map. */
interface Scope {
  readonly kind: 'top' | 'branch' | 'item';
  /** How many fan-outs enclose it (the length of unum's Fan-out stack). */
  readonly depth: number;
  /** The branch's position in the Parallel's Next list. */
  readonly index?: number;
  /** What started it, for messages. */
  readonly label: string;
  /** The functions in it whose continuation is a fan-in (they end the scope). */
  readonly closers: Array<{ readonly fn: string; readonly edge: UnumEdge }>;
}

class UnumTranslator {
  private readonly problems: string[] = [];
  private readonly notes: string[] = [];
  private readonly states: PlanState[] = [];
  private readonly ids = new IdAllocator();
  private readonly configs = new Map<string, UnumConfig>();
  private readonly tasks = new Map<string, { task: PlanTask & { next?: string }; scope: Scope }>();
  private readonly taskIds = new Map<string, string>();
  private readonly globals: Json;
  private readonly functions: Json;

  constructor(private readonly app: UnumApp, private readonly options: UnumImportOptions) {
    const t = (app.template ?? {}) as Json;
    this.globals = (t.Globals && typeof t.Globals === 'object' ? t.Globals : {}) as Json;
    this.functions = (t.Functions ?? {}) as Json;
  }

  translate(): Plan {
    const entries = unumFunctions(this.app.template);
    const t = this.app.template as Json;
    for (const key of Object.keys(t)) {
      if (key !== 'Globals' && key !== 'Functions') this.problems.push(`unum-template.yaml, field '${key}': not part of an unum template (Globals, Functions)`);
    }
    this.readGlobals();
    let start: string[] = [];
    for (const { name } of entries) {
      if (!(name in this.app.configs)) {
        this.problems.push(`function '${name}': no unum_config.json in its CodeUri directory (an end function has {})`);
        continue;
      }
      const config = readUnumConfig(name, this.app.configs[name], this.problems);
      this.configs.set(name, config);
      const props = ((this.functions[name] as Json).Properties ?? {}) as Json;
      if (config.start || props.Start === true) start.push(name);
      this.taskIds.set(name, this.ids.allocate(name));
    }
    for (const config of [...this.configs.values()]) {
      const known = config.edges.filter((e) => {
        if (this.configs.has(e.to)) return true;
        if (!entries.some((x) => x.name === e.to)) this.problems.push(`function '${config.name}', field '${e.field}': '${e.to}' is not a function of unum-template.yaml`);
        return false;
      });
      this.configs.set(config.name, { ...config, edges: known });
    }
    if (start.length !== 1) {
      this.problems.push(start.length === 0
        ? 'no entry function: set Start: true on one function (in unum-template.yaml Properties or its unum_config.json)'
        : `several entry functions (${start.join(', ')}): an unum workflow has exactly one function with Start: true`);
      throw unumImportError(this.problems);
    }
    // The structure is still checked when a configuration has problems, so that one run lists them all.
    const top: Scope = { kind: 'top', depth: 0, label: 'the workflow', closers: [] };
    const first = this.visit(start[0], top);
    for (const c of top.closers) {
      this.problems.push(`function '${c.fn}', field '${c.edge.inputField}': a fan-in outside any fan-out (no Map or list of Next before it) has nothing to wait for`);
    }
    for (const name of this.configs.keys()) {
      if (!this.tasks.has(name)) this.problems.push(`function '${name}': no continuation from the entry function '${start[0]}' reaches it, so it would never run`);
    }
    if (this.problems.length > 0) throw unumImportError(this.problems);
    const name = this.options.name ?? (typeof this.globals.ApplicationName === 'string' ? this.globals.ApplicationName : 'unum-app');
    return { name, start: first, states: this.states, notes: this.notes };
  }

  private readGlobals(): void {
    for (const [key, value] of Object.entries(this.globals)) {
      if (!(key in GLOBALS)) {
        this.problems.push(`unum-template.yaml, field 'Globals.${key}': not an unum global (known: ${Object.keys(GLOBALS).join(', ')})`);
        continue;
      }
      const note = GLOBALS[key];
      if (note) this.notes.push(`Globals.${key} (${String(value)}): not applicable — ${note}`);
    }
    if (this.globals.FaaSPlatform !== undefined && this.globals.FaaSPlatform !== 'aws') {
      this.problems.push(`unum-template.yaml, field 'Globals.FaaSPlatform': '${String(this.globals.FaaSPlatform)}' — cdk-unum deploys to AWS Lambda only`);
    }
  }

  /** The task of `fn` in `scope`, built on first sight with everything after it; its id. */
  private visit(fn: string, scope: Scope): string {
    const id = this.taskIds.get(fn)!;
    const seen = this.tasks.get(fn);
    if (seen) {
      // The same scope: paths meeting again after a Choice, or a loop.
      if (seen.scope !== scope) {
        this.problems.push(`function '${fn}': reached from ${seen.scope.label} and from ${scope.label}; in unum it would run once for each, `
          + 'in cdk-unum a function is one node — close the fan-out with a Fan-in before it, or use a separate function per path');
      }
      return id;
    }
    const task: PlanTask & { next?: string } = { kind: 'task', id, source: fn, functionKeys: [fn], python: this.code(fn) };
    const timeout = this.property(fn, 'Timeout');
    if (typeof timeout === 'number') (task as { timeoutSeconds?: number }).timeoutSeconds = timeout;
    this.tasks.set(fn, { task, scope });
    this.states.push(task);
    const next = this.continueAfter(fn, this.configs.get(fn)!.edges, scope);
    if (next !== undefined) task.next = next;
    return id;
  }

  private property(fn: string, key: string): unknown {
    const props = ((this.functions[fn] as Json).Properties ?? {}) as Json;
    return props[key] ?? this.globals[key];
  }

  private code(fn: string): NonNullable<PlanTask['python']> {
    const props = ((this.functions[fn] as Json).Properties ?? {}) as Json;
    for (const key of Object.keys(props)) {
      if (!PROPERTIES.has(key)) this.problems.push(`function '${fn}', field 'Properties.${key}': not kept by the import (known: ${[...PROPERTIES].join(', ')})`);
    }
    const runtime = this.property(fn, 'Runtime') ?? 'python3.12';
    let target = 'python3.12';
    const m = typeof runtime === 'string' ? /^python3\.(\d+)$/.exec(runtime) : null;
    if (!m) {
      this.problems.push(`function '${fn}', field 'Properties.Runtime': '${String(runtime)}' — original unum functions are Python (python3.x)`);
    } else if (PYTHON.includes(runtime as string)) {
      target = runtime as string;
    } else if (Number(m[1]) > 13) {
      this.problems.push(`function '${fn}', field 'Properties.Runtime': '${runtime}' is newer than the Python runtimes cdk-unum supports (${PYTHON.join(', ')})`);
    } else {
      this.notes.push(`${fn}: Runtime ${runtime} is older than the Python runtimes cdk-unum runs (${PYTHON.join(', ')}); it runs on ${target}`);
    }
    const handler = props.Handler ?? 'app.lambda_handler';
    const h = typeof handler === 'string' ? /^([A-Za-z_][\w/]*)\.([A-Za-z_]\w*)$/.exec(handler) : null;
    if (!h) this.problems.push(`function '${fn}', field 'Properties.Handler': '${String(handler)}' must be <module>.<function>, e.g. app.lambda_handler`);
    const memory = this.property(fn, 'MemorySize');
    if (memory !== undefined && typeof memory !== 'number') this.problems.push(`function '${fn}', field 'MemorySize': must be a number of MB`);
    return {
      entry: unumFunctions(this.app.template).find((e) => e.name === fn)!.codeUri,
      index: `${h ? h[1] : 'app'}.py`,
      handler: h ? h[2] : 'lambda_handler',
      runtime: target,
      ...(typeof memory === 'number' ? { memorySize: memory } : {}),
    };
  }

  /** The state after `fn` (undefined: its scope ends there). */
  private continueAfter(fn: string, edges: readonly UnumEdge[], scope: Scope): string | undefined {
    if (edges.length === 0) return undefined;
    const joins = edges.filter((e) => e.input.kind === 'fanIn' || e.input.kind === 'waitFor');
    if (joins.length > 0) {
      if (edges.length > 1) {
        this.problems.push(`function '${fn}', field 'Next': a fan-in together with other continuations; cdk-unum ends a branch with one join — give the other continuations to the function after the join`);
        return undefined;
      }
      const edge = joins[0];
      const window = windowValues(edge);
      if (window) return this.window(fn, edge, window, scope);
      if (edge.conditional !== undefined) {
        const cond = this.parse(fn, edge);
        if (cond && !(isLastInstance(cond) && scope.kind === 'item')) {
          this.problems.push(`function '${fn}', field '${edge.field}.Conditional': '${edge.conditional}' on a fan-in decides which instances join; `
            + 'cdk-unum joins every branch that runs (only "$0 == $size - 1" on a Map\'s fan-in, where the last item invokes the join, can be kept)');
        } else if (cond) {
          this.notes.push(`${fn}: Conditional '${edge.conditional}' (the last item invokes the fan-in) is not needed: whichever item completes the join invokes ${edge.to}`);
        }
      }
      scope.closers.push({ fn, edge });
      return undefined;
    }
    const conditional = edges.filter((e) => e.conditional !== undefined);
    if (conditional.length > 0) {
      if (conditional.length !== edges.length) {
        this.problems.push(`function '${fn}', field 'Next': some continuations have a Conditional and some not; cdk-unum cannot start one path always and others on a condition after the same function — put the unconditional one into a Parallel branch of its own`);
        return undefined;
      }
      return this.choice(fn, edges, scope);
    }
    if (edges.length === 1) return this.follow(fn, edges[0], scope);
    return this.parallel(fn, edges, scope);
  }

  /**
   * A fan-in whose Values name outputs at indexes computed from the item's
   * own ($0, $0-1, ($0+1)): a window FanIn when every name is this function's
   * output in the same Map, with the offsets in Values order; the next
   * function stays in the item. Anything else is refused with the reason.
   */
  private window(fn: string, edge: UnumEdge, values: readonly WindowValue[], scope: Scope): string | undefined {
    const where = `function '${fn}', field '${edge.inputField}'`;
    const bad = (why: string) => { this.problems.push(`${where}: ${why}`); return undefined; };
    if (scope.kind !== 'item') return bad(`${JSON.stringify(edge.input.kind === 'fanIn' ? edge.input.values : [])} names neighbouring items, but ${fn} is not inside a Map (InputType "Map"); a window join needs the items of a Map`);
    // The enclosing Maps' indexes, when written, must be the instance's own ($1 … outermost first).
    const prefix = Array.from({ length: scope.depth - 1 }, (_, k) => `$${scope.depth - 1 - k}`);
    for (const v of values) {
      if (v.fn === edge.to) {
        return bad(`'${v.name}' names ${edge.to}'s own output at another item: a recurrence (a sequential fold or rebase chain, each step waiting for the previous step), `
          + 'which a window FanIn cannot express — it joins neighbouring outputs of the one function before it; write the fold by hand (e.g. a FanIn over the whole Map, then one function that folds in order)');
      }
      if (v.fn !== fn) {
        return bad(`'${v.name}' names ${v.fn}'s output; a window FanIn (itemOffsets) joins neighbouring outputs of the one function before it (${fn}), `
          + `so every value must be ${fn}-unumIndex-<$0 ± k> — joins across several functions' items (as ExCamera's vpxenc/xcdec) must be written by hand`);
      }
      if (v.offset === undefined) return bad(`'${v.name}': the index must be $0, $0-k or $0+k (optionally in parentheses) for a window join`);
      if (v.outer.length > 1 && (v.outer.length !== scope.depth || v.outer.slice(0, -1).some((p, k) => p !== prefix[k]))) {
        return bad(`'${v.name}': the enclosing Maps' index parts must be the item's own (${[...prefix, '$0'].join('.')}); a window joins items of the innermost Map only`);
      }
    }
    const offsets = values.map((v) => v.offset!);
    if (new Set(offsets).size !== offsets.length || offsets.length > 16) return bad(`offsets ${JSON.stringify(offsets)}: a window names 1 to 16 distinct items`);
    if (edge.conditional !== undefined) {
      this.problems.push(`function '${fn}', field '${edge.field}.Conditional': '${edge.conditional}' on a neighbouring-item fan-in decides which items continue; `
        + `cdk-unum's window join continues every item (an item outside the Map gives null) — drop the Conditional and let ${edge.to} handle null`);
      return undefined;
    }
    const id = this.ids.allocate(`${fn}-window`);
    const state: PlanState & { next?: string } = { kind: 'window', id, itemOffsets: offsets, comment: `${edge.to} of item i gets ${fn} of items ${offsets.map((o) => (o === 0 ? 'i' : `i${o > 0 ? '+' : ''}${o}`)).join(', ')}` };
    this.states.push(state);
    if (offsets.some((o) => o !== 0)) {
      this.notes.push(`${fn}: the Fan-in ${JSON.stringify(values.map((v) => v.name))} is a window FanIn (itemOffsets ${JSON.stringify(offsets)}); `
        + `an item outside the Map (e.g. item 0's $0-1) is null, where the original would wait for it forever: ${edge.to} must accept null`);
    }
    state.next = this.visit(edge.to, scope);
    return id;
  }

  private parse(fn: string, edge: UnumEdge): CondExpr | undefined {
    try {
      return parseConditional(edge.conditional!);
    } catch (e) {
      if (!(e instanceof ConditionalError)) throw e;
      this.problems.push(`function '${fn}', field '${edge.field}.Conditional': '${edge.conditional}': ${e.message}`);
      return undefined;
    }
  }

  private choice(fn: string, edges: readonly UnumEdge[], scope: Scope): string {
    const id = this.ids.allocate(`${fn}-choice`);
    const noMatch = this.ids.allocate(`${fn}-no-match`);
    const rules: Array<{ condition: ConditionJson; next: string }> = [];
    const conditions: Array<{ expr: CondExpr; edge: UnumEdge }> = [];
    for (const edge of edges) {
      const expr = this.parse(fn, edge);
      if (!expr) continue;
      try {
        rules.push({ condition: toConditionJson(expr), next: '' });
        conditions.push({ expr, edge });
      } catch (e) {
        if (!(e instanceof ConditionalError)) throw e;
        this.problems.push(`function '${fn}', field '${edge.field}.Conditional': ${e.message}`);
      }
    }
    if (conditions.length > 1 && !exclusive(conditions.map((c) => c.expr))) {
      this.problems.push(`function '${fn}', field 'Next': the Conditionals ${conditions.map((c) => `'${c.edge.conditional}'`).join(', ')} may hold together; `
        + 'unum then starts every matching function, a cdk-unum Choice starts the first — make them exclusive (e.g. $ret == \'a\' / $ret == \'b\')');
    }
    this.states.push({ kind: 'choice', id, source: fn, comment: `the Conditionals of ${fn}`, rules, otherwise: noMatch });
    // No Conditional true: the original invoked nothing, so the path ends with the function's output.
    this.states.push({ kind: 'succeed', id: noMatch, comment: `no Conditional of ${fn} holds` });
    conditions.forEach((c, i) => {
      const next = this.follow(fn, c.edge, scope);
      (rules[i] as { next: string }).next = next ?? noMatch;
    });
    if (conditions.length > 1) this.notes.push(`${fn}: Conditionals ${conditions.map((c) => show(c.expr)).join(' / ')} become a Choice on its output`);
    return id;
  }

  /** A single continuation: the next function, or a Map over the output. */
  private follow(fn: string, edge: UnumEdge, scope: Scope): string | undefined {
    if (edge.input.kind === 'scalar') return this.visit(edge.to, scope);
    if (edge.input.kind !== 'map') return undefined;
    const id = this.ids.allocate(`${fn}-map`);
    const item: Scope = { kind: 'item', depth: scope.depth + 1, label: `the Map after '${fn}'`, closers: [] };
    const map: PlanState & { next?: string } = { kind: 'map', id, iterator: '', comment: `one ${edge.to} per item of ${fn}'s output` };
    this.states.push(map);
    (map as { iterator: string }).iterator = this.visit(edge.to, item);
    const next = this.close([item], scope, `the Map after '${fn}'`);
    if (next !== undefined) map.next = next;
    return id;
  }

  private parallel(fn: string, edges: readonly UnumEdge[], scope: Scope): string {
    const id = this.ids.allocate(`${fn}-parallel`);
    const seen = new Set<string>();
    for (const e of edges) {
      if (e.input.kind === 'map') {
        this.problems.push(`function '${fn}', field '${e.inputField}': a Map to several functions (${edges.map((x) => x.to).join(', ')}) has no cdk-unum counterpart — map to one function that starts a Parallel`);
        return id;
      }
      if (seen.has(e.to)) {
        this.problems.push(`function '${fn}', field '${e.field}': '${e.to}' appears twice in Next; in cdk-unum a function is one node — use a separate function per branch`);
        return id;
      }
      seen.add(e.to);
    }
    const par: PlanState & { next?: string } = { kind: 'parallel', id, branches: [], comment: `the Next list of ${fn}` };
    this.states.push(par);
    const branches: Scope[] = edges.map((e, i) => ({ kind: 'branch', depth: scope.depth + 1, index: i, label: `branch ${i} (${e.to}) of '${fn}'`, closers: [] }));
    (par as unknown as { branches: string[] }).branches = edges.map((e, i) => this.visit(e.to, branches[i]));
    const next = this.close(branches, scope, `the Next list of '${fn}'`);
    if (next !== undefined) par.next = next;
    return id;
  }

  /**
   * The join that closes a fan-out: every branch (or the item) ends in one
   * function whose Fan-in names exactly the branch ends (or all items) and
   * the same next function. Returns that function's state, built in `outer`.
   */
  private close(inner: readonly Scope[], outer: Scope, what: string): string | undefined {
    const closers = inner.flatMap((s) => s.closers.map((c) => ({ ...c, scope: s })));
    if (closers.length === 0) return undefined;
    const targets = [...new Set(closers.map((c) => c.edge.to))];
    const where = (c: { fn: string; edge: UnumEdge }) => `function '${c.fn}', field '${c.edge.inputField}'`;
    if (targets.length > 1) {
      this.problems.push(`${what}: its branches fan in to different functions (${targets.join(', ')}); a cdk-unum join has one next function`);
      return undefined;
    }
    const without = inner.filter((s) => s.closers.length === 0);
    if (without.length > 0) {
      this.problems.push(`${what}: ${without.map((s) => s.label).join(', ')} end${without.length === 1 ? 's' : ''} without the Fan-in to ${targets[0]} that the other branches wait in; unum's fan-in would wait for ${without.length === 1 ? 'it' : 'them'} forever`);
      return undefined;
    }
    const several = inner.filter((s) => new Set(s.closers.map((c) => c.fn)).size > 1);
    if (several.length > 0) {
      this.problems.push(`${what}: ${several[0].label} reaches the fan-in from several functions (${[...new Set(several[0].closers.map((c) => c.fn))].join(', ')}); end each branch in one function`);
      return undefined;
    }
    const ends = inner.map((s) => s.closers[0].fn);
    for (const c of closers) {
      const problem = this.checkValues(c, inner, ends, outer.depth + 1);
      if (problem) this.problems.push(`${where(c)}: ${problem}`);
    }
    return this.visit(targets[0], outer);
  }

  /** Why a closer's Values do not name exactly the fan-out's branch ends (or every item), or undefined. */
  private checkValues(c: { fn: string; edge: UnumEdge }, inner: readonly Scope[], ends: readonly string[], depth: number): string | undefined {
    const isMap = inner[0].kind === 'item';
    const input = c.edge.input;
    if (input.kind === 'waitFor') {
      if (isMap !== input.map) return isMap ? 'WaitFor lists functions, but this fan-in closes a Map: use WaitFor "Map"' : 'WaitFor "Map", but this fan-in closes a list of Next (a Parallel): list the other branches\' last functions';
      if (isMap) return undefined;
      const named = new Set([c.fn, ...input.functions]);
      if (named.size !== ends.length || !ends.every((e) => named.has(e))) return `WaitFor must name the last functions of the other branches (${ends.filter((e) => e !== c.fn).join(', ')})`;
      return undefined;
    }
    if (input.kind !== 'fanIn') return undefined;
    // Index parts: the enclosing fan-outs as $N (outermost first) or left out, then this fan-out's.
    const prefix = Array.from({ length: depth - 1 }, (_, k) => `$${depth - 1 - k}`);
    const expected = isMap ? [`${ends[0]}-unumIndex-*`] : ends.map((e, i) => `${e}-unumIndex-${i}`);
    const describe = `Values must be ${JSON.stringify(expected)} (the ${isMap ? 'outputs of every item' : 'branch ends in Next order'})`;
    if (input.values.length !== expected.length) return `${JSON.stringify(input.values)}: ${describe}`;
    for (let i = 0; i < expected.length; i++) {
      const v = parseValueName(input.values[i]);
      const want = isMap ? { fn: ends[0], last: '*' } : { fn: ends[i], last: String(i) };
      const index = v?.index ?? [];
      const okPrefix = index.length === 1 || (index.length === depth && index.slice(0, -1).every((p, k) => p === prefix[k]));
      if (!v || v.fn !== want.fn || index[index.length - 1] !== want.last || !okPrefix) {
        return `'${input.values[i]}' in ${JSON.stringify(input.values)}: ${describe}`;
      }
    }
    return undefined;
  }
}

/**
 * Whether at most one of the conditions can hold: each is `$ret` (or one
 * field of it) equal to a literal, all on the same path, with distinct
 * values. Anything else may overlap.
 */
function exclusive(exprs: readonly CondExpr[]): boolean {
  const keys = exprs.map((e) => {
    if (e.kind !== 'compare' || e.op !== '==') return undefined;
    const [ret, lit] = e.left.kind === 'ret' ? [e.left, e.right] : [e.right, e.left];
    if (ret.kind !== 'ret' || lit.kind !== 'literal') return undefined;
    return { path: JSON.stringify(ret.path), value: JSON.stringify(lit.value) };
  });
  if (keys.some((k) => k === undefined)) return false;
  return new Set(keys.map((k) => k!.path)).size === 1 && new Set(keys.map((k) => k!.value)).size === keys.length;
}
