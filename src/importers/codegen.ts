import { TYPE_TESTS } from './build';
import { Plan, PlanFanIn, PlanFanOutDataFlow, PlanRetry, PlanState, PlanTask } from './plan';
import { ConditionJson } from '../protocol/conditions';

/**
 * Plan → readable TypeScript that builds the same workflow with the
 * library's own API: a Construct class with one UnumFunction per task (an
 * `entry` stub the user fills in), the structural states, the wiring, and the
 * UnumWorkflow. Also the stub function files.
 */

export interface CodegenOptions {
  /** Name of the generated class (default: PascalCase of the workflow name + `Workflow`). */
  readonly className?: string;
  /** Where the library is imported from (default `cdk-unum`). */
  readonly moduleName?: string;
  /** Folder of the stub functions, relative to the generated file (default `functions`). */
  readonly functionsDir?: string;
  /**
   * The language of the stub functions: `python` writes `<functionsDir>/<task>/index.py`
   * with `handler(event, context)` and Python UnumFunctions (default `typescript`).
   */
  readonly stubLanguage?: 'typescript' | 'python';
  /**
   * Path from the generated file's folder to the imported definition's folder,
   * which the entries of tasks with existing Python code are relative to (default `.`).
   */
  readonly codeDir?: string;
  /** The imported file and its format, for the header comment. */
  readonly source?: string;
  readonly format?: string;
}

export interface GeneratedCode {
  readonly className: string;
  readonly code: string;
  /** Stub function files, paths relative to the generated file. */
  readonly stubs: ReadonlyArray<{ readonly path: string; readonly code: string }>;
}

const RESERVED = new Set(('break case catch class const continue debugger default delete do else enum export extends false finally for function if '
  + 'import in instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface '
  + 'package private protected public await path lambda Duration Construct scope id').split(' '));

