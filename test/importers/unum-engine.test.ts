/**
 * Imported unum applications end to end: `unum import` writes the app for
 * three fixtures (our own apps in the original format), a CDK app holds the
 * generated constructs, it is synthesized, and the local engine runs it:
 * Python sandboxes with boto3 running the fixtures' app.py files unchanged
 * under the Python runtime layer, DynamoDB Local and s3rver. The chain's
 * code relies on what original unum functions rely on: `lambda_handler`,
 * a file and a program reached by relative paths from the function's
 * directory, a module global between calls, /tmp, and a boto3 client
 * created at import.
 */
import * as fs from 'fs';
import * as path from 'path';
import { PassThrough } from 'stream';
import { runImport } from '../../toolkit/src/cli/import';
import { LocalApp, selectWorkflow } from '../../toolkit/src/local/assembly';
import { LocalEngine } from '../../toolkit/src/local/engine';
import { startEngine, synthApp } from '../engine/support';
import { testPython } from '../support/python';

const ROOT = path.join(__dirname, '..', '..');
const APPS = path.join(__dirname, '..', 'fixtures', 'unum-apps');
const OUT = path.join(__dirname, '.generated-unum-engine');
const IMPORTED = ['chain', 'map-fanin', 'fold'];

let app: LocalApp;
let engine: LocalEngine;
const logs: string[] = [];

beforeAll(async () => {
  fs.rmSync(OUT, { recursive: true, force: true });
  // The engine gives each sandbox a private TMPDIR, but a literal '/tmp/x' (as the original apps and this
  // fixture write) is the host's /tmp, shared by every sandbox and run: clear what an earlier run left.
  fs.rmSync('/tmp/shout-scratch.txt', { force: true });
  const quiet = { stdout: new PassThrough(), stderr: new PassThrough(), cwd: ROOT };
  for (const name of IMPORTED) {
    const out = path.join(OUT, name, 'workflow.ts');
    if (await runImport([path.join(APPS, name, 'unum-template.yaml'), '--out', out, '--module', '../../../../src', '--class', 'Generated'], quiet) !== 0) {
      throw new Error(`unum import ${name} failed`);
    }
  }
  const appFile = path.join(OUT, 'app.ts');
  fs.writeFileSync(appFile, [
    "import { App, Stack } from 'aws-cdk-lib';",
    ...IMPORTED.map((name, i) => `import { Generated as G${i} } from './${name}/workflow';`),
    'const app = new App();',
    ...IMPORTED.map((name, i) => `new G${i}(new Stack(app, ${JSON.stringify(`Unum-${name}`)}), 'Imported');`),
    'app.synth();',
    '',
  ].join('\n'));
  app = await synthApp(appFile);
  engine = await startEngine(app, { python: testPython(), onLog: (fn, line) => logs.push(`${fn}: ${line}`), concurrency: 4 });
}, 300_000);
afterAll(async () => {
  await engine?.stop();
  fs.rmSync(OUT, { recursive: true, force: true });
});

async function run(workflow: string, input: unknown): Promise<unknown> {
  const report = await engine.run({ workflow: selectWorkflow(app, workflow), input });
  if (report.status !== 'SUCCEEDED') throw new Error(`${workflow}: ${report.status} ${JSON.stringify(report.error)}\n${logs.slice(-20).join('\n')}`);
  return report.result;
}

test('the chain runs its original-style Python code unchanged: relative file, module global, /tmp, boto3 client at import', async () => {
  expect(await run('fixture-chain', { name: 'ada' })).toEqual({ text: 'HELLO, ADA! -- unum', calls: 1, tmp_reused: false, client: 's3' });
  // The second session finds the warm containers: the global counted on, the file in /tmp is still there.
  expect(await run('fixture-chain', { name: 'bob' })).toEqual({ text: 'HELLO, BOB! -- unum', calls: 2, tmp_reused: true, client: 's3' });
});

test('map then fan-in: one Count per chunk, Total gets the counts in item order', async () => {
  expect(await run('fixture-map-fanin', { text: 'a b c d e f g', chunk: 3 })).toEqual({ counts: [3, 3, 1], total: 7 });
});

test('fold: each Rebase starts with its item and the previous item (None for the first), Fold gets every Rebase in item order', async () => {
  expect(await run('fixture-fold', { numbers: [3, 1, 4, 1, 5] })).toEqual({
    values: [30, 10, 40, 10, 50],
    deltas: [null, -20, 30, -30, 40],
    total: 140,
  });
  // One item: its window has no predecessor at all.
  expect(await run('fixture-fold', { numbers: [7] })).toEqual({ values: [70], deltas: [null], total: 70 });
});
