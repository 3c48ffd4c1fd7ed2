/**
 * The ASL fixture corpus (test/fixtures/asl/corpus): state machine
 * definitions written the way public ones are, each with a sidecar
 * `<name>.expect.json` recording what Step Functions does with it and what
 * the import does today. Used by corpus.test.ts, the engine app
 * apps/corpus-app.ts and the measurement bench/corpus-measure.ts.
 *
 * "Imports" means translated and built into an UnumWorkflow that
 * synthesizes; "runs" means the engine's session ends as Step Functions'
 * execution does (the sidecar's `runs`).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { UnumFunction, UnumWorkflow, WorkflowDefinition } from '../../src';
import { translateStatesLanguage } from '../../src/importers/asl';
import { ImportError } from '../../src/importers/plan';

export const CORPUS_DIR = path.join(__dirname, '..', 'fixtures', 'asl', 'corpus');
export const CORPUS_FUNCTION = path.join(__dirname, 'apps', 'corpus-function');

/** What the generic function does in one state (see apps/corpus-function/index.js). */
export interface TaskBehaviour {
  readonly returns?: unknown;
  readonly merge?: Record<string, unknown>;
  readonly throws?: string;
  readonly times?: number;
  /** Throw only in the first n attempts of the innermost Parallel or Map (its Retry re-runs it). */
  readonly fanOutTimes?: number;
  /** Throw only when the input has this field, truthy. */
  readonly when?: string;
}

/** One execution as Step Functions runs it: the output, or the error the execution fails with. */
export interface CorpusRun {
  readonly input: unknown;
  readonly output?: unknown;
  readonly error?: string;
}

export interface Sidecar {
  /** The pattern the definition shows. */
  readonly about: string;
  /** State name → what its function does (absent: returns its input). */
  readonly tasks?: Readonly<Record<string, TaskBehaviour>>;
  /** Executions with Step Functions' outcome: run whenever the definition imports. */
  readonly runs?: readonly CorpusRun[];
  /** Today's outcome of the import. */
  readonly today: 'imports and runs' | 'refused';
  /** When refused: the reasons (REASONS' categories), each matched by at least one problem, and no other category. */
  readonly refused?: readonly string[];
  /** When refused: which part of issue 14 should make it import. */
  readonly flipsWith?: string;
}

export interface CorpusFixture {
  readonly name: string;
  readonly text: string;
  readonly definition: Record<string, any>;
  readonly sidecar: Sidecar;
  /** Every Task is a Lambda function (its ARN, or lambda:invoke without .sync/.waitForTaskToken). */
  readonly lambdaOnly: boolean;
}

/** Every fixture, by name. */
export function loadCorpus(): CorpusFixture[] {
  return fs.readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.asl.json')).sort().map((file) => {
    const name = file.slice(0, -'.asl.json'.length);
    const text = fs.readFileSync(path.join(CORPUS_DIR, file), 'utf8');
    const definition = JSON.parse(text);
    const sidecar = JSON.parse(fs.readFileSync(path.join(CORPUS_DIR, `${name}.expect.json`), 'utf8')) as Sidecar;
    return { name, text, definition, sidecar, lambdaOnly: taskResources(definition).every(isLambdaResource) };
  });
}

function taskResources(container: Record<string, any>): string[] {
  return Object.values<Record<string, any>>(container.States ?? {}).flatMap((s) => [
    ...(s.Type === 'Task' ? [String(s.Resource)] : []),
    ...(s.Branches ?? []).flatMap(taskResources),
    ...(s.ItemProcessor ?? s.Iterator ? taskResources(s.ItemProcessor ?? s.Iterator) : []),
  ]);
}

function isLambdaResource(resource: string): boolean {
  return /^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:/.test(resource) || /^arn:aws[a-zA-Z-]*:states:::lambda:invoke$/.test(resource);
}

