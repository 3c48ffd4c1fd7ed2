"""Long Waits (lambda-runtime/schedule.ts): an EventBridge Scheduler one-time schedule re-invokes this function."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional

from .flow import now_ms
from .protocol import (
    LONG_WAIT_THRESHOLD_MS, SCHEDULE_ENV, SCHEDULE_INPUT_LIMIT, at_expression, instance_key, js_dumps, schedule_name, scheduled_envelope_object_key,
)
from .retry import error_name

if TYPE_CHECKING:
    from .runtime import Invocation, Runtime


def schedule_target_from_env(env: Mapping[str, str]) -> Optional[Dict[str, str]]:
    group, role_arn = env.get(SCHEDULE_ENV['GROUP']), env.get(SCHEDULE_ENV['ROLE_ARN'])
    return {'group': group, 'roleArn': role_arn} if group and role_arn else None


def own_arn(invoked_function_arn: Optional[str], name: str) -> str:
    parts = (invoked_function_arn or '').split(':')
    if len(parts) < 7 or parts[0] != 'arn':
        raise RuntimeError('cannot schedule a long Wait: the invoked function ARN is unknown')
    return ':'.join(parts[:6]) + ':' + name


def schedule_resume(rt: 'Runtime', inv: 'Invocation', target: Mapping[str, str], envelope: Dict[str, Any], at: float,
                    continues: Optional[List[str]] = None, name: Optional[str] = None) -> bool:
    """
    Creates the schedule; False when it existed (a duplicate delivery or a retry: ConflictException). The name is
    the instance's and what it continues (its Waits' keys, or a retry's attempt) unless `name` says otherwise.
    """
    if name is None:
        waits = continues if continues is not None else list((envelope.get('waits') or {}).keys())
        name = schedule_name(envelope, instance_key(envelope['node'], envelope['frames'], envelope['iteration']), waits)
    body = js_dumps(envelope)
    if len(body.encode('utf-8')) > SCHEDULE_INPUT_LIMIT:
        key = scheduled_envelope_object_key(envelope, name)
        rt.store.put_object(key, body)
        small = {k: v for k, v in envelope.items() if k != 'variables'}
        body = js_dumps({**small, 'stored': key})
    arn = own_arn(getattr(inv.lambda_context, 'invoked_function_arn', None), rt.own_name(inv, 'schedule a long Wait'))
    try:
        rt.scheduler_client().create_schedule(
            Name=name, GroupName=target['group'], ScheduleExpression=at_expression(at), ScheduleExpressionTimezone='UTC',
            FlexibleTimeWindow={'Mode': 'OFF'}, ActionAfterCompletion='DELETE',
            Target={'Arn': arn, 'RoleArn': target['roleArn'], 'Input': body,
                    'RetryPolicy': {'MaximumRetryAttempts': 185, 'MaximumEventAgeInSeconds': 86400}},
        )
    except Exception as e:  # noqa: BLE001  botocore's ClientError names the code
        if error_name(e) == 'ConflictException':
            inv.logger.info('the long Wait is scheduled already (a duplicate delivery or a retry)', schedule=name)
            return False
        raise
    inv.logger.info('long Wait: scheduled the re-invocation, nothing runs until then', schedule=name, functionArn=arn)
    return True


def schedule_long_retry(rt: 'Runtime', inv: 'Invocation', envelope: Dict[str, Any], not_before: float, attempt: str) -> bool:
    """A retry interval longer than LONG_WAIT_THRESHOLD_MS goes through a one-time schedule, like a long Wait
    (schedule.ts scheduleLongRetry). False: a shorter one, or no schedule group; the caller waits in the chain."""
    target = rt.options.schedule
    if target is None or not_before - now_ms() <= LONG_WAIT_THRESHOLD_MS:
        return False
    inv.logger.info('retry interval longer than an invocation should wait: scheduled instead', attempt=attempt)
    schedule_resume(rt, inv, target, envelope, not_before, ['retry:' + attempt])
    return True
