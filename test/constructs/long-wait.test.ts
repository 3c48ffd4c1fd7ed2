import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Chain, Map, UnumFunction, UnumWorkflow, Wait, WaitTime } from '../../src';
import { SCHEDULE_ENV } from '../../src/protocol';
import { longWaitWorkflow } from '../support/long-wait';

const ENV = { account: '123456789012', region: 'us-east-1' };

function template(build: (stack: Stack) => void): Template {
  const stack = new Stack(new App(), 'LongWaits', { env: ENV });
  build(stack);
  return Template.fromStack(stack);
}

const code = lambda.Code.fromInline('exports.h = async (x) => x;');

describe('long Waits', () => {
  const t = template((stack) => longWaitWorkflow(stack));

  test('one schedule group, and a role only Scheduler (this account, this group) assumes', () => {
    t.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
    t.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: 'unum-longwait' });
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { Service: 'scheduler.amazonaws.com' },
          Condition: {
            StringEquals: { 'aws:SourceAccount': '123456789012' },
            ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':scheduler:us-east-1:123456789012:schedule/unum-longwait/*']] } },
          },
        }],
      },
    });
  });

  test('the role may invoke the waiting function only; the function may create its schedules and pass that role only', () => {
    const policies = t.findResources('AWS::IAM::Policy');
    const statements = (match: (s: any) => boolean) => Object.values(policies)
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement).filter(match);
    const trust = { AssumeRolePolicyDocument: { Statement: [{ Principal: { Service: 'scheduler.amazonaws.com' } }] } };
    const schedulerRole = Object.keys(t.findResources('AWS::IAM::Role', { Properties: trust }))[0];
    const rolePolicy = Object.values(policies).find((p: any) => p.Properties.Roles.some((r: any) => r.Ref === schedulerRole)) as any;
    expect(rolePolicy.Properties.PolicyDocument.Statement).toEqual([{
      Action: 'lambda:InvokeFunction',
      Effect: 'Allow',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, expect.stringMatching(/^:lambda:us-east-1:123456789012:function:LongWaits-Before-/)]] },
    }]);
    expect(statements((s) => s.Action === 'scheduler:CreateSchedule')).toEqual([{
      Action: 'scheduler:CreateSchedule',
      Effect: 'Allow',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':scheduler:us-east-1:123456789012:schedule/unum-longwait/unum-*']] },
    }]);
    expect(statements((s) => s.Action === 'iam:PassRole')).toEqual([{
      Action: 'iam:PassRole',
      Effect: 'Allow',
      Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      Resource: { 'Fn::GetAtt': [schedulerRole, 'Arn'] },
    }]);
  });

  test('only the waiting function gets the group and the role in its environment', () => {
    const functions = Object.values(t.findResources('AWS::Lambda::Function')) as any[];
    const scheduling = functions.filter((f) => f.Properties.Environment?.Variables?.[SCHEDULE_ENV.GROUP] !== undefined);
    expect(scheduling).toHaveLength(1);
    expect(scheduling[0].Properties.Environment.Variables).toMatchObject({
      [SCHEDULE_ENV.GROUP]: 'unum-longwait', [SCHEDULE_ENV.ROLE_ARN]: { 'Fn::GetAtt': [expect.stringMatching(/^longwaitWaitSchedulerRole/), 'Arn'] },
    });
  });

  test('the group, the role and its policy as synthesized', () => {
    const roles = t.findResources('AWS::IAM::Role', { Properties: { Description: Match.stringLikeRegexp('Scheduler') } });
    const policies = t.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Object.keys(roles)[0] }] } });
    expect({ ...t.findResources('AWS::Scheduler::ScheduleGroup'), ...roles, ...policies }).toMatchSnapshot();
  });
});

test('a workflow whose Waits all fit in an invocation gets no schedule group, role or grant', () => {
  const t = template((stack) => new UnumWorkflow(stack, 'short', {
    definition: Chain.start(new UnumFunction(stack, 'A', { code, handler: 'index.h' }))
      .next(new Wait(stack, 'Brief', { time: WaitTime.duration(Duration.minutes(5)) }))
      .next(new UnumFunction(stack, 'B', { code, handler: 'index.h' })),
  }));
  t.resourceCountIs('AWS::Scheduler::ScheduleGroup', 0);
  expect(JSON.stringify(t.toJSON())).not.toMatch(/scheduler:CreateSchedule|iam:PassRole|UNUM_SCHEDULE/);
});

test('a retry interval longer than the threshold schedules too: that function (and a Map origin with one) gets the group, the role and the grant', () => {
  const t = template((stack) => {
    const item = new UnumFunction(stack, 'Item', { code, handler: 'index.h' });
    new UnumWorkflow(stack, 'retries', {
      definition: Chain.start(new UnumFunction(stack, 'Hourly', { code, handler: 'index.h' })
        .addRetry({ errors: ['Flaky'], interval: Duration.hours(1), backoffRate: 2, maxAttempts: 2 }))
        .next(new UnumFunction(stack, 'Quick', { code, handler: 'index.h' }).addRetry({ interval: Duration.seconds(2), maxAttempts: 3 }))
        .next(new Map(stack, 'Items').itemProcessor(item).addRetry({ interval: Duration.minutes(3), backoffRate: 2, maxAttempts: 2 }))
        .next(new UnumFunction(stack, 'Last', { code, handler: 'index.h' })),
    });
  });
  const functions = t.findResources('AWS::Lambda::Function');
  const scheduling = Object.entries(functions).filter(([, f]: [string, any]) => f.Properties.Environment?.Variables?.[SCHEDULE_ENV.GROUP] === 'unum-retries');
  // Hourly (its own retry) and Quick, which starts the Map whose last retry waits 6 minutes.
  expect(scheduling.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(['HourlyFunction', 'QuickFunction']);
  const policies = Object.values(t.findResources('AWS::IAM::Policy')) as any[];
  for (const [, fn] of scheduling as Array<[string, any]>) {
    const statements = policies.filter((p) => p.Properties.Roles.some((r: any) => r.Ref === fn.Properties.Role['Fn::GetAtt'][0]))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements.filter((s) => ['scheduler:CreateSchedule', 'iam:PassRole'].includes(s.Action)).map((s) => s.Action).sort())
      .toEqual(['iam:PassRole', 'scheduler:CreateSchedule']);
  }
});
