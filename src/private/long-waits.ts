import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import { suppressNag } from './nag';
import { grantInvokeByName } from './store-grants';
import { FunctionConfig, RetryRule } from '../protocol/config';
import { SCHEDULE_ACTIONS } from '../protocol/permissions';
import { LONG_WAIT_THRESHOLD_MS, SCHEDULE_ENV, SCHEDULE_NAME_PREFIX } from '../protocol/schedule';

/**
 * Whether the function can continue later through a schedule: a Wait in its egress (or its start states) that can
 * last longer than LONG_WAIT_THRESHOLD_MS (a fixed one that does, and every one whose length is known only at run
 * time: a path, a timestamp, JSONata), or a retry of its own or of a fan-out it starts with an interval that does.
 */
export function hasLongWait(config: FunctionConfig): boolean {
  // A callback's heartbeat and timeout are enforced by a schedule too.
  if (config.callback?.heartbeatSeconds !== undefined || config.callback?.timeoutSeconds !== undefined) return true;
  let found = (config.retry ?? []).some(isLongRetry);
  JSON.stringify([config.next, config.catch, config.start], (key, value) => {
    if (value && typeof value === 'object' && value.kind === 'wait') {
      const fixed = typeof value.seconds === 'number' && value.secondsPath === undefined && value.timestamp === undefined && value.timestampPath === undefined;
      if (!fixed || value.seconds * 1000 > LONG_WAIT_THRESHOLD_MS) found = true;
    }
    if (key === 'retry' && Array.isArray(value) && value.some(isLongRetry)) found = true;
    return value;
  });
  return found;
}

/** The longest delay the runtime waits before a retry of `rule` (its last one: interval × backoffRate^(maxAttempts−1), capped). */
export function longestRetryDelaySeconds(rule: RetryRule): number {
  const longest = rule.intervalSeconds * rule.backoffRate ** Math.max(0, rule.maxAttempts - 1);
  return rule.maxDelaySeconds === undefined ? longest : Math.min(longest, rule.maxDelaySeconds);
}

function isLongRetry(rule: RetryRule): boolean {
  return rule.maxAttempts > 0 && longestRetryDelaySeconds(rule) * 1000 > LONG_WAIT_THRESHOLD_MS;
}

export interface WaitScheduling {
  /** The environment of a function that schedules long Waits (SCHEDULE_ENV). */
  readonly environment: Record<string, string>;
  /** Allows `grantee` to create its schedules in the group and pass them the role. */
  grantSchedule(grantee: iam.IGrantable): void;
}

/**
 * The schedule group of a workflow's long Waits and the role Scheduler invokes with: trusted by
 * scheduler.amazonaws.com for this account's schedules of this group only, allowed to invoke only `invocationNames`
 * (the functions that schedule themselves, by the names they re-invoke themselves by).
 */
export function waitScheduling(scope: Construct, workflowName: string, invocationNames: readonly string[]): WaitScheduling {
  const stack = Stack.of(scope);
  const groupName = `unum-${workflowName}`.slice(0, 64);
  new scheduler.CfnScheduleGroup(scope, 'WaitScheduleGroup', { name: groupName });
  const schedules = stack.formatArn({
    service: 'scheduler', resource: 'schedule', resourceName: `${groupName}/${SCHEDULE_NAME_PREFIX}*`, arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
  const role = new iam.Role(scope, 'WaitSchedulerRole', {
    description: `Invoked by EventBridge Scheduler to resume the long Waits of workflow ${workflowName}`,
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'scheduler', resource: 'schedule', resourceName: `${groupName}/*`, arnFormat: ArnFormat.SLASH_RESOURCE_NAME }) },
      },
    }),
  });
  grantInvokeByName(role, stack, invocationNames);
  const reason = {
    id: 'AwsSolutions-IAM5',
    reason: `Long Waits create one schedule per instance, named ${SCHEDULE_NAME_PREFIX}<hash>, in the workflow's own schedule group ${groupName}`,
    appliesTo: [{ regex: `/^Resource::arn:<AWS::Partition>:scheduler:.*:schedule\\/${groupName.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')}\\/.*\\*$/g` }],
  };
  return {
    environment: { [SCHEDULE_ENV.GROUP]: groupName, [SCHEDULE_ENV.ROLE_ARN]: role.roleArn },
    grantSchedule: (grantee) => {
      iam.Grant.addToPrincipal({ grantee, actions: [...SCHEDULE_ACTIONS], resourceArns: [schedules] });
      iam.Grant.addToPrincipal({
        grantee,
        actions: ['iam:PassRole'],
        resourceArns: [role.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      });
      const policy = (grantee.grantPrincipal as iam.Role).node?.tryFindChild('DefaultPolicy');
      if (policy) suppressNag(policy, [reason]);
    },
  };
}
