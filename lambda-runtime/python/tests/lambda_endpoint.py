"""
A local endpoint that speaks the Lambda Invoke API
(`POST /2015-03-31/functions/{name}/invocations`), so unmodified boto3 and
AWS SDK v3 Lambda clients reach the test's functions (AWS_ENDPOINT_URL_LAMBDA
or endpoint_url). Event invocations are queued (202) and run with Lambda's
async semantics: bounded concurrency, up to two retries of a failed event
with the same request id, failures kept as the on-failure record; optional
duplicate delivery and throttling (429 in Lambda's wire format). The local
engine plays this role for `unum run` (toolkit/src/local/lambda-endpoint.ts).
"""
from __future__ import annotations

import json
import re
import threading
import uuid
from collections import deque
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Deque, Dict, List, Optional
from urllib.parse import unquote

PATH = re.compile(r'^/2015-03-31/functions/([^/]+)/invocations/?$')


@dataclass(frozen=True)
class InvokeRequest:
    function_name: str
    payload: str
    request_id: str
    attempt: int = 0
    duplicate: bool = False


@dataclass(frozen=True)
class InvokeResult:
    payload: Any = None
    # {'errorType', 'errorMessage'} when the function failed (unhandled error, crash).
    error: Optional[Dict[str, str]] = None


def function_name_of(name_or_arn: str) -> str:
    decoded = unquote(name_or_arn)
    parts = decoded.split(':')
    if decoded.startswith('arn:'):
        return parts[6] if len(parts) > 6 else decoded
    return parts[0]


class LambdaEndpoint:
    def __init__(self, invoke: Callable[[InvokeRequest], InvokeResult], exists: Callable[[str], bool], concurrency: int = 16,
                 max_retries: int = 2, duplicate: Optional[Callable[[InvokeRequest], bool]] = None,
                 throttle: Optional[Callable[[str, Optional[str]], bool]] = None):
        self._invoke = invoke
        self._exists = exists
        self.max_retries = max_retries
        self.duplicate = duplicate
        self.throttle = throttle
        self.failures: List[Dict[str, Any]] = []
        self.stats = {'accepted': 0, 'executed': 0, 'retried': 0, 'duplicated': 0, 'failed': 0, 'throttled': 0}
        self._queue: Deque[InvokeRequest] = deque()
        self._running = 0
        self._cv = threading.Condition()
        self._closed = False
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get('Content-Length') or 0)).decode('utf-8')
                endpoint._route(self, body)

        self._server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self._workers = [threading.Thread(target=self._work, daemon=True) for _ in range(concurrency)]
        for w in self._workers:
            w.start()

    @property
    def url(self) -> str:
        return f'http://127.0.0.1:{self._server.server_address[1]}'

    def enqueue(self, function_name: str, payload: str) -> None:
        """Queues an async event as if it came through the API."""
        self._accept(InvokeRequest(function_name_of(function_name), payload, str(uuid.uuid4())))

    def idle(self, timeout: float = 300) -> None:
        """Returns once no async event is queued or running."""
        with self._cv:
            if not self._cv.wait_for(lambda: not self._queue and self._running == 0, timeout=timeout):
                raise TimeoutError(f'the workflow did not settle within {timeout} s ({len(self._queue)} queued, {self._running} running)')

    def close(self) -> None:
        with self._cv:
            self._closed = True
            self._cv.notify_all()
        self._server.shutdown()
        self._server.server_close()

    def _route(self, h: BaseHTTPRequestHandler, body: str) -> None:
        match = PATH.match(h.path.split('?')[0])
        if match is None:
            return _send(h, 404, {'message': f'unsupported POST {h.path}'}, {'x-amzn-ErrorType': 'UnknownOperationException'})
        name = function_name_of(match.group(1))
        if not self._exists(name):
            return _send(h, 404, {'Type': 'User', 'message': f'Function not found: {name}'}, {'x-amzn-ErrorType': 'ResourceNotFoundException'})
        if self.throttle is not None and self.throttle(name, h.headers.get('amz-sdk-invocation-id')):
            self.stats['throttled'] += 1
            return _send(h, 429, {'Reason': 'ConcurrentInvocationLimitExceeded', 'Type': 'User', 'message': 'Rate Exceeded.'},
                         {'x-amzn-ErrorType': 'TooManyRequestsException'})
        request_id = str(uuid.uuid4())
        if h.headers.get('X-Amz-Invocation-Type', 'RequestResponse') == 'Event':
            self._accept(InvokeRequest(name, body, request_id))
            return _send(h, 202, None, {'x-amzn-RequestId': request_id})
        result = self._invoke(InvokeRequest(name, body, request_id))
        headers = {'x-amzn-RequestId': request_id}
        if result.error is not None:
            headers['X-Amz-Function-Error'] = 'Unhandled'
            return _send(h, 200, result.error, headers)
        return _send(h, 200, result.payload, headers)

    def _accept(self, request: InvokeRequest) -> None:
        with self._cv:
            self.stats['accepted'] += 1
            self._queue.append(request)
            if self.duplicate is not None and self.duplicate(request):
                self.stats['duplicated'] += 1
                self._queue.append(replace(request, duplicate=True))
            self._cv.notify_all()

    def _work(self) -> None:
        while True:
            with self._cv:
                self._cv.wait_for(lambda: self._queue or self._closed)
                if self._closed:
                    return
                request = self._queue.popleft()
                self._running += 1
                self.stats['executed'] += 1
            try:
                try:
                    result = self._invoke(request)
                except Exception as e:  # noqa: BLE001 - a crashed sandbox is a failed invocation
                    result = InvokeResult(error={'errorType': type(e).__name__, 'errorMessage': str(e)})
                with self._cv:
                    if result.error is not None:
                        if request.attempt < self.max_retries:
                            # Lambda retries a failed event with the same request id.
                            self.stats['retried'] += 1
                            self._queue.append(replace(request, attempt=request.attempt + 1))
                        else:
                            self.stats['failed'] += 1
                            self.failures.append({'request': request, 'error': result.error})
            finally:
                with self._cv:
                    self._running -= 1
                    self._cv.notify_all()


def _send(h: BaseHTTPRequestHandler, status: int, body: Any, headers: Dict[str, str]) -> None:
    data = b'' if body is None and status in (202, 204) else json.dumps(body).encode('utf-8')
    h.send_response(status)
    h.send_header('Content-Type', 'application/json')
    h.send_header('Content-Length', str(len(data)))
    for k, v in headers.items():
        h.send_header(k, v)
    h.end_headers()
    h.wfile.write(data)
