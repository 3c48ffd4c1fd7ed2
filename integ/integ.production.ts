// The README's "Running in production" stacks: a workflow in a VPC behind aliases, JSON logs, tracing, and a second stack that starts it.
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration } from 'aws-cdk-lib';
import { productionApp } from './support/production';
import { expectedSessionItem, startEnvelope } from './support/shape-integ';
import { sessionItemKey } from '../src/protocol/keys';

const app = new App({ stackTraces: false, postCliContext: { 'aws:cdk:disable-creation-stack-traces': true } });
const { orders, shop } = productionApp(app);
const workflow = orders.workflow;
const integ = new IntegTest(app, 'productionTest', { testCases: [orders, shop], stackUpdateWorkflow: false, diffAssets: false });

const session = 'integ-production';
const input = { order: 42 };
// Through the alias, as predecessors and the rule do.
const start = integ.assertions.invokeFunction({
  functionName: workflow.entryFunction.invocationName,
  payload: JSON.stringify(startEnvelope(workflow, session, input)),
});
start.expect(ExpectedResult.objectLike({ Payload: JSON.stringify({ session, instance: `${workflow.entryFunction.id}|0` }) }));
const { pk, sk } = sessionItemKey({ workflow: workflow.workflowName, session });
const item = integ.assertions.awsApiCall('DynamoDB', 'getItem', { TableName: workflow.store.tableName, Key: { pk: { S: pk }, sk: { S: sk } }, ConsistentRead: true });
item.expect(ExpectedResult.objectLike({ Item: expectedSessionItem({ status: 'SUCCEEDED', result: input }) }))
  .waitForAssertions({ totalTimeout: Duration.minutes(5), interval: Duration.seconds(5) });
start.next(item);
app.synth();