export function generateTypeScript(plan: Plan, options: CodegenOptions = {}): GeneratedCode {
  const moduleName = options.moduleName ?? 'cdk-unum';
  const functionsDir = options.functionsDir ?? 'functions';
  const className = options.className ?? `${pascal(plan.name)}Workflow`;
  const vars = new Map<string, string>();
  const used = new Set<string>();
  for (const s of plan.states) {
    let v = camel(s.id);
    if (RESERVED.has(v) || /^\d/.test(v)) v = `${v}State`;
    let unique = v;
    for (let i = 2; used.has(unique); i++) unique = `${v}${i}`;
    used.add(unique);
    vars.set(s.id, unique);
  }
  const ref = (id: string) => vars.get(id)!;
  const imports = new Set<string>(['UnumWorkflow']);
  const cdkImports = new Set<string>();
  let needsLambda = false;
  let needsSfn = false;
  const stubs: Array<{ path: string; code: string }> = [];
  const lines: string[] = [];
  const say = (line = '') => lines.push(line ? `    ${line}` : '');

  const tasks = plan.states.filter((s): s is PlanTask => s.kind === 'task');
  const deciding = new Set(plan.states.filter((s) => s.kind === 'choice' && s.onBooleanResult).map((s) => s.id));
  const python = options.stubLanguage === 'python';
  say(tasks.every((t) => t.python || t.builtin)
    ? '// Functions: one Lambda function per task, from the imported functions\' own directories.'
    : '// Functions: one Lambda function per task. Fill in the stubs under ' + `${functionsDir}/.`);
  for (const t of tasks) {
    imports.add('UnumFunction');
    if (t.comment) say(`// ${oneLine(t.comment)}`);
    const props: string[] = [];
    if (t.builtin === 'identity') {
      needsLambda = true;
      props.push(`code: lambda.Code.fromInline(${str('exports.handler = async (input) => input;')})`, "handler: 'index.handler'");
    } else if (t.python) {
      needsLambda = true;
      const dir = [options.codeDir ?? '.', t.python.entry].filter((p) => p !== '.' && p !== '').join('/') || '.';
      props.push(`runtime: lambda.Runtime.${runtimeConstant(t.python.runtime)}`, `entry: path.join(__dirname, ${str(dir)})`,
        `index: ${str(t.python.index)}`, `handler: ${str(t.python.handler)}`);
      if (t.python.memorySize !== undefined) props.push(`memorySize: ${t.python.memorySize}`);
    } else if (python) {
      needsLambda = true;
      const dir = fileName(t.id);
      props.push('runtime: lambda.Runtime.PYTHON_3_12', `entry: path.join(__dirname, ${str(functionsDir)}, ${str(dir)})`, "index: 'index.py'", "handler: 'handler'");
      stubs.push({ path: `${functionsDir}/${dir}/index.py`, code: pythonStub(t, options, t.next !== undefined && deciding.has(t.next)) });
    } else {
      const file = `${fileName(t.id)}.ts`;
      props.push(`entry: path.join(__dirname, ${str(functionsDir)}, ${str(file)})`);
      stubs.push({ path: `${functionsDir}/${file}`, code: stub(t, options, t.next !== undefined && deciding.has(t.next)) });
    }
    if (t.timeoutSeconds !== undefined) {
      cdkImports.add('Duration');
      props.push(`timeout: Duration.seconds(${t.timeoutSeconds})`);
    }
    if (t.callback === true) {
      needsSfn = true;
      props.push('integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN');
      if (t.taskTimeoutSeconds !== undefined) {
        cdkImports.add('Duration');
        props.push(`taskTimeout: Duration.seconds(${t.taskTimeoutSeconds})`);
      }
      if (t.heartbeatSeconds !== undefined) {
        cdkImports.add('Duration');
        props.push(`heartbeat: Duration.seconds(${t.heartbeatSeconds})`);
      }
    }
    for (const [key, value] of Object.entries(t.dataFlow ?? {})) props.push(`${key}: ${dataFlowValue(key, value, imports)}`);
    say(`const ${ref(t.id)} = new UnumFunction(this, ${str(t.id)}, ${object(props)});`);
    for (const r of t.retry ?? []) say(`${ref(t.id)}.addRetry(${retryProps(r)});`);
  }

  // FanIns over predecessors come last: each chains the predecessors it lists into itself.
  const dagJoins = plan.states.filter((s): s is PlanFanIn => s.kind === 'fanIn');
  const structural = plan.states.filter((s): s is Exclude<PlanState, PlanTask | PlanFanIn> => s.kind !== 'task' && s.kind !== 'fanIn');
  if (structural.length + dagJoins.length > 0) {
    say();
    say('// Control flow: these states run no function of their own (the function before them applies them).');
  }
  for (const s of structural) {
    // A Map takes no comment prop: its comment follows the statement.
    say(`const ${ref(s.id)} = ${construct(s, imports, cdkImports)};${s.kind === 'map' && s.comment ? ` // ${oneLine(s.comment)}` : ''}`);
  }
  for (const s of dagJoins) {
    imports.add('FanIn');
    const p = [`predecessors: [${s.predecessors.map(ref).join(', ')}]`, ...(s.comment ? [`comment: ${str(s.comment)}`] : [])];
    // Without a next state nothing refers to it: its list ends the scope (the session result at the top level).
    say(`${s.next !== undefined ? `const ${ref(s.id)} = ` : ''}new FanIn(this, ${str(s.id)}, ${object(p)});`);
  }
  const chained = new Set(dagJoins.map((s) => s.id));

  say();
  say('// Wiring.');
  // A retrier as addRetry's props (a Task's, a Parallel's or a Map's).
  function retryProps(r: PlanRetry): string {
    const p: string[] = [`errors: ${json(r.errors)}`];
    if (r.intervalSeconds !== undefined) { cdkImports.add('Duration'); p.push(`interval: Duration.seconds(${r.intervalSeconds})`); }
    if (r.maxAttempts !== undefined) p.push(`maxAttempts: ${r.maxAttempts}`);
    if (r.backoffRate !== undefined) p.push(`backoffRate: ${r.backoffRate}`);
    if (r.maxDelaySeconds !== undefined) { cdkImports.add('Duration'); p.push(`maxDelay: Duration.seconds(${r.maxDelaySeconds})`); }
    if (r.jitter !== undefined) { imports.add('JitterType'); p.push(`jitterStrategy: JitterType.${r.jitter}`); }
    return object(p);
  }
  for (const s of plan.states) {
    switch (s.kind) {
      case 'task':
        for (const c of s.catch ?? []) {
          const p = [`errors: ${json(c.errors)}`, ...(c.resultPath !== undefined ? [`resultPath: ${str(c.resultPath)}`] : []), ...transition(c)];
          say(`${ref(s.id)}.addCatch(${ref(c.next)}, ${object(p)});`);
        }
        break;
      case 'choice':
        imports.add('Condition');
        say(`${ref(s.id)}`);
        for (const r of s.rules) {
          const ruleProps = transition(r);
          say(`  .when(${condition(r.condition)}, ${ref(r.next)}${ruleProps.length ? `, ${object(ruleProps)}` : ''})`);
        }
        if (s.otherwise !== undefined) say(`  .otherwise(${ref(s.otherwise)})`);
        lines[lines.length - 1] += ';';
        break;
      case 'parallel':
        say(`${ref(s.id)}.branch(${s.branches.map(ref).join(', ')});`);
        break;
      case 'map':
        say(`${ref(s.id)}.itemProcessor(${ref(s.iterator)});`);
        break;
    }
    if (s.kind === 'parallel' || s.kind === 'map') {
      for (const r of s.retry ?? []) say(`${ref(s.id)}.addRetry(${retryProps(r)});`);
      for (const c of s.catch ?? []) {
        const p = [`errors: ${json(c.errors)}`, ...(c.resultPath !== undefined ? [`resultPath: ${str(c.resultPath)}`] : []), ...transition(c)];
        say(`${ref(s.id)}.addCatch(${ref(c.next)}, ${object(p)});`);
      }
    }
    // The FanIn over predecessors already chained its predecessors into itself.
    if ('next' in s && s.next !== undefined && !chained.has(s.next)) say(`${ref(s.id)}.next(${ref(s.next)});`);
  }
  say();
  const workflowProps = [`workflowName: ${str(plan.name)}`, `definition: ${ref(plan.start)}`];
  if (plan.timeoutSeconds !== undefined) {
    cdkImports.add('Duration');
    workflowProps.push(`timeout: Duration.seconds(${plan.timeoutSeconds})`);
  }
  say(`this.workflow = new UnumWorkflow(this, 'Workflow', ${object(workflowProps)});`);

  const header = [
    `// Generated by \`unum import\`${options.source ? ` from ${options.source}` : ''}${options.format ? ` (${options.format})` : ''}.`,
    '// It builds the same workflow with the cdk-unum API; edit it freely.',
    ...plan.notes.map((n) => `// Note: ${oneLine(n)}`),
  ];
  const code = [
    ...header,
    ...(tasks.some((t) => !t.builtin) ? ["import * as path from 'path';"] : []),
    ...(cdkImports.size > 0 ? [`import { ${[...cdkImports].sort().join(', ')} } from 'aws-cdk-lib';`] : []),
    ...(needsLambda ? ["import * as lambda from 'aws-cdk-lib/aws-lambda';"] : []),
    ...(needsSfn ? ["import * as sfn from 'aws-cdk-lib/aws-stepfunctions';"] : []),
    "import { Construct } from 'constructs';",
    `import { ${[...imports].sort().join(', ')} } from ${str(moduleName)};`,
    '',
    `/** The workflow '${plan.name}'${options.source ? `, imported from ${options.source}` : ''}. */`,
    `export class ${className} extends Construct {`,
    '  public readonly workflow: UnumWorkflow;',
    '',
    '  constructor(scope: Construct, id: string) {',
    '    super(scope, id);',
    '',
    ...lines,
    '  }',
    '}',
    '',
  ].join('\n');
  return { className, code, stubs };
}

/** A Parallel's or Map's inputPath, resultSelector, resultPath and outputPath (JSONata: outputs and assign) as construct props. */
function fanOutFlow(flow: PlanFanOutDataFlow | undefined, imports: Set<string>): string[] {
  if (flow === undefined) return [];
  return [
    ...(flow.inputPath !== undefined ? [`inputPath: ${dataFlowValue('inputPath', flow.inputPath, imports)}`] : []),
    ...(flow.resultSelector !== undefined ? [`resultSelector: ${json(flow.resultSelector)}`] : []),
    ...(flow.resultPath !== undefined ? [`resultPath: ${dataFlowValue('resultPath', flow.resultPath, imports)}`] : []),
    ...(flow.outputPath !== undefined ? [`outputPath: ${dataFlowValue('outputPath', flow.outputPath, imports)}`] : []),
    ...(flow.queryLanguage !== undefined ? [`queryLanguage: ${dataFlowValue('queryLanguage', flow.queryLanguage, imports)}`] : []),
    ...(flow.arguments !== undefined ? [`arguments: ${json(flow.arguments)}`] : []),
    ...(flow.outputs !== undefined ? [`outputs: ${json(flow.outputs)}`] : []),
    ...(flow.assign !== undefined ? [`assign: ${json(flow.assign)}`] : []),
  ];
}

function construct(s: Exclude<PlanState, PlanTask | PlanFanIn>, imports: Set<string>, cdkImports: Set<string>): string {
  const comment = s.comment ? [`comment: ${str(s.comment)}`] : [];
  switch (s.kind) {
    case 'pass': {
      imports.add('Pass');
      const p = [
        ...(s.inputPath !== undefined ? [`inputPath: ${dataFlowValue('inputPath', s.inputPath, imports)}`] : []),
        ...(s.parameters !== undefined ? [`parameters: ${json(s.parameters)}`] : []),
        ...(s.result !== undefined ? [`result: ${json(s.result)}`] : []),
        ...(s.resultPath !== undefined ? [`resultPath: ${dataFlowValue('resultPath', s.resultPath, imports)}`] : []),
        ...(s.outputPath !== undefined ? [`outputPath: ${dataFlowValue('outputPath', s.outputPath, imports)}`] : []),
        ...(s.queryLanguage !== undefined ? [`queryLanguage: ${dataFlowValue('queryLanguage', s.queryLanguage, imports)}`] : []),
        ...(s.outputs !== undefined ? [`outputs: ${json(s.outputs)}`] : []),
        ...(s.assign !== undefined ? [`assign: ${json(s.assign)}`] : []),
        ...comment,
      ];
      return `new Pass(this, ${str(s.id)}${p.length ? `, ${object(p)}` : ''})`;
    }
    case 'wait':
    {
      imports.add('Wait'); imports.add('WaitTime');
      let time: string;
      if (typeof s.seconds === 'string') {time = `WaitTime.seconds(${str(s.seconds)})`;} else if (s.secondsPath !== undefined) {time = `WaitTime.secondsPath(${str(s.secondsPath)})`;} else if (s.timestamp !== undefined) {time = `WaitTime.timestamp(${str(s.timestamp)})`;} else if (s.timestampPath !== undefined) {time = `WaitTime.timestampPath(${str(s.timestampPath)})`;} else {
        cdkImports.add('Duration');
        time = `WaitTime.duration(Duration.seconds(${s.seconds}))`;
      }
      const flow = [...(s.outputs !== undefined ? [`outputs: ${json(s.outputs)}`] : []), ...(s.assign !== undefined ? [`assign: ${json(s.assign)}`] : [])];
      return `new Wait(this, ${str(s.id)}, ${object([`time: ${time}`, ...flow, ...comment])})`;
    }
    case 'choice': {
      imports.add('Choice');
      const p = [...transition(s), ...comment];
      return `new Choice(this, ${str(s.id)}${p.length ? `, ${object(p)}` : ''})`;
    }
    case 'parallel':
      imports.add('Parallel');
      return `new Parallel(this, ${str(s.id)}${comment.length || s.dataFlow ? `, ${object([...fanOutFlow(s.dataFlow, imports), ...comment])}` : ''})`;
    case 'map': {
      imports.add('Map');
      const p = [
        ...fanOutFlow(s.dataFlow, imports),
        ...(s.itemsPath !== undefined ? [`itemsPath: ${str(s.itemsPath)}`] : []),
        ...(s.items !== undefined ? [`items: ${provideItems(s.items, imports)}`] : []),
        ...(s.width !== undefined ? [`width: ${s.width}`] : []),
        ...(s.maxConcurrency !== undefined ? [`maxConcurrency: ${s.maxConcurrency}`] : []),
        ...(s.itemSelector !== undefined ? [`${typeof s.itemSelector === 'string' ? 'jsonataItemSelector' : 'itemSelector'}: ${json(s.itemSelector)}`] : []),
        ...(s.toleratedFailureCount !== undefined ? [`toleratedFailureCount: ${s.toleratedFailureCount}`] : []),
        ...(s.toleratedFailurePercentage !== undefined ? [`toleratedFailurePercentage: ${s.toleratedFailurePercentage}`] : []),
      ];
      return `new Map(this, ${str(s.id)}${p.length ? `, ${object(p)}` : ''})`;
    }
    case 'window':
      imports.add('FanIn');
      return `new FanIn(this, ${str(s.id)}, ${object([`itemOffsets: ${json(s.itemOffsets)}`, ...comment])})`;
    case 'succeed':
    {
      imports.add('Succeed');
      const p = [...(s.outputs !== undefined ? [`outputs: ${json(s.outputs)}`] : []), ...comment];
      return `new Succeed(this, ${str(s.id)}${p.length ? `, ${object(p)}` : ''})`;
    }
    case 'fail': {
      imports.add('Fail');
      const p = (['error', 'cause', 'errorPath', 'causePath'] as const).filter((f) => s[f] !== undefined).map((f) => `${f}: ${str(s[f]!)}`);
      return `new Fail(this, ${str(s.id)}${p.length ? `, ${object(p)}` : ''})`;
    }
  }
}

/** A Condition spelled out with the library's factory methods. */
export function condition(c: ConditionJson): string {
  switch (c.op) {
    case 'and': return `Condition.and(${c.conditions.map(condition).join(', ')})`;
    case 'or': return `Condition.or(${c.conditions.map(condition).join(', ')})`;
    case 'not': return `Condition.not(${condition(c.condition)})`;
    case 'jsonata': return `Condition.jsonata(${str(c.expression)})`;
  }
  if ('otherPath' in c) return `Condition.comparePaths(${str(c.op.slice(0, -'Path'.length))}, ${str(c.path)}, ${str(c.otherPath)})`;
  const typeTest = TYPE_TESTS[c.op];
  if (typeTest) {
    if (c.value === true) return `Condition.${typeTest[0]}(${str(c.path)})`;
    return typeTest[1] ? `Condition.${typeTest[1]}(${str(c.path)})` : `Condition.not(Condition.${typeTest[0]}(${str(c.path)}))`;
  }
  return `Condition.${c.op}(${str(c.path)}, ${json((c as { value: unknown }).value)})`;
}

/** A JSONata Map's Items as the ProvideItems factory that makes it. */
function provideItems(items: unknown, imports: Set<string>): string {
  imports.add('ProvideItems');
  return Array.isArray(items) ? `ProvideItems.jsonArray(${json(items)})` : `ProvideItems.jsonata(${str(items as string)})`;
}

function dataFlowValue(key: string, value: unknown, imports: Set<string>): string {
  if (key === 'queryLanguage') {
    imports.add('QueryLanguage');
    return value === 'JSONata' ? 'QueryLanguage.JSONATA' : 'QueryLanguage.JSON_PATH';
  }
  if (value === 'DISCARD' && key.endsWith('Path')) {
    imports.add('JsonPathValue');
    return 'JsonPathValue.DISCARD';
  }
  return json(value);
}

/** What a stub says it does; a stub before a True/False choice returns `true`, since returning its input would take the False side. */
const STUB_RETURNS = {
  input: 'A stub that returns its input: replace it with the real implementation.',
  decision: 'A stub that returns true (its True successors run): replace it with the real implementation, which returns true or false.',
};

function stub(t: PlanTask, options: CodegenOptions, decides: boolean): string {
  const ranked = t.comment?.startsWith('rank =');
  return [
    `// The function of '${t.source ?? t.id}'${options.source ? ` (imported from ${options.source})` : ''}.`,
    `// ${decides ? STUB_RETURNS.decision : STUB_RETURNS.input}`,
    ...(t.dataFlow?.parameters !== undefined ? ['// Its input is its static parameters (set in the workflow), after InputPath.'] : []),
    ...(ranked ? ['// Ranked copy: rank = context.index + 1, max rank = context.size.'] : []),
    'export async function handler(input: any, context: { index: number; size: number; session: string }): Promise<any> {',
    '  void context;',
    ...(decides ? ['  void input;', '  return true; // replace: return false to take the False successors'] : ['  return input;']),
    '}',
    '',
  ].join('\n');
}

function pythonStub(t: PlanTask, options: CodegenOptions, decides: boolean): string {
  const ranked = t.comment?.startsWith('rank =');
  return [
    `# The function of '${t.source ?? t.id}'${options.source ? ` (imported from ${options.source})` : ''}.`,
    `# ${decides ? STUB_RETURNS.decision : STUB_RETURNS.input}`,
    ...(t.dataFlow?.parameters !== undefined ? ['# Its input is its static parameters (set in the workflow), after InputPath.'] : []),
    ...(ranked ? ['# Ranked copy: rank = context.index + 1, max rank = context.size.'] : []),
    '',
    '',
    'def handler(event, context):',
    ...(decides ? ['    return True  # replace: return False to take the False successors'] : ['    return event']),
    '',
  ].join('\n');
}

/** `python3.12` → `PYTHON_3_12` (the aws-lambda Runtime constant). */
function runtimeConstant(name: string): string {
  const m = /^python(\d+)\.(\d+)$/.exec(name);
  if (!m) throw new Error(`not a Python runtime: ${name}`);
  return `PYTHON_${m[1]}_${m[2]}`;
}

function object(props: string[]): string {
  const inline = `{ ${props.join(', ')} }`;
  if (inline.length <= 100 && !props.some((p) => p.includes('\n'))) return inline;
  return `{\n${props.map((p) => `      ${p.replace(/\n/g, '\n      ')},`).join('\n')}\n    }`;
}

/** A JSONata catcher's, Choice's or rule's outputs and assign, as props. */
function transition(t: { readonly outputs?: unknown; readonly assign?: Record<string, unknown> }): string[] {
  return [...(t.outputs !== undefined ? [`outputs: ${json(t.outputs)}`] : []), ...(t.assign !== undefined ? [`assign: ${json(t.assign)}`] : [])];
}

function json(value: unknown): string {
  const compact = toTs(value);
  return compact;
}

/** A value as a TypeScript literal (object keys unquoted when they can be). */
function toTs(value: unknown): string {
  if (value === null || typeof value !== 'object') return value === undefined ? 'undefined' : typeof value === 'string' ? str(value) : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(toTs).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  return `{ ${entries.map(([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : str(k)}: ${toTs(v)}`).join(', ')} }`;
}

function str(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ');
}

function camel(id: string): string {
  const parts = id.split(/[^A-Za-z0-9]+/).filter(Boolean);
  if (parts.length === 0) return 'state';
  return parts.map((p, i) => (i === 0 ? p[0].toLowerCase() + p.slice(1) : p[0].toUpperCase() + p.slice(1))).join('');
}

function pascal(id: string): string {
  const c = camel(id);
  const p = c[0].toUpperCase() + c.slice(1);
  return /^\d/.test(p) ? `W${p}` : p;
}

function fileName(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'function';
}
