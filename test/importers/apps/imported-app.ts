// The importers' engine test app: every case of test/importers/cases.ts (or only the workflows
// named in UNUM_IMPORTED_WORKFLOWS, comma-separated) imported with WorkflowDefinition.fromStatesLanguage
// or fromFaasr, each task an UnumFunction bundling its stub from ./functions.
// `node -r ts-node/register/transpile-only test/importers/apps/imported-app.ts`
import { readFileSync } from 'fs';
import { App, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { UnumFunction, UnumWorkflow, WorkflowDefinition } from '../../../src';
import { translateStatesLanguage } from '../../../src/importers/asl';
import { translateFaasr } from '../../../src/importers/faasr';
import { CASES, fixtureFile, stubFile } from '../cases';

const only = process.env.UNUM_IMPORTED_WORKFLOWS?.split(',').map((w) => w.trim()).filter(Boolean);
const unknown = (only ?? []).filter((w) => !CASES.some((c) => c.workflow === w));
if (unknown.length > 0) throw new Error(`UNUM_IMPORTED_WORKFLOWS: no such case ${unknown.join(', ')}; the cases are ${CASES.map((c) => c.workflow).join(', ')}`);

const app = new App();

for (const c of CASES) {
  if (only !== undefined && !only.includes(c.workflow)) continue;
  const json = readFileSync(fixtureFile(c), 'utf8');
  const entry = stubFile(c);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exported = Object.keys(require(entry));
  // A stack per case: all of them in one would pass CloudFormation's 500 resources (each function has its log group).
  const scope = new Construct(new Stack(app, `ImportedEngineTest-${c.workflow}`), c.workflow);
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
    : WorkflowDefinition.fromFaasr(scope, 'Definition', json, { functions });
  new UnumWorkflow(scope, 'Workflow', { definition, workflowName: c.workflow });
}

app.synth();
