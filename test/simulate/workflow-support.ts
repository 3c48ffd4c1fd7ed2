import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Stack } from 'aws-cdk-lib';
import {
  Chain, Choice, Condition, FanIn, IChainable, Map as UnumMap, Pass, ProvideItems, QueryLanguage, UnumWorkflow, UnumWorkflowProps, Wait, WaitTime,
} from '../../src';
import { LocalApp, loadAssembly, synthesize } from '../../toolkit/src/local/assembly';
import { mergeProfile, Profile } from '../../toolkit/src/simulate/profile';
import { simWorkflow } from '../../toolkit/src/simulate/workflow-config';
import { runWorkflow, WorkflowRunOptions } from '../../toolkit/src/simulate/workflow-run';
import { summarize, WorkflowSummary } from '../../toolkit/src/simulate/workflow-summary';
import { ROOT, tsApp } from '../engine/support';
import { fn } from '../support/shapes';

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

export async function simulate(app: LocalApp, profile: unknown, options: WorkflowRunOptions): Promise<WorkflowSummary> {
  const merged: Profile = mergeProfile(profile);
  const { sim, model } = await runWorkflow(simWorkflow(app.workflows[0]), merged, options);
  return summarize(model, sim, merged, options);
}

/**
 * A JSONata workflow whose shape its expressions decide: Prepare keeps the input's numbers and assigns their count;
 * the Map fans out on them (Items) with each item's value and index (ItemSelector) and sums the values at its join
 * (outputs); a Choice on the sum against a variable set by a Pass goes to a Wait of 10 s per item, then Big, or to Small.
 */
export function jsonataShape(stack: Stack): IChainable {
  const prepare = fn(stack, 'Prepare');
  prepare.configureDataFlow({ outputs: { xs: '{% $states.input.xs %}' }, assign: { n: '{% $count($states.input.xs) %}' } });
  const each = new UnumMap(stack, 'Each', {
    items: ProvideItems.jsonata('{% $states.input.xs %}'),
    itemSelector: { v: '{% $states.context.Map.Item.Value %}', i: '{% $states.context.Map.Item.Index %}' },
    outputs: '{% $sum($states.result.v) %}',
  }).itemProcessor(fn(stack, 'Item'));
  const limit = new Pass(stack, 'Limit', { queryLanguage: QueryLanguage.JSONATA, assign: { limit: 10 } });
  const big = new Wait(stack, 'PerItem', { time: WaitTime.seconds('{% $n * 10 %}') }).next(fn(stack, 'Big'));
  const decide = new Choice(stack, 'Decide').when(Condition.jsonata('{% $states.input > $limit %}'), big).otherwise(fn(stack, 'Small'));
  return Chain.start(prepare).next(each).next(new FanIn(stack, 'Join')).next(limit).next(decide);
}
