import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Chain, JsonPath, UnumFunction, UnumWorkflow } from '../../src';
import { FunctionConfig } from '../../src/protocol/config';
import { fn } from '../support/shapes';

/* integrationPattern WAIT_FOR_TASK_TOKEN: what it compiles into, and what it refuses. */

function newStack(): Stack {
  return new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
}

function configOf(stack: Stack, f: UnumFunction): FunctionConfig {
  const [resource] = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function', { Properties: { FunctionName: f.functionName } })) as any[];
  return JSON.parse(resource.Properties.Environment.Variables.UNUM_CONFIG);
}

const code = lambda.Code.fromInline('exports.h = async (x) => x;');

test('a WAIT_FOR_TASK_TOKEN function compiles to a callback node that reads $$.Task.Token in its parameters', () => {
  const stack = newStack();
  const approve = new UnumFunction(stack, 'Approve', {
    code, handler: 'index.h', integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN, parameters: { token: JsonPath.taskToken },
  });
  const start = fn(stack, 'Start');
  new UnumWorkflow(stack, 'Flow', { definition: Chain.start(start).next(approve) });
  expect(configOf(stack, approve)).toMatchObject({ callback: {}, dataFlow: { parameters: { 'token.$': '$$.Task.Token' } } });
  expect(configOf(stack, start).callback).toBeUndefined();
});

test('$$.Task.Token in a function that does not wait for a callback is refused, naming the function', () => {
  expect(() => new UnumFunction(newStack(), 'Plain', { code, handler: 'index.h', parameters: { token: JsonPath.taskToken } }))
    .toThrow(/^UnumFunction 'Plain': parameters: 'token\.\$': \$\$\.Task\.Token: task tokens are only given to a task that waits for a callback/);
  expect(() => new UnumFunction(newStack(), 'Req', {
    code, handler: 'index.h', integrationPattern: sfn.IntegrationPattern.REQUEST_RESPONSE, parameters: { token: JsonPath.taskToken },
  })).toThrow(/waits for a callback/);
});

test('RUN_JOB is refused, naming the node', () => {
  expect(() => new UnumFunction(newStack(), 'Job', { code, handler: 'index.h', integrationPattern: sfn.IntegrationPattern.RUN_JOB }))
    .toThrow(/^UnumFunction 'Job': integrationPattern RUN_JOB is not supported for a function; use REQUEST_RESPONSE or WAIT_FOR_TASK_TOKEN$/);
});

test('a Python function waits for a callback like a Node.js one: the callback config, and the schedule group for its heartbeat', () => {
  const stack = newStack();
  const approve = new UnumFunction(stack, 'Py', {
    code: lambda.Code.fromInline('def handler(event, context):\n    return None\n'),
    handler: 'index.handler',
    runtime: lambda.Runtime.PYTHON_3_12,
    integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
    parameters: { token: JsonPath.taskToken },
    heartbeat: Duration.minutes(5),
  });
  new UnumWorkflow(stack, 'Flow', { definition: Chain.start(fn(stack, 'Start')).next(approve) });
  expect(configOf(stack, approve)).toMatchObject({ callback: { heartbeatSeconds: 300 }, dataFlow: { parameters: { 'token.$': '$$.Task.Token' } } });
  Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
    FunctionName: approve.functionName,
    Runtime: 'python3.12',
    Environment: { Variables: { UNUM_SCHEDULE_GROUP: 'unum-Flow' } },
  });
});

describe('grantTaskResponse', () => {
  function granted(): { policy: any; approve: UnumFunction } {
    const stack = newStack();
    const approve = new UnumFunction(stack, 'Approve', { code, handler: 'index.h', integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN });
    const flow = new UnumWorkflow(stack, 'Flow', { definition: Chain.start(fn(stack, 'Start')).next(approve).next(fn(stack, 'End')) });
    const approver = new iam.Role(stack, 'Approver', { assumedBy: new iam.AccountRootPrincipal() });
    flow.grantTaskResponse(approver);
    const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: stack.getLogicalId(approver.node.defaultChild as iam.CfnRole) }] } });
    expect(Object.keys(policies)).toHaveLength(1);
    return { policy: Object.values(policies)[0], approve };
  }

  test('claims callback items and reads session items of this workflow only, its callback objects, and invokes the waiting function only', () => {
    const { policy, approve } = granted();
    const tableArn = policy.Properties.PolicyDocument.Statement[0].Resource;
    expect(tableArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^FlowStoreTable[0-9A-F]{8}$/), 'Arn'] });
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      {
        Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        Effect: 'Allow',
        Resource: tableArn,
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['W#Flow#K#*#*', 'W#Flow#S#*'] } },
      },
      {
        Action: ['s3:GetObject', 's3:PutObject'],
        Effect: 'Allow',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['FlowStorePayloadsE8177783', 'Arn'] }, '/unum/Flow/*/callbacks/*']] },
      },
      {
        Action: 'lambda:InvokeFunction',
        Effect: 'Allow',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:lambda:us-east-1:123456789012:function:${approve.functionName}`]] },
      },
    ]);
  });

  test('a workflow without a callback node refuses, naming the workflow', () => {
    const stack = newStack();
    const flow = new UnumWorkflow(stack, 'Plain', { definition: Chain.start(fn(stack, 'Only')) });
    expect(() => flow.grantTaskResponse(new iam.Role(stack, 'R', { assumedBy: new iam.AccountRootPrincipal() })))
      .toThrow(/^UnumWorkflow 'Plain': grantTaskResponse: no function of the workflow waits for a callback; set integrationPattern WAIT_FOR_TASK_TOKEN/);
  });
});

test('heartbeat and taskTimeout compile into the callback config and give the function the schedule group; refused elsewhere', () => {
  const stack = newStack();
  const approve = new UnumFunction(stack, 'Approve', {
    code, handler: 'index.h', integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN, heartbeat: Duration.minutes(5), taskTimeout: Duration.days(2),
  });
  new UnumWorkflow(stack, 'Flow', { definition: Chain.start(fn(stack, 'Start')).next(approve) });
  const config = configOf(stack, approve);
  expect(config.callback).toEqual({ heartbeatSeconds: 300, timeoutSeconds: 172800 });
  Template.fromStack(stack).hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: 'unum-Flow' });
  expect(() => new UnumFunction(newStack(), 'Plain', { code, handler: 'index.h', heartbeat: Duration.minutes(1) }))
    .toThrow(/^UnumFunction 'Plain': heartbeat applies to a function that waits for a callback only: set integrationPattern WAIT_FOR_TASK_TOKEN, or remove heartbeat$/);
  expect(() => new UnumFunction(newStack(), 'Half', {
    code, handler: 'index.h', integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN, taskTimeout: Duration.millis(1500),
  })).toThrow(/^UnumFunction 'Half': taskTimeout must be whole seconds from 1 second to 365 days \(got 1.5 s\)$/);
});
