import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { IntermediaryStore, UnumWorkflow } from '../../src';
import { sessionItemKey } from '../../src/protocol/keys';
import { SHAPES } from '../../test/support/shapes';

/**
 * What one run of a shape must leave in the session item
 * (the protocol's sessionItemKey) once the workflow has finished.
 */
export type SessionOutcome =
  /** The terminal node recorded this result (compared as the JSON the runtime stores in `rv`). */
  | { readonly status: 'SUCCEEDED'; readonly result: unknown }
  /** The session failed at `failedNode` with `error`. */
  | { readonly status: 'FAILED'; readonly failedNode: string; readonly error: string };

export interface ShapeIntegOptions {
  /** The plain input of the session (wrapped in a start envelope). */
  readonly input: unknown;
  /** The session item the run must produce. */
  readonly outcome: SessionOutcome;
  /**
   * How long the assertion polls the session item.
   * @default Duration.minutes(5)
   */
  readonly timeout?: Duration;
}

/** Session id of the assertion run: fixed, so the assertion knows which item to read. */
export function integSession(shape: string): string {
  return `integ-${shape}`;
}

/** The start envelope the assertion sends to the entry function (see src/protocol/envelope.ts). */
export function startEnvelope(workflow: UnumWorkflow, session: string, input: unknown): Record<string, unknown> {
  return {
    unum: 1,
    workflow: workflow.workflowName,
    session,
    node: workflow.entryFunction.id,
    frames: [],
    iteration: 0,
    input: { value: input },
  };
}

/** The session attributes the DynamoDB GetItem response must contain. */
export function expectedSessionItem(outcome: SessionOutcome): Record<string, unknown> {
  return outcome.status === 'SUCCEEDED'
    ? { status: { S: 'SUCCEEDED' }, rv: { S: JSON.stringify(outcome.result) } }
    : { status: { S: 'FAILED' }, failedNode: { S: outcome.failedNode }, error: { S: outcome.error } };
}

/**
 * An integ app for one of the shared workflow shapes (test/support/shapes.ts):
 * a stack holding the workflow (with a store that is destroyed with the
 * stack) and an IntegTest that starts one session with a fixed id, then
 * polls the session item until it shows the expected outcome.
 *
 * Deploy it on a real account with
 * `npx integ-runner --config integ/integ.config.json --update-on-failed integ.<shape>.ts`
 * (see integ/README.md).
 */
export function shapeIntegApp(shape: string, options: ShapeIntegOptions): App {
  const definition = SHAPES[shape];
  if (!definition) throw new Error(`unknown shape '${shape}' (known: ${Object.keys(SHAPES).join(', ')})`);
  // No stack traces in the metadata: the snapshot must not depend on the checkout path.
  const app = new App({ stackTraces: false, postCliContext: { 'aws:cdk:disable-creation-stack-traces': true } });
  // Environment-agnostic, so the same snapshot deploys to any account and region.
  const stack = new Stack(app, `UnumInteg-${shape}`);
  const store = new IntermediaryStore(stack, 'Store', { removalPolicy: RemovalPolicy.DESTROY });
  const workflow = new UnumWorkflow(stack, shape, { definition: definition(stack), store });

  const integ = new IntegTest(app, `${shape}Test`, {
    testCases: [stack],
    // No asset folders in the committed snapshot: integ-runner drops them
    // only for stacks without the update workflow.
    stackUpdateWorkflow: false,
    diffAssets: false,
  });

  const session = integSession(shape);
  const start = integ.assertions.invokeFunction({
    functionName: workflow.entryFunction.functionName,
    payload: JSON.stringify(startEnvelope(workflow, session, options.input)),
  });
  // The entry answers once it has checkpointed and invoked its successors (asynchronously).
  start.expect(ExpectedResult.objectLike({
    Payload: JSON.stringify({ session, instance: `${workflow.entryFunction.id}|0` }),
  }));

  const { pk, sk } = sessionItemKey({ workflow: workflow.workflowName, session });
  const sessionKey = { pk: { S: pk }, sk: { S: sk } };
  const sessionItem = integ.assertions.awsApiCall('DynamoDB', 'getItem', {
    TableName: store.tableName,
    Key: sessionKey,
    ConsistentRead: true,
  });
  sessionItem.expect(ExpectedResult.objectLike({ Item: expectedSessionItem(options.outcome) }))
    .waitForAssertions({ totalTimeout: options.timeout ?? Duration.minutes(5), interval: Duration.seconds(5) });
  start.next(sessionItem);
  return app;
}
