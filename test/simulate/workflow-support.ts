import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { IChainable, UnumWorkflow, UnumWorkflowProps } from '../../src';
import { LocalApp, loadAssembly, synthesize } from '../../toolkit/src/local/assembly';
import { mergeProfile, Profile } from '../../toolkit/src/simulate/profile';
import { simWorkflow } from '../../toolkit/src/simulate/workflow-config';
import { runWorkflow, WorkflowRunOptions } from '../../toolkit/src/simulate/workflow-run';
import { summarize, WorkflowSummary } from '../../toolkit/src/simulate/workflow-summary';
import { ROOT, tsApp } from '../engine/support';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'unum-simflow-test-'));
  dirs.push(dir);
  return dir;
}

/** Real synthesis of a workflow defined in the test, read back as `unum simulate` reads an assembly. */
export function synthWorkflow(name: string, definition: (stack: Stack) => IChainable,
  props: Omit<UnumWorkflowProps, 'definition'> = {}): { app: LocalApp; dir: string } {
  const dir = join(tempDir(), 'cdk.out');
  const app = new App({ outdir: dir });
  const stack = new Stack(app, `${name}Stack`);
  new UnumWorkflow(stack, name, { ...props, definition: definition(stack) });
  app.synth();
  return { app: loadAssembly(dir), dir };
}

/** Real synthesis of an example app (examples/<name>/app.ts). */
export async function synthExample(name: string): Promise<{ app: LocalApp; dir: string }> {
  const dir = join(tempDir(), 'cdk.out');
  await synthesize({ app: tsApp(join(ROOT, 'examples', name, 'app.ts')), outdir: dir, cwd: ROOT });
  return { app: loadAssembly(dir), dir };
}

export function simulate(app: LocalApp, profile: unknown, options: WorkflowRunOptions): WorkflowSummary {
  const merged: Profile = mergeProfile(profile);
  const { sim, model } = runWorkflow(simWorkflow(app.workflows[0]), merged, options);
  return summarize(model, sim, merged, options);
}