/** Refusal categories: a problem's text → the feature it is about (the first that matches). */
export const REASONS: ReadonlyArray<[string, RegExp]> = [
  ['JSONata', /^JSONata is not supported|(JSONata|Output|Assign|ItemSelector).* is not supported yet/],
  ['callback or job (.sync/.waitForTaskToken)', /waits for a callback or a job|task tokens are only given to a task that waits for a callback|waits for a task token \(\.waitForTaskToken\), but UnumFunction/],
  ['service integration', /is not a Lambda function: service integrations/],
  ['distributed map', /ItemReader|ResultWriter|ItemBatcher|DISTRIBUTED|field Label /],
  ['Map tolerated failures', /ToleratedFailure/],
  ['Map ItemSelector/Parameters', /Map field (ItemSelector|Parameters)/],
  ['context object', /context object/],
  ['intrinsic function', /intrinsic function/],
  ['paths inside arrays', /is inside an array/],
  ['JSONPath slices/wildcards/filters', /JSONPath '.*' is not supported at '(\[\*\]|\[\d*:\d*\]|\[\?)/],
  ['Map MaxConcurrency', /MaxConcurrency \d+ cannot be honoured/],
  ['ResultPath on Parallel/Map', /ResultPath .* cannot be kept/],
  ['Retry/Catch on Parallel/Map', /(Retry|Catch) is supported on Task(, Parallel and Map)? states only/],
  ['dynamic Wait', /Wait field (SecondsPath|Timestamp|TimestampPath)/],
  ['ErrorPath/CausePath', /field (ErrorPath|CausePath)/],
  ['HeartbeatSeconds', /HeartbeatSeconds/],
  ['FunctionName.$', /FunctionName\.\$/],
  ['a fan-out directly in a branch or item processor', /a path made only of Choice\/Succeed states/],
  ['Retry longer than the function timeout', /addRetry #\d+ .* waits up to .* before an attempt/],
];

/** The category of a problem, or `other: <the problem>`. */
export function reasonOf(problem: string): string {
  return REASONS.find(([, re]) => re.test(problem))?.[0] ?? `other: ${problem}`;
}

export type ImportOutcome = { readonly imported: true } | { readonly imported: false; readonly problems: readonly string[] };

/**
 * Imports a fixture into `scope` as workflow `corpus-<name>`: one
 * UnumFunction per Task running the corpus function with the state's
 * behaviour. In a scope of its own, checks that it synthesizes.
 */
export function importFixture(fixture: CorpusFixture, scope?: Construct): ImportOutcome {
  const own = scope === undefined;
  // Never synthesized at exit, nor into the outdir of an app being synthesized (corpus-app.ts tries each fixture alone first).
  const outdir = own ? fs.mkdtempSync(path.join(os.tmpdir(), 'unum-corpus-')) : undefined;
  const app = new App({ autoSynth: false, ...(outdir ? { outdir } : {}) });
  const where = scope ?? new Stack(app, 'Corpus', { env: { account: '123456789012', region: 'us-east-1' } });
  try {
    const plan = translateStatesLanguage(fixture.text);
    const functions: Record<string, UnumFunction> = {};
    for (const s of plan.states) {
      if (s.kind !== 'task' || s.builtin) continue;
      const behaviour = fixture.sidecar.tasks?.[s.source ?? s.id] ?? {};
      functions[s.functionKeys[0]] = new UnumFunction(where, s.id, {
        code: lambda.Code.fromAsset(CORPUS_FUNCTION),
        handler: 'index.handler',
        environment: { CORPUS_TASK: JSON.stringify(behaviour) },
        ...(s.timeoutSeconds !== undefined ? { timeout: Duration.seconds(s.timeoutSeconds) } : {}),
      });
    }
    const definition = WorkflowDefinition.fromStatesLanguage(where, 'Definition', fixture.text, { functions });
    new UnumWorkflow(where, 'Workflow', { definition, workflowName: workflowOf(fixture) });
    if (own) app.synth();
    return { imported: true };
  } catch (e) {
    return { imported: false, problems: e instanceof ImportError ? e.problems : [(e as Error).message] };
  } finally {
    if (outdir) fs.rmSync(outdir, { recursive: true, force: true });
  }
}

export function workflowOf(fixture: Pick<CorpusFixture, 'name'>): string {
  return `corpus-${fixture.name}`;
}

/** The distinct categories of a refusal's problems, in REASONS' order. */
export function reasonsOf(problems: readonly string[]): string[] {
  const found = new Set(problems.map(reasonOf));
  return [...REASONS.map(([r]) => r).filter((r) => found.has(r)), ...[...found].filter((r) => r.startsWith('other: '))];
}

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/**
 * A sidecar's expected output with the values only the run knows filled in:
 * `{{session}}` in a string is the session id (the execution name); a string
 * that is exactly `{{timestamp}}` takes the actual value at that place when
 * it is an ISO 8601 time (and stays as it is, so the comparison fails, when not).
 */
export function withRunValues(expected: unknown, actual: unknown, session: string): unknown {
  if (expected === '{{timestamp}}') return typeof actual === 'string' && ISO_TIME.test(actual) ? actual : expected;
  if (typeof expected === 'string') return expected.split('{{session}}').join(session);
  if (Array.isArray(expected)) return expected.map((v, i) => withRunValues(v, Array.isArray(actual) ? actual[i] : undefined, session));
  if (expected !== null && typeof expected === 'object') {
    const at = (k: string) => (actual !== null && typeof actual === 'object' ? (actual as Record<string, unknown>)[k] : undefined);
    return Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, withRunValues(v, at(k), session)]));
  }
  return expected;
}
