/**
 * `unum import` writes TypeScript for every fixture; the code type-checks
 * (strict, against the library source), synthesizes (its stub entries
 * bundled by esbuild), and compiles to the same per-function configuration
 * as WorkflowDefinition builds from the same definition.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { PassThrough } from 'stream';
import { gunzipSync } from 'zlib';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Format, importDefinition, nodeFunctionCount } from './support';
import { translateStatesLanguage } from '../../src/importers/asl';
import { generateTypeScript } from '../../src/importers/codegen';
import { translateFaasr } from '../../src/importers/faasr';
import { ENV, FunctionConfig } from '../../src/protocol';
import { runImport } from '../../toolkit/src/cli/import';

const ROOT = path.join(__dirname, '..', '..');
const OUT = path.join(__dirname, '.generated');
const FIXTURES = path.join(__dirname, '..', 'fixtures');
const CASES: Array<{ name: string; format: Format; file: string }> = [
  ...fs.readdirSync(path.join(FIXTURES, 'asl')).filter((f) => f.endsWith('.json')).map((f) => ({ name: `asl-${f.replace('.json', '')}`, format: 'asl' as const, file: path.join(FIXTURES, 'asl', f) })),
  ...fs.readdirSync(path.join(FIXTURES, 'faasr')).map((f) => ({ name: `faasr-${f.replace('.json', '')}`, format: 'faasr' as const, file: path.join(FIXTURES, 'faasr', f) })),
];

function io() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks = { out: '', err: '' };
  stdout.on('data', (d) => { chunks.out += d; });
  stderr.on('data', (d) => { chunks.err += d; });
  return { io: { stdout, stderr, cwd: ROOT }, chunks };
}

beforeAll(async () => {
  fs.rmSync(OUT, { recursive: true, force: true });
  for (const c of CASES) {
    const { io: streams, chunks } = io();
    const out = path.join(OUT, c.name, 'workflow.ts');
    const code = await runImport([path.relative(ROOT, c.file), '--out', path.relative(ROOT, out), '--module', '../../../../src', '--class', 'Generated'], streams);
    if (code !== 0) throw new Error(`unum import ${c.name} failed: ${chunks.err}`);
  }
  fs.writeFileSync(path.join(OUT, 'tsconfig.json'), JSON.stringify({
    extends: '../../../tsconfig.json',
    compilerOptions: { noEmit: true, rootDir: '../../..', isolatedModules: false },
    include: ['**/*.ts'],
  }));
}, 120_000);
afterAll(() => fs.rmSync(OUT, { recursive: true, force: true }));

test('the generated code and stubs type-check (strict, no unused locals) against the library', () => {
  try {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(OUT, 'tsconfig.json')], { cwd: ROOT, encoding: 'utf8' });
  } catch (e) {
    throw new Error(`tsc failed:\n${(e as { stdout?: string }).stdout}`);
  }
});

test.each(CASES)('$name: synthesizes, with the same compiled configuration as WorkflowDefinition', (c) => {
  const stack = new Stack(new App(), 'Generated', { env: { account: '123456789012', region: 'us-east-1' } });
  const mod = jest.requireActual(path.join(OUT, c.name, 'workflow.ts'));
  const generated = new mod.Generated(stack, 'Imported');
  const template = Template.fromStack(stack);
  const imported = importDefinition(c.format, fs.readFileSync(c.file, 'utf8'), c.name === 'asl-lambda-invoke' ? (t) => t.keys[t.keys.length - 1] : undefined);
  expect(nodeFunctionCount(template)).toBe(imported.workflow.functions.length);
  const normalize = (configs: FunctionConfig[]) => JSON.parse(JSON.stringify(configs, (k, v) => (k === 'functionName' || k === 'workflow' ? undefined : v)));
  const configs = generated.workflow.functions.map((f: { _environment: Record<string, string> }) => readConfig(f._environment));
  expect(normalize(configs)).toEqual(normalize(imported.configs));
});

