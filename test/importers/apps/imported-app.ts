// The importers' engine test app: every case of test/importers/cases.ts (or only the workflows
// named in UNUM_IMPORTED_WORKFLOWS, comma-separated) imported with WorkflowDefinition.fromStatesLanguage
// or fromFaaSr, each task an UnumFunction bundling its stub from ./functions.
// The import's own identity function (an ASL StartAt that is not a Task) is inline code, which the local
// engine refuses (src/local/assembly.ts); UNUM_IMPORTED_INLINE_AS_ASSET=1 moves exactly that code into an
// asset so the rest of such a workflow can still run through the engine (see engine.test.ts).
// `node -r ts-node/register/transpile-only test/importers/apps/imported-app.ts`
import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { UnumFunction, UnumWorkflow, WorkflowDefinition } from '../../../src';
import { translateStatesLanguage } from '../../../src/importers/asl';
import { IDENTITY_CODE } from '../../../src/importers/build';
import { translateFaasr } from '../../../src/importers/faasr';
import { CASES, fixtureFile, stubFile } from '../cases';

const only = process.env.UNUM_IMPORTED_WORKFLOWS?.split(',').map((w) => w.trim()).filter(Boolean);
const unknown = (only ?? []).filter((w) => !CASES.some((c) => c.workflow === w));
if (unknown.length > 0) throw new Error(`UNUM_IMPORTED_WORKFLOWS: no such case ${unknown.join(', ')}; the cases are ${CASES.map((c) => c.workflow).join(', ')}`);

const app = new App();
const stack = new Stack(app, 'ImportedEngineTest');

for (const c of CASES) {
  if (only !== undefined && !only.includes(c.workflow)) continue;
  const json = readFileSync(fixtureFile(c), 'utf8');
  const entry = stubFile(c);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exported = Object.keys(require(entry));
  const scope = new Construct(stack, c.workflow);
  const plan = c.format === 'asl' ? translateStatesLanguage(json) : translateFaasr(json);
  const functions: Record<string, UnumFunction> = {};
  for (const s of plan.states) {
    if (s.kind !== 'task' || s.builtin) continue;
    const key = c.keyBy === 'function' ? s.functionKeys[s.functionKeys.length - 1] : s.functionKeys[0];
    const handler = c.handlers?.[s.id] ?? (exported.includes(s.id) ? s.id : 'identity');
    functions[key] = new UnumFunction(scope, s.id, { entry, handler });
  }
  const definition = c.format === 'asl'
    ? WorkflowDefinition.fromStatesLanguage(scope, 'Definition', json, { functions })
    : WorkflowDefinition.fromFaaSr(scope, 'Definition', json, { functions });
  new UnumWorkflow(scope, 'Workflow', { definition, workflowName: c.workflow });
  if (process.env.UNUM_IMPORTED_INLINE_AS_ASSET === '1') inlineToAsset(scope);
}

app.synth();

/** Replaces the import's inline identity code under `scope` by an asset holding the same code. */
function inlineToAsset(scope: Construct): void {
  for (const cfn of scope.node.findAll()) {
    if (!(cfn instanceof lambda.CfnFunction)) continue;
    const zipFile = (cfn.code as lambda.CfnFunction.CodeProperty).zipFile;
    if (zipFile === undefined) continue;
    if (zipFile !== IDENTITY_CODE) throw new Error(`${cfn.node.path}: unexpected inline code ${JSON.stringify(zipFile)}`);
    const dir = mkdtempSync(join(tmpdir(), 'unum-inline-'));
    writeFileSync(join(dir, 'index.js'), zipFile);
    const code = lambda.Code.fromAsset(dir);
    const location = code.bind(cfn).s3Location!;
    cfn.code = { s3Bucket: location.bucketName, s3Key: location.objectKey };
    code.bindToResource(cfn, { resourceProperty: 'Code' });
  }
}
