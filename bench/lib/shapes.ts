import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, NestedStack, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { Chain, Choice, Condition, FanIn, IChainable, Map, Parallel, UnumFunction, UnumWorkflow } from '../../src';
import { LocalApp, loadAssembly } from '../../toolkit/src/local/assembly';

/**
 * The benchmark workflows, built with the library's constructs and
 * synthesized like a user's app, so the configurations measured are the ones
 * the graph compiler emits (never hand-written). Every function uses the
 * trivial asset in bench/fixtures/trivial (`index.handler`).
 */

export const TRIVIAL = join(__dirname, '..', 'fixtures', 'trivial');

export function trivialFunction(scope: Construct, id: string): UnumFunction {
  return new UnumFunction(scope, id, { code: lambda.Code.fromAsset(TRIVIAL), handler: 'index.handler' });
}

/** A chain of n trivial nodes N0 → N1 → … (input: a number; result: the number + n). */
export function chain(scope: Construct, n: number, fn: (id: string) => UnumFunction = (id) => trivialFunction(scope, id)): IChainable {
  let c = Chain.start(fn('N0'));
  for (let i = 1; i < n; i++) c = c.next(fn(`N${i}`));
  return c;
}

/** Start → Map (width n) of Item → FanIn → Collect (result: n). */
export function mapJoin(scope: Construct, n: number): IChainable {
  return Chain.start(trivialFunction(scope, 'Start'))
    .next(new Map(scope, 'Items', { width: n }).itemProcessor(trivialFunction(scope, 'Item')))
    .next(new FanIn(scope, 'Join'))
    .next(trivialFunction(scope, 'Collect'));
}

/** Start → Parallel(Left1 → Left2, Right) → FanIn → Merge (result: 2). */
export function parallelJoin(scope: Construct): IChainable {
  return Chain.start(trivialFunction(scope, 'Start'))
    .next(new Parallel(scope, 'Fork')
      .branch(Chain.start(trivialFunction(scope, 'Left1')).next(trivialFunction(scope, 'Left2')))
      .branch(trivialFunction(scope, 'Right')))
    .next(new FanIn(scope, 'Join'))
    .next(trivialFunction(scope, 'Merge'));
}

/** Start → Choice($ > 0: Yes, otherwise No) → afterwards → After (the branches rejoin; one runs). */
export function choiceJoin(scope: Construct): IChainable {
  return Chain.start(trivialFunction(scope, 'Start'))
    .next(new Choice(scope, 'Positive')
      .when(Condition.numberGreaterThan('$', 0), trivialFunction(scope, 'Yes'))
      .otherwise(trivialFunction(scope, 'No'))
      .afterwards())
    .next(trivialFunction(scope, 'After'));
}

/**
 * Start → Map (width 4) of Item → FanIn → Count → Choice($ < 3: back to the
 * Map, otherwise Done): three iterations of a fan-out and join (17
 * invocations with loopJoinHandlers).
 */
export function loopJoin(scope: Construct): IChainable {
  const items = new Map(scope, 'Items', { width: 4 }).itemProcessor(trivialFunction(scope, 'Item'));
  return Chain.start(trivialFunction(scope, 'Start'))
    .next(items)
    .next(new FanIn(scope, 'Join'))
    .next(trivialFunction(scope, 'Count'))
    .next(new Choice(scope, 'Again').when(Condition.numberLessThan('$', 3), items).otherwise(trivialFunction(scope, 'Done')));
}

/** The loop's counter: Count adds one to what the items carried (result: 3). */
export const loopJoinHandlers = {
  Start: async () => 0,
  Item: async (x: number) => x,
  Count: async (list: number[]) => list[0] + 1,
  Done: async (x: number) => x,
};

/** Start → Map (width n) of [Parallel(Left, Right) → FanIn → Merge] → FanIn → Collect (result: n). */
export function diamondInMap(scope: Construct, n: number): IChainable {
  const diamond = Chain.start(new Parallel(scope, 'Fork').branch(trivialFunction(scope, 'Left')).branch(trivialFunction(scope, 'Right')))
    .next(new FanIn(scope, 'Inner'))
    .next(trivialFunction(scope, 'Merge'));
  return Chain.start(trivialFunction(scope, 'Start'))
    .next(new Map(scope, 'Items', { width: n }).itemProcessor(diamond))
    .next(new FanIn(scope, 'Outer'))
    .next(trivialFunction(scope, 'Collect'));
}

export type ShapeBuilder = (scope: Construct) => IChainable;

/** One stack per workflow (workflow name = key), synthesized into a fresh directory. */
export function synthShapes(shapes: Record<string, ShapeBuilder>): LocalApp {
  const outdir = mkdtempSync(join(tmpdir(), 'unum-bench-'));
  const app = new App({ outdir });
  for (const [name, build] of Object.entries(shapes)) {
    const stack = new Stack(app, `Bench-${name}`);
    new UnumWorkflow(stack, name, { definition: build(stack) });
  }
  app.synth();
  return loadAssembly(outdir);
}

/**
 * A chain of n nodes spread over nested stacks of `perStack` functions
 * each (CloudFormation's limit is 500 resources per stack and each
 * UnumFunction is at least 3: function, role, policy); the workflow (store,
 * layer, output) lives in the parent stack.
 */
export function nestedChain(stack: Stack, n: number, perStack: number, fn?: (scope: Construct, id: string) => UnumFunction): IChainable {
  const make = fn ?? trivialFunction;
  const nested: NestedStack[] = [];
  return chain(stack, n, (id) => {
    const i = Number(id.slice(1));
    const k = Math.floor(i / perStack);
    nested[k] ??= new NestedStack(stack, `Part${k}`);
    return make(nested[k], id);
  });
}
