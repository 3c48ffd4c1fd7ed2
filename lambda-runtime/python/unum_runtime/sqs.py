"""The entry started by an SQS event source mapping (port of lambda-runtime/sqs.ts)."""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Mapping

from .log import Logger
from .protocol import js_loads, sqs_session_id


def is_sqs_batch(event: Any) -> bool:
    """An event from an SQS event source mapping: records, each from `aws:sqs`."""
    records = event.get('Records') if isinstance(event, dict) else None
    return (isinstance(records, list) and len(records) > 0
            and all(isinstance(r, dict) and r.get('eventSource') == 'aws:sqs' for r in records))


def start_sqs_batch(event: Mapping[str, Any], workflow: str, logger: Logger,
                    start: Callable[[str, Any], Any]) -> Dict[str, List[Dict[str, str]]]:
    """
    Starts one session per record, in order. A record whose start failed is
    reported in `batchItemFailures`, so the queue redelivers it (and moves it
    to its dead-letter queue after maxReceiveCount): a redelivery finds the
    session its message id named and does not start a second one. A body
    that is not JSON can never start a session; it is reported the same way,
    so the message reaches the dead-letter queue intact rather than being
    dropped. From a FIFO queue, the records after a failure are reported
    unprocessed, keeping their message group's order.
    """
    failures: List[Dict[str, str]] = []
    for record in event['Records']:
        message_id, queue = record.get('messageId'), record.get('eventSourceARN')
        fields = {'error': 'Unum.SqsStartFailed', 'messageId': message_id, 'queue': queue}
        if failures and isinstance(queue, str) and queue.endswith('.fifo'):
            logger.warn('an earlier message of this FIFO batch failed to start a session: this one is left for redelivery, in order', fields)
            failures.append({'itemIdentifier': message_id})
            continue
        session = sqs_session_id(message_id)
        problem = None
        value: Any = None
        if session is None:
            problem = f"its message id '{str(message_id)[:100]}' cannot name a session"
        else:
            body = record.get('body')
            try:
                if not isinstance(body, str):
                    raise ValueError('the record has no string body')
                value = js_loads(body)
            except ValueError as e:
                problem = f'its body is not JSON ({e}): send a JSON document as the message body'
        if problem is not None:
            logger.error(f"workflow '{workflow}': SQS message {message_id} cannot start a session: {problem}; "
                         "reported as a batch item failure, so the queue's dead-letter queue receives it after maxReceiveCount",
                         {**fields, 'error': 'Unum.InvalidSqsMessage'})
            failures.append({'itemIdentifier': message_id})
            continue
        try:
            start(session, value)
        except Exception as e:  # noqa: BLE001  any failure to start leaves the message for redelivery
            logger.error(f"workflow '{workflow}': SQS message {message_id} failed to start session {session}; reported for redelivery",
                         {**fields, 'session': session, 'cause': f'{type(e).__name__}: {e}'})
            failures.append({'itemIdentifier': message_id})
    return {'batchItemFailures': failures}
