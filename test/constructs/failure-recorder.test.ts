import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
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
    // The function itself, unqualified: no ':*' version wildcard.
    PolicyDocument: { Statement: Match.arrayWith([{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': [mineId, 'Arn'] } }]) },
  });
});

/** The recorder's statements, and its forwarding (RECORDER_ENV.FORWARD) resolved as far as the template allows. */
function recorderOf(t: Template): { statements: any[]; forward: any; env: any } {
  const id = recorderId(t);
  const props = t.findResources('AWS::Lambda::Function')[id].Properties;
  const statements = Object.values(t.findResources('AWS::IAM::Policy'))
    .filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref === props.Role['Fn::GetAtt'][0]))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
  return { statements, forward: props.Environment.Variables.UNUM_FORWARD, env: props.Environment.Variables };
}

interface Case {
  readonly destination: lambda.IDestination;
  /** The action and resource of the recorder's one forwarding statement, resolved. */
  readonly action: string;
  readonly resource: unknown;
  /** What the recorder's environment names, resolved. */
  readonly target: { kind: string; target: unknown; responseOnly?: boolean };
}

/** A one-node workflow whose node has `onFailure`. */
function withOnFailure(make: (stack: Stack) => lambda.IDestination): { stack: Stack; t: Template; a: UnumFunction } {
  const stack = newStack();
  const a = new UnumFunction(stack, 'A', { code: lambda.Code.fromInline('exports.h = async () => 1;'), handler: 'index.h', onFailure: make(stack) });
  new UnumWorkflow(stack, 'Flow', { definition: a });
  return { stack, t: Template.fromStack(stack), a };
}

const forwardingStatements = (statements: any[]) => statements.filter((s) => ![s.Action].flat().some((a: string) => /^(dynamodb|logs):/.test(a)));

const CASES: Record<string, (stack: Stack) => Case> = {
  'SqsDestination': (stack) => {
    const q = new sqs.Queue(stack, 'Q');
    return { destination: new destinations.SqsDestination(q), action: 'sqs:SendMessage', resource: q.queueArn, target: { kind: 'sqs', target: q.queueUrl } };
  },
  'SnsDestination': (stack) => {
    const topic = new sns.Topic(stack, 'T');
    return { destination: new destinations.SnsDestination(topic), action: 'sns:Publish', resource: topic.topicArn, target: { kind: 'sns', target: topic.topicArn } };
  },
  'EventBridgeDestination': (stack) => {
    const bus = new events.EventBus(stack, 'B');
    return {
      destination: new destinations.EventBridgeDestination(bus),
      action: 'events:PutEvents',
      resource: bus.eventBusArn,
      target: { kind: 'eventbridge', target: bus.eventBusArn },
    };
  },
  'EventBridgeDestination (default bus)': (stack) => {
    const bus = stack.formatArn({ service: 'events', resource: 'event-bus', resourceName: 'default' });
    return { destination: new destinations.EventBridgeDestination(), action: 'events:PutEvents', resource: bus, target: { kind: 'eventbridge', target: bus } };
  },
  'LambdaDestination': (stack) => {
    const mine = userOnFailure(stack);
    return {
      destination: new destinations.LambdaDestination(mine),
      action: 'lambda:InvokeFunction',
      resource: mine.functionArn,
      target: { kind: 'lambda', target: mine.functionArn },
    };
  },
  'LambdaDestination (responseOnly)': (stack) => {
    const mine = userOnFailure(stack);
    return {
      destination: new destinations.LambdaDestination(mine, { responseOnly: true }),
      action: 'lambda:InvokeFunction',
      resource: mine.functionArn,
      target: { kind: 'lambda', target: mine.functionArn, responseOnly: true },
    };
  },
  'S3Destination': (stack) => {
    const bucket = new s3.Bucket(stack, 'R');
    // Lambda's key layout for the function: aws/lambda/async/<function-name>/...
    return {
      destination: new destinations.S3Destination(bucket),
      action: 's3:PutObject',
      resource: bucket.arnForObjects('aws/lambda/async/FUNCTION/*'),
      target: { kind: 's3', target: bucket.bucketName },
    };
  },
};

test.each(Object.keys(CASES))('%s: the recorder forwards with exactly its one action on that destination; the function sends to the recorder only', (name) => {
  let c!: Case;
  const { stack, t, a } = withOnFailure((s) => (c = CASES[name](s)).destination);
  const recorder = recorderId(t);
  t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
    FunctionName: { Ref: stack.getLogicalId(a.lambdaFunction.node.defaultChild as lambda.CfnFunction) },
    DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [recorder, 'Arn'] } } },
  });
  const { statements, forward } = recorderOf(t);
  const resource = JSON.parse(JSON.stringify(stack.resolve(c.resource)).replace('FUNCTION', a.functionName));
  expect(forwardingStatements(statements)).toEqual([{ Effect: 'Allow', Action: c.action, Resource: resource }]);
  // The forwarding maps the function's fixed name to the destination, by a reference CloudFormation resolves.
  expect(forward).toEqual(stack.resolve(stack.toJsonString({ [a.functionName]: c.target })));
  // The function's own role gets none of the destination classes' grants (sends, reads): it may invoke the recorder only.
  const fnRole = t.findResources('AWS::Lambda::Function')[stack.getLogicalId(a.lambdaFunction.node.defaultChild as lambda.CfnFunction)]
    .Properties.Role['Fn::GetAtt'][0];
  const fnStatements = Object.values(t.findResources('AWS::IAM::Policy')).filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref === fnRole))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
  // (Its s3 actions are on its store's workflow prefix.)
  const foreign = fnStatements.filter((st: any) => [st.Action].flat().some((x: string) => /^(sqs|sns|events|kms):/.test(x)
    || (x.startsWith('s3:') && !JSON.stringify(st.Resource).includes('/unum/Flow/'))));
  expect(foreign).toEqual([]);
});

test.each(['queue', 'topic'])('an encrypted %s: the recorder may also make the data key it is encrypted with, on that key only', (what) => {
  let key!: kms.Key;
  const { stack, t } = withOnFailure((scope) => {
    key = new kms.Key(scope, 'K');
    return what === 'queue'
      ? new destinations.SqsDestination(new sqs.Queue(scope, 'Q', { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: key }))
      : new destinations.SnsDestination(new sns.Topic(scope, 'T', { masterKey: key }));
  });
  const kmsStatements = recorderOf(t).statements.filter((s) => [s.Action].flat().some((x: string) => x.startsWith('kms:')));
  expect(kmsStatements).toEqual([{ Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: stack.resolve(key.keyArn) }]);
});

test('an onFailure the recorder cannot forward is refused at synth, naming the node', () => {
  const custom: lambda.IDestination = { bind: () => ({ destination: 'arn:aws:sqs:us-east-1:123456789012:elsewhere' }) };
  expect(() => withOnFailure(() => custom)).toThrow(/UnumFunction 'A': onFailure must be one of aws-cdk-lib's destinations \(LambdaDestination, SqsDestination/);
  expect(() => withOnFailure((stack) => new destinations.SqsDestination(new sqs.Queue(stack, 'F', { fifo: true }))))
    .toThrow(/UnumFunction 'A': onFailure is a FIFO queue, which Lambda does not accept as a destination; use a standard queue/);
});
