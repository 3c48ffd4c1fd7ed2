"""
Sends Lambda's on-failure record on to a user's own destination exactly as
Lambda would have (lambda-runtime/forward.ts): the record JSON as an SQS
message body, an SNS message, an S3 object under Lambda's own key layout, an
EventBridge event's detail (source `lambda`), or an asynchronous Lambda
invocation's payload (only its responsePayload with responseOnly).
"""
from __future__ import annotations

import threading
import uuid
from datetime import datetime, timezone
from typing import Any, Callable, Dict, Mapping, Optional

from .protocol import S3_RECORD_PREFIX, js_dumps

# Lambda's EventBridge events for a failed asynchronous invocation.
EVENT_SOURCE = 'lambda'
EVENT_DETAIL_TYPE_FAILURE = 'Lambda Function Invocation Result - Failure'


class ForwardClients:
    """The clients, made on first use (endpoints from AWS_ENDPOINT_URL_*): no function pays for them at cold start."""

    def __init__(self, lambda_client: Any, make: Callable[[str], Any]):
        self.lambda_client = lambda_client
        self._make = make
        self._made: Dict[str, Any] = {}
        self._lock = threading.Lock()

    def client(self, service: str) -> Any:
        with self._lock:
            if service not in self._made:
                self._made[service] = self._make(service)
            return self._made[service]


def forward_record(record: Mapping[str, Any], to: Mapping[str, Any], clients: ForwardClients) -> None:
    """Delivers `record` to `to`; raises when the destination refuses it (Lambda's retries of the recorder deliver it again)."""
    text = js_dumps(record)
    function_arn = (record.get('requestContext') or {}).get('functionArn') or ''
    kind, target = to['kind'], to['target']
    if kind == 'lambda':
        payload = js_dumps(record.get('responsePayload')) if to.get('responseOnly') else text
        clients.lambda_client.invoke(FunctionName=target, InvocationType='Event', Payload=payload.encode('utf-8'))
    elif kind == 'sqs':
        clients.client('sqs').send_message(QueueUrl=target, MessageBody=text)
    elif kind == 'sns':
        clients.client('sns').publish(TopicArn=target, Message=text)
    elif kind == 'eventbridge':
        entry: Dict[str, Any] = {
            'Source': EVENT_SOURCE, 'DetailType': EVENT_DETAIL_TYPE_FAILURE, 'Detail': text, 'EventBusName': target,
            'Resources': [r for r in (target, function_arn) if r],
        }
        at = _parse_time(record.get('timestamp'))
        if at is not None:
            entry['Time'] = at
        put = clients.client('events').put_events(Entries=[entry])
        # PutEvents reports a refused entry in its answer, not as an error.
        refused = next((e for e in put.get('Entries', []) if e.get('ErrorCode')), None)
        if put.get('FailedEntryCount', 0) > 0 or refused is not None:
            raise RuntimeError(f"EventBridge refused the on-failure record for {target}: "
                               f"{(refused or {}).get('ErrorCode', 'unknown')} {(refused or {}).get('ErrorMessage', '')}".strip())
    elif kind == 's3':
        clients.client('s3').put_object(Bucket=target, Key=s3_record_key(function_arn, record.get('timestamp')), Body=text.encode('utf-8'))
    else:
        raise ValueError(f"unknown on-failure destination kind '{kind}' (deploy matching cdk-unum versions)")


def _parse_time(timestamp: Optional[str]) -> Optional[datetime]:
    if not timestamp:
        return None
    try:
        return datetime.fromisoformat(timestamp.replace('Z', '+00:00'))
    except ValueError:
        return None


def s3_record_key(function_arn: str, timestamp: Optional[str] = None) -> str:
    """`aws/lambda/async/<function-name>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<uuid>`, in UTC, as Lambda names it."""
    name = function_arn.split(':')[6] if function_arn.startswith('arn:') else function_arn.split(':')[0]
    at = (_parse_time(timestamp) or datetime.now(timezone.utc)).astimezone(timezone.utc)
    date = at.strftime('%Y-%m-%d')
    return f"{S3_RECORD_PREFIX}{name}/{date.replace('-', '/')}/{date}T{at.strftime('%H.%M.%S')}-{uuid.uuid4()}"
