import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Chain, UnumFunction, UnumWorkflow, Wait, WaitTime } from '../../src';
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