test('JSONata states are written with aws-stepfunctions\' names: QueryLanguage, arguments/outputs/assign, Condition.jsonata, ProvideItems', () => {
  const { code } = generateTypeScript(translateStatesLanguage(fs.readFileSync(path.join(FIXTURES, 'asl', 'jsonata-fulfilment.json'), 'utf8')));
  expect(code).toContain("import { Choice, Condition, Map, Pass, ProvideItems, QueryLanguage, Succeed, UnumFunction, UnumWorkflow } from 'cdk-unum';");
  expect(code).toContain("      queryLanguage: QueryLanguage.JSONATA,\n      arguments: { lines: '{% $states.input.lines %}' },\n      assign: { customer: '{% $states.input.customer %}' },\n");
  expect(code).toContain("new Map(this, 'Ship', { items: ProvideItems.jsonata('{% $states.input.lines[inStock] %}') })");
  expect(code).toContain(".when(Condition.jsonata('{% $shipped > 1 %}'), notify)");
  expect(code).toContain("      outputs: { shipped: '{% $count($states.input) %}' },\n      assign: { shipped: '{% $count($states.input) %}' },\n");
});

test('JSONata catchers and Choice rules are written with outputs/assign: addCatch props, when() options, Choice props', () => {
  const corpus = path.join(FIXTURES, 'asl', 'corpus');
  const caught = generateTypeScript(translateStatesLanguage(fs.readFileSync(path.join(corpus, 'jsonata-catch-fallback.asl.json'), 'utf8'))).code;
  expect(caught).toContain("priceOrder.addCatch(manualQuote, {\n      errors: ['States.QueryEvaluationError'],\n"
    + "      outputs: { orderId: '{% $states.input.orderId %}', error: '{% $states.errorOutput.Error %}' },\n      assign: { reason: ");
  const tier = generateTypeScript(translateStatesLanguage(fs.readFileSync(path.join(corpus, 'jsonata-choice-tier.asl.json'), 'utf8'))).code;
  expect(tier).toContain("new Choice(this, 'PickTier', { assign: { scored: '{% $states.input.score %}' } })");
  expect(tier).toContain(".when(Condition.jsonata('{% $states.input.score >= 90 %}'), notify, {\n"
    + "      outputs: { customer: '{% $states.input.customer %}', perks: ['lounge', 'upgrade'] },\n      assign: { tier: 'gold' },\n    })");
});

test('JSONata Wait and Fail are written with WaitTime.seconds/timestamp and error/cause expressions', () => {
  const { code } = generateTypeScript(translateStatesLanguage(fs.readFileSync(path.join(FIXTURES, 'asl', 'jsonata-wait-fail.json'), 'utf8')));
  expect(code).toContain("time: WaitTime.seconds('{% $states.input.hold %}')");
  expect(code).toContain("time: WaitTime.timestamp('{% $states.input.until %}')");
  expect(code).toContain("error: '{% \\'Order.\\' & $uppercase($states.input.code) %}'");
});

