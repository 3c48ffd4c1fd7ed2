import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Chain, UnumFunction, UnumWorkflow } from '../../src';
import { RECORDER_HANDLER } from '../../src/protocol/config';
import { fn } from '../support/shapes';

/** Every workflow function's on-failure destination is the workflow's failure recorder. */
const newStack = () => new Stack(new App(), 'S', { env: { account: '123456789012', region: 'us-east-1' } });

function recorderId(t: Template): string {
  const ids = Object.entries(t.findResources('AWS::Lambda::Function')).filter(([, r]: [string, any]) => r.Metadata?.['cdk-unum']?.recorder === true);
  expect(ids).toHaveLength(1);
  return ids[0][0];
}

function userOnFailure(stack: Stack): lambda.Function {
  return new lambda.Function(stack, 'Mine', {
    runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {};'),
  });
}

test('every UnumFunction sends failed events to the recorder, which runs from the runtime layer with least privilege', () => {
  const stack = newStack();
  const a = fn(stack, 'A');
  const b = fn(stack, 'B');
  const c = new UnumFunction(stack, 'C', { code: lambda.Code.fromInline('exports.h = async () => 1;'), handler: 'index.h', retryAttempts: 1, maxEventAge: Duration.minutes(5) });
  const wf = new UnumWorkflow(stack, 'Flow', { definition: Chain.start(a).next(b).next(c) });
  const t = Template.fromStack(stack);
  const recorder = recorderId(t);
  const configs = Object.values(t.findResources('AWS::Lambda::EventInvokeConfig'));
  expect(configs).toHaveLength(3);
  for (const f of wf.functions) {
    t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: stack.getLogicalId(f.lambdaFunction.node.defaultChild as lambda.CfnFunction) },
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [recorder, 'Arn'] } } },
    });
  }
  t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 1, MaximumEventAgeInSeconds: 300 });
  const props = t.findResources('AWS::Lambda::Function')[recorder].Properties;
  expect(props.Handler).toBe(RECORDER_HANDLER);
  expect(props.Layers).toHaveLength(1);
  expect(props.FunctionName).toMatch(/^S-Flow-FailureRecorder-[0-9a-f]{8}$/);
  expect(props.Environment.Variables).toMatchObject({ UNUM_WORKFLOW: 'Flow', UNUM_ENTRY_NODE: 'A', UNUM_ENTRY_FUNCTION: a.functionName });
  // The recorder's role: the three item operations it calls on its workflow's items, and its own logs; nothing else.
  const policies = Object.values(t.findResources('AWS::IAM::Policy'))
    .filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref === props.Role['Fn::GetAtt'][0]));
  expect(policies.flatMap((p: any) => p.Properties.PolicyDocument.Statement.flatMap((s: any) => [s.Action].flat())).sort())
    .toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents']);
  // No managed policy: its logs go to its own log group only.
  expect(t.findResources('AWS::IAM::Role')[props.Role['Fn::GetAtt'][0]].Properties.ManagedPolicyArns).toBeUndefined();
});

test("a user's onFailure Lambda is reached through the recorder, which alone may invoke it", () => {
  const stack = newStack();
  const mine = userOnFailure(stack);
  const a = fn(stack, 'A');
  const b = new UnumFunction(stack, 'B', {
    code: lambda.Code.fromInline('exports.h = async () => 1;'), handler: 'index.h', onFailure: new destinations.LambdaDestination(mine),
  });
  new UnumWorkflow(stack, 'Flow', { definition: Chain.start(a).next(b) });
  const t = Template.fromStack(stack);
  const recorder = recorderId(t);
  t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
    FunctionName: { Ref: stack.getLogicalId(b.lambdaFunction.node.defaultChild as lambda.CfnFunction) },
    DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [recorder, 'Arn'] } } },
  });
  const mineId = stack.getLogicalId(mine.node.defaultChild as lambda.CfnFunction);
  const vars = t.findResources('AWS::Lambda::Function')[recorder].Properties.Environment.Variables;
  expect(JSON.stringify(vars.UNUM_FORWARD)).toContain(b.functionName);
  expect(JSON.stringify(vars.UNUM_FORWARD)).toContain(mineId);
  const recorderRole = t.findResources('AWS::Lambda::Function')[recorder].Properties.Role['Fn::GetAtt'][0];
  t.hasResourceProperties('AWS::IAM::Policy', {
    Roles: [{ Ref: recorderRole }],
    PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'lambda:InvokeFunction', Resource: Match.arrayWith([{ 'Fn::GetAtt': [mineId, 'Arn'] }]) })]) },
  });
});

test('an onFailure the recorder cannot forward is refused at synth, naming the node', () => {
  const stack = newStack();
  const a = new UnumFunction(stack, 'A', {
    code: lambda.Code.fromInline('exports.h = async () => 1;'), handler: 'index.h', onFailure: new destinations.SqsDestination(new sqs.Queue(stack, 'Q')),
  });
  expect(() => new UnumWorkflow(stack, 'Flow', { definition: a })).toThrow(/UnumFunction 'A': onFailure must be a LambdaDestination/);
  const other = newStack();
  const b = new UnumFunction(other, 'B', {
    code: lambda.Code.fromInline('exports.h = async () => 1;'),
    handler: 'index.h',
    onFailure: new destinations.LambdaDestination(userOnFailure(other), { responseOnly: true }),
  });
  expect(() => new UnumWorkflow(other, 'Flow', { definition: b })).toThrow(/UnumFunction 'B': onFailure must be a LambdaDestination \(without responseOnly\)/);
});
