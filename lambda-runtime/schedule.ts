import type * as Scheduler from '@aws-sdk/client-scheduler';
import { once } from './lazy';
import { errorName } from './retry';
import type { Runtime, Invocation } from './runtime';
import {
  Envelope, LONG_WAIT_THRESHOLD_MS, SCHEDULE_ENV, SCHEDULE_INPUT_LIMIT, atExpression, instanceKey, scheduleName, scheduledEnvelopeObjectKey,
} from '../src/protocol';

/** Loaded on first use: only a long Wait needs it (Lambda's Node.js runtime provides it; the layer does not bundle it). */
// eslint-disable-next-line @typescript-eslint/no-require-imports, import/no-extraneous-dependencies
export const schedulerModule = once(() => require('@aws-sdk/client-scheduler') as typeof Scheduler);

export type SchedulerClientSource = Scheduler.SchedulerClient | (() => Scheduler.SchedulerClient);

/** Where this function's long Waits are scheduled (SCHEDULE_ENV); undefined when its workflow has none. */
export interface ScheduleTarget {
  readonly group: string;
  readonly roleArn: string;
}

export function scheduleTargetFromEnv(env: NodeJS.ProcessEnv): ScheduleTarget | undefined {
  const group = env[SCHEDULE_ENV.GROUP];
  const roleArn = env[SCHEDULE_ENV.ROLE_ARN];
  return group && roleArn ? { group, roleArn } : undefined;
}

/**
 * The ARN Scheduler invokes: this function under the name its predecessors use (`name:alias`), in the account and
 * region of the ARN it was invoked by.
 */
export function ownArn(invokedFunctionArn: string | undefined, name: string): string {
  const parts = invokedFunctionArn?.split(':') ?? [];
  if (parts.length < 7 || parts[0] !== 'arn') throw new Error('cannot schedule a long Wait: the invoked function ARN is unknown');
  return `${parts.slice(0, 6).join(':')}:${name}`;
}

/**
 * Creates the one-time schedule that re-invokes this function with `envelope` at `at`. The name is the instance's
 * and what it continues (its Waits' keys, or a retry's attempt: scheduleName) unless `name` says otherwise (a
 * callback's check): a duplicate delivery or a retry meets ConflictException, which means "scheduled". Returns
 * whether this call created it.
 */
export async function scheduleResume(rt: Runtime, inv: Invocation, target: ScheduleTarget, envelope: Envelope, at: number,
  continues: readonly string[] = Object.keys(envelope.waits ?? {}),
  name = scheduleName(envelope, instanceKey(envelope.node, envelope.frames, envelope.iteration), continues)): Promise<boolean> {
  let input = JSON.stringify(envelope);
  if (Buffer.byteLength(input) > SCHEDULE_INPUT_LIMIT) {
    const key = scheduledEnvelopeObjectKey(envelope, name);
    await rt.store.putObject(key, input);
    const { variables: _dropped, ...small } = envelope;
    input = JSON.stringify({ ...small, stored: key });
  }
  const arn = ownArn(inv.lambdaContext?.invokedFunctionArn, rt.ownName(inv, 'schedule a long Wait'));
  const client = rt.schedulerClient();
  try {
    await client.send(new (schedulerModule().CreateScheduleCommand)({
      Name: name,
      GroupName: target.group,
      ScheduleExpression: atExpression(at),
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: { Arn: arn, RoleArn: target.roleArn, Input: input, RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 } },
    }));
  } catch (e) {
    if (errorName(e) === 'ConflictException') {
      inv.logger.info('the long Wait is scheduled already (a duplicate delivery or a retry)', { schedule: name });
      return false;
    }
    throw e;
  }
  inv.logger.info('long Wait: scheduled the re-invocation, nothing runs until then', { schedule: name, at: new Date(at).toISOString(), functionArn: arn });
  return true;
}

/**
 * A retry interval longer than LONG_WAIT_THRESHOLD_MS is honoured like a long Wait: a one-time schedule re-invokes
 * this function with `envelope` (which carries the attempt and its notBefore) at `notBefore`, and nothing sleeps
 * until then. `attempt` names the schedule (one per instance and attempt, so duplicates meet ConflictException).
 * False for a shorter interval, or a function without a schedule group: the caller waits in the invocation chain.
 */
export async function scheduleLongRetry(rt: Runtime, inv: Invocation, envelope: Envelope, notBefore: number, attempt: string): Promise<boolean> {
  const target = rt.options.schedule;
  if (target === undefined || notBefore - rt.clock.now() <= LONG_WAIT_THRESHOLD_MS) return false;
  inv.logger.info('retry interval longer than an invocation should wait: scheduled instead', { attempt, notBefore: new Date(notBefore).toISOString() });
  await scheduleResume(rt, inv, target, envelope, notBefore, [`retry:${attempt}`]);
  return true;
}