test('the generated code is readable: named constants, spelled-out conditions, data flow as props', () => {
  const plan = translateStatesLanguage(fs.readFileSync(path.join(FIXTURES, 'asl', 'choice.json'), 'utf8'), { name: 'customers' });
  const { code, className } = generateTypeScript(plan);
  expect(className).toBe('CustomersWorkflow');
  expect(code).toContain("import { Choice, Condition, Fail, UnumFunction, UnumWorkflow } from 'cdk-unum';");
  expect(code).toContain("const classify = new UnumFunction(this, 'Classify', { entry: path.join(__dirname, 'functions', 'Classify.ts') });");
  expect(code).toContain("Condition.and(Condition.stringEquals('$.kind', 'vip'), Condition.numberGreaterThanEquals('$.spent', 1000))");
  expect(code).toContain("Condition.not(Condition.isPresent('$.since'))");
  expect(code).toContain("Condition.comparePaths('numberLessThan', '$.spent', '$.limit')");
  expect(code).toContain("Condition.isNotNull('$.tier')");
  expect(code).toContain("new Fail(this, 'Reject', { error: 'Rejected', cause: 'blocked or spam' })");
  const flow = generateTypeScript(translateStatesLanguage(fs.readFileSync(path.join(FIXTURES, 'asl', 'data-flow.json'), 'utf8'))).code;
  expect(flow).toContain('resultPath: JsonPathValue.DISCARD');
  expect(flow).toContain("parameters: { 'id.$': '$.order.id', 'amount.$': '$.priced.total', 'how.$': '$.shipping', note: 'static' }");
  // The state machine's TimeoutSeconds is the workflow's timeout; without it the workflow has none.
  const polling = generateTypeScript(translateStatesLanguage(fs.readFileSync(path.join(FIXTURES, 'asl', 'wait-loop.json'), 'utf8'), { name: 'polling' })).code;
  expect(polling).toContain("this.workflow = new UnumWorkflow(this, 'Workflow', { workflowName: 'polling', definition: submit, timeout: Duration.seconds(300) });");
  expect(polling).toContain("import { Duration } from 'aws-cdk-lib';");
  expect(flow).not.toContain('timeout:');
  // A Parallel's and a Map's data flow are props of the fan-out, as in aws-stepfunctions.
  const parallel = generateTypeScript(translateStatesLanguage(fs.readFileSync(path.join(FIXTURES, 'asl', 'parallel.json'), 'utf8'))).code;
  expect(parallel).toContain("const fork = new Parallel(this, 'Fork', { resultSelector: { 'doubled.$': '$[0]', 'described.$': '$[1]', 'inner.$': '$[2]' } });");
  const map = generateTypeScript(translateStatesLanguage(fs.readFileSync(path.join(FIXTURES, 'asl', 'map-item-processor.json'), 'utf8'))).code;
  expect(map).toContain("outputPath: '$[1]'");
});

test('a FaaSr DAG that is not series-parallel generates FanIns over predecessors, declared after the states they list', () => {
  const { code } = generateTypeScript(translateFaasr(fs.readFileSync(path.join(FIXTURES, 'faasr', 'crossed.json'), 'utf8')));
  expect(code).toContain("import { FanIn, Map, Parallel, Pass, UnumFunction, UnumWorkflow } from 'cdk-unum';");
  expect(code).toContain("const aToD = new Pass(this, 'A-to-D', { comment: 'A -> D: passes the output on to the join' });");
  expect(code).toContain("const dJoin = new FanIn(this, 'D-join', { predecessors: [aToD, rToD], comment: 'D runs once, after A and R (those that run)' });");
  expect(code).toContain('aFanout.branch(c, aToD);');
  expect(code).toContain('dJoin.next(d);');
  // The FanIn chains its predecessors itself.
  expect(code).not.toMatch(/\.next\((dJoin|endJoin)\)/);
  expect(code.indexOf("new Pass(this, 'R-to-D'")).toBeLessThan(code.indexOf("new FanIn(this, 'D-join'"));
  // A FanIn without a next state ends the workflow: nothing refers to it.
  const ends = generateTypeScript(translateFaasr(fs.readFileSync(path.join(FIXTURES, 'faasr', 'multi-end.json'), 'utf8'))).code;
  expect(ends).toMatch(/\n {4}new FanIn\(this, 'workflow-end', \{\n {6}predecessors: \[join1, gateFalseEnd, publishCopiesDone\],/);
});

test('unum import reports what cannot be imported (exit 2) and the FaaSr notes', async () => {
  const bad = path.join(OUT, 'bad.json');
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(bad, JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Task', Resource: 'arn:aws:states:us-east-1:123456789012:activity:x', End: true } } }));
  const { io: streams, chunks } = io();
  expect(await runImport([bad], streams)).toBe(2);
  expect(chunks.err).toMatch(/state 'A': resource .* is an activity/);
  const faasr = io();
  expect(await runImport([path.join(FIXTURES, 'faasr', 'model.json')], faasr.io)).toBe(0);
  expect(faasr.chunks.out).toContain('export class FaasrModelWorkflow extends Construct');
  expect(faasr.chunks.err).toMatch(/note: DataStores: not applicable/);
});

function readConfig(env: Record<string, string>): FunctionConfig {
  if (env[ENV.CONFIG]) return JSON.parse(env[ENV.CONFIG]);
  return JSON.parse(gunzipSync(Buffer.from(env[ENV.CONFIG_GZIP], 'base64')).toString());
}
