"""
A test world for the Python runtime: a fresh table and bucket in the shared
DynamoDB Local and s3rver (behind the engine's counting proxy), the local
Lambda endpoint, and workflow functions from compiled configurations, each
run by the Python runtime in process (real boto3 clients), by the Python
runtime's Lambda entry in a sandbox process, or by the bundled Node runtime
in a sandbox process.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import urllib.request
import uuid
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional

import boto3

from lambda_endpoint import InvokeRequest, InvokeResult, LambdaEndpoint
from unum_runtime.entry import client_config
from unum_runtime.log import silent
from unum_runtime.protocol import (
    ENV, ENVELOPE_VERSION, SESSION_ATTR, checkpoint_key_prefix, js_dumps, js_loads, session_item_key, start_object_key,
)
from unum_runtime.runtime import RuntimeOptions, create_runtime
from unum_runtime.store import Store, fan_in_of

REPO = Path(__file__).resolve().parents[3]
PYTHON_ROOT = REPO / 'lambda-runtime' / 'python'
NODE_RUNTIME = REPO / 'assets' / 'layer' / 'unum' / 'runtime.js'
CREDENTIALS = {'AWS_ACCESS_KEY_ID': 'S3RVER', 'AWS_SECRET_ACCESS_KEY': 'S3RVER', 'AWS_REGION': 'us-east-1',
               'AWS_DEFAULT_REGION': 'us-east-1'}


def node_script(script: str) -> List[str]:
    return ['node', '-r', 'ts-node/register/transpile-only', str(REPO / 'test' / 'pyruntime' / script)]


class Servers:
    """DynamoDB Local and s3rver behind counting proxies (test/pyruntime/servers.ts), as jest's global setup starts them."""

    def __init__(self) -> None:
        env = dict(os.environ)
        self._process = subprocess.Popen(node_script('servers.ts'), cwd=REPO, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                          text=True)
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError(f'the store servers did not start (exit {self._process.wait()}); see stderr above')
        endpoints = json.loads(line)
        self.dynamodb: str = endpoints['dynamodb']
        self.s3: str = endpoints['s3']
        self.control: str = endpoints['control']

    def stats(self) -> Dict[str, Dict[str, int]]:
        with urllib.request.urlopen(f'{self.control}/stats') as r:
            return json.loads(r.read())

    def reset(self) -> None:
        urllib.request.urlopen(urllib.request.Request(f'{self.control}/reset', method='POST')).read()

    def throttle(self, every: int) -> None:
        """Throttles the first attempt of every `every`-th store call (0 stops)."""
        urllib.request.urlopen(urllib.request.Request(f'{self.control}/throttle?every={every}', method='POST')).read()

    def stop(self) -> None:
        self._process.stdin.close()
        try:
            self._process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self._process.kill()


@dataclass
class LambdaContext:
    """The part of Lambda's Python context the runtime and user code read."""
    aws_request_id: str
    function_name: str
    deadline: Optional[float] = None
    memory_limit_in_mb: int = 128
    invoked_function_arn: str = ''

    def get_remaining_time_in_millis(self) -> float:
        import time
        return float('inf') if self.deadline is None else max(0.0, (self.deadline - time.time()) * 1000)


class SandboxProcess:
    """A warm sandbox: one process per function, invocations as JSON lines (test/pyruntime/node-worker.js, py_worker.py)."""

    def __init__(self, command: List[str], env: Mapping[str, str], cwd: Path):
        self._process = subprocess.Popen(command, env=dict(env), cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                          stderr=subprocess.DEVNULL if os.environ.get('UNUM_TEST_SANDBOX_LOGS') is None else None,
                                          text=True, bufsize=1)
        self._pending: Dict[str, Future] = {}
        self._lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def invoke(self, event: Any, context: Mapping[str, Any]) -> InvokeResult:
        call = str(uuid.uuid4())
        future: Future = Future()
        with self._lock:
            self._pending[call] = future
            self._process.stdin.write(json.dumps({'id': call, 'event': event, 'context': context}) + '\n')
            self._process.stdin.flush()
        answer = future.result(timeout=120)
        if 'error' in answer:
            return InvokeResult(error=answer['error'])
        return InvokeResult(payload=answer['result'])

    def _read(self) -> None:
        for line in self._process.stdout:
            answer = json.loads(line)
            with self._lock:
                future = self._pending.pop(answer['id'])
            future.set_result(answer)
        with self._lock:
            for future in self._pending.values():
                future.set_result({'error': {'errorType': 'Sandbox.Exited', 'errorMessage': f'exit {self._process.poll()}'}})
            self._pending.clear()

    def close(self) -> None:
        self._process.stdin.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()


Handler = Callable[[Any, Any], Any]

_seq = 0


class World:
    """One workflow deployed on a fresh table and bucket; functions are `fn-<node>`."""

    def __init__(self, servers: Servers, compiled: Mapping[str, Any], payload_threshold: Optional[int] = None,
                 remaining_ms: Optional[float] = None, fanout_batch: Optional[int] = None, eager_gc: bool = False,
                 invoke_concurrency: Optional[int] = None, **endpoint_options: Any):
        global _seq
        _seq += 1
        self.servers = servers
        self.compiled = compiled
        self.workflow: str = compiled['name']
        self.name = f'py-{os.getpid()}-{_seq}'
        self.table = f't-{self.name}'
        self.bucket = f'b-{self.name}'
        self.payload_threshold = payload_threshold
        self.remaining_ms = remaining_ms
        self.fanout_batch = fanout_batch
        self.eager_gc = eager_gc
        self.invoke_concurrency = invoke_concurrency
        self.faults: Optional[Callable[[str, Mapping[str, str]], None]] = None
        # The in-process runtimes' logger (set before deploy); silent by default.
        self.logger: Optional[Any] = None
        self.runs: Dict[str, int] = {}
        self.invocations: Dict[str, int] = {}
        self._functions: Dict[str, Callable[[InvokeRequest], InvokeResult]] = {}
        self._sandboxes: List[SandboxProcess] = []
        self._tmp = tempfile.TemporaryDirectory(prefix='unum-py-')
        self.dynamodb = boto3.client('dynamodb', endpoint_url=servers.dynamodb, config=client_config({}), **_creds())
        self.s3 = boto3.client('s3', endpoint_url=servers.s3, config=client_config({'AWS_ENDPOINT_URL_S3': servers.s3}, s3=True), **_creds())
        self.dynamodb.create_table(
            TableName=self.table, BillingMode='PAY_PER_REQUEST',
            AttributeDefinitions=[{'AttributeName': 'pk', 'AttributeType': 'S'}, {'AttributeName': 'sk', 'AttributeType': 'S'}],
            KeySchema=[{'AttributeName': 'pk', 'KeyType': 'HASH'}, {'AttributeName': 'sk', 'KeyType': 'RANGE'}])
        self.s3.create_bucket(Bucket=self.bucket)
        self.endpoint = LambdaEndpoint(self._invoke, lambda name: name in self._functions, **endpoint_options)
        self.lambda_client = boto3.client('lambda', endpoint_url=self.endpoint.url, config=client_config({}), **_creds())
        self.store = Store(self.dynamodb, self.s3, self.table, self.bucket)

    def config(self, node: str) -> Mapping[str, Any]:
        return next(c for c in self.compiled['functions'] if c['node'] == node)

    def deploy(self, handlers: Mapping[str, Handler], node_handlers: Optional[Mapping[str, str]] = None,
               entry_handlers: Optional[Mapping[str, str]] = None, crash_first_delivery_at: Optional[str] = None) -> 'World':
        """
        `handlers`: node → Python function run in process; `node_handlers`: node → JavaScript
        source of `exports.handler` run by the Node runtime; `entry_handlers`: node → Python
        source of `handler` run by `unum_runtime.entry.handler` in its own process.
        `crash_first_delivery_at`: sandboxed functions run the first delivery of each event in a
        sandbox with UNUM_FAULT_CRASH_AT set to this step (as the engine does), retries in a clean one.
        """
        for node, handler in handlers.items():
            self._deploy_python(node, handler)
        node_worker = ['node', str(REPO / 'test' / 'pyruntime' / 'node-worker.js'), str(NODE_RUNTIME)]
        py_worker = [sys.executable, str(Path(__file__).parent / 'py_worker.py')]
        if node_handlers and not NODE_RUNTIME.exists():
            raise RuntimeError(f'{NODE_RUNTIME} is missing: run `npx projen bundle:runtime` first')
        for node, source in (node_handlers or {}).items():
            self._deploy_sandbox(node, source, 'index.js', node_worker, 'index.handler', crash_first_delivery_at)
        for node, source in (entry_handlers or {}).items():
            self._deploy_sandbox(node, source, 'app.py', py_worker, 'app.handler', crash_first_delivery_at)
        missing = [c['node'] for c in self.compiled['functions'] if f"fn-{c['node']}" not in self._functions]
        if missing:
            raise ValueError(f'no handler for {missing}')
        return self

    def _deploy_python(self, node: str, handler: Handler) -> None:
        def counted(event: Any, context: Any) -> Any:
            self.runs[context.instance] = self.runs.get(context.instance, 0) + 1
            return handler(event, context)

        runtime = create_runtime(RuntimeOptions(
            config=self.config(node), user_handler=counted, dynamodb=self.dynamodb, s3=self.s3, lambda_client=self.lambda_client,
            table=self.table, bucket=self.bucket, payload_threshold=self.payload_threshold, fanout_batch=self.fanout_batch,
            eager_gc=self.eager_gc, invoke_concurrency=self.invoke_concurrency,
            faults=lambda step, info: self.faults(step, info) if self.faults is not None else None, logger=self.logger or silent(),
        ))

        def invoke(request: InvokeRequest) -> InvokeResult:
            import time
            deadline = None if self.remaining_ms is None else time.time() + self.remaining_ms / 1000
            context = LambdaContext(aws_request_id=request.request_id, function_name=request.function_name, deadline=deadline,
                                    invoked_function_arn=f'arn:aws:lambda:us-east-1:123456789012:function:{request.function_name}')
            try:
                return InvokeResult(payload=runtime(json.loads(request.payload), context))
            except Exception as e:  # noqa: BLE001 - reported as Lambda reports an unhandled error
                from unum_runtime.retry import error_name
                return InvokeResult(error={'errorType': error_name(e), 'errorMessage': str(e)})

        self._functions[f'fn-{node}'] = invoke

    def function_env(self, node: str, user_handler: str, code_dir: Path) -> Dict[str, str]:
        env = {
            'PATH': os.environ['PATH'],
            # AWS_REGION only, as the Node SDK reads it: the Python entry must find the region there too.
            **{k: v for k, v in CREDENTIALS.items() if k != 'AWS_DEFAULT_REGION'},
            'AWS_ENDPOINT_URL_DYNAMODB': self.servers.dynamodb,
            'AWS_ENDPOINT_URL_S3': self.servers.s3,
            'AWS_ENDPOINT_URL_LAMBDA': self.endpoint.url,
            'AWS_REQUEST_CHECKSUM_CALCULATION': 'WHEN_REQUIRED',
            'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED': 'true',
            'NODE_PATH': str(REPO / 'node_modules'),
            'PYTHONPATH': os.pathsep.join([str(code_dir), str(PYTHON_ROOT)]),
            'LAMBDA_TASK_ROOT': str(code_dir),
            'AWS_LAMBDA_FUNCTION_NAME': f'fn-{node}',
            ENV['CONFIG']: json.dumps(self.config(node)),
            ENV['TABLE']: self.table,
            ENV['BUCKET']: self.bucket,
            ENV['USER_HANDLER']: user_handler,
        }
        if self.payload_threshold is not None:
            env[ENV['PAYLOAD_THRESHOLD']] = str(self.payload_threshold)
        return env

    def _deploy_sandbox(self, node: str, source: str, file: str, command: List[str], user_handler: str,
                        crash_at: Optional[str] = None) -> None:
        code_dir = Path(self._tmp.name) / node
        code_dir.mkdir()
        (code_dir / file).write_text(source)
        env = self.function_env(node, user_handler, code_dir)
        sandbox = SandboxProcess(command, env, code_dir)
        self._sandboxes.append(sandbox)
        crashing = None
        if crash_at is not None:
            crashing = SandboxProcess(command, {**env, 'UNUM_FAULT_CRASH_AT': crash_at}, code_dir)
            self._sandboxes.append(crashing)

        def invoke(request: InvokeRequest) -> InvokeResult:
            chosen = crashing if crashing is not None and request.attempt == 0 else sandbox
            return chosen.invoke(json.loads(request.payload), {'awsRequestId': request.request_id, 'functionName': request.function_name})

        self._functions[f'fn-{node}'] = invoke

    def _invoke(self, request: InvokeRequest) -> InvokeResult:
        self.invocations[request.function_name] = self.invocations.get(request.function_name, 0) + 1
        return self._functions[request.function_name](request)

    def start(self, input_: Any, session: Optional[str] = None) -> str:
        """Starts a session as the client does (a large input goes to S3 first) without waiting."""
        session = session or str(uuid.uuid4())
        ref = {'workflow': self.workflow, 'session': session}
        text = js_dumps(input_)
        value: Dict[str, Any] = {'value': input_}
        if len(text.encode('utf-8')) > (self.payload_threshold or 256 * 1024):
            key = start_object_key(ref)
            self.s3.put_object(Bucket=self.bucket, Key=key, Body=text.encode('utf-8'))
            value = {'s3': {'bucket': self.bucket, 'key': key}}
        envelope = {'unum': ENVELOPE_VERSION, 'workflow': self.workflow, 'session': session, 'node': self.compiled['entry'],
                    'frames': [], 'iteration': 0, 'input': value}
        self.lambda_client.invoke(FunctionName=f"fn-{self.compiled['entry']}", InvocationType='Event', Payload=js_dumps(envelope).encode())
        return session

    def run(self, input_: Any, session: Optional[str] = None) -> str:
        session = self.start(input_, session)
        self.endpoint.idle()
        return session

    def send(self, node: str, event: Any) -> Any:
        """Any event to a node's function, synchronously (RequestResponse): the function's answer."""
        out = self.lambda_client.invoke(FunctionName=f'fn-{node}', Payload=json.dumps(event).encode())
        self.endpoint.idle()
        return json.loads(out['Payload'].read() or b'null')

    def session_item(self, session: str) -> Optional[Dict[str, Any]]:
        return self.store.get(session_item_key({'workflow': self.workflow, 'session': session}))

    def status(self, session: str) -> Optional[str]:
        item = self.session_item(session)
        return None if item is None else item[SESSION_ATTR['STATUS']]['S']

    def result(self, session: str) -> Any:
        item = self.session_item(session)
        if item is None or item[SESSION_ATTR['STATUS']]['S'] != 'SUCCEEDED':
            raise AssertionError(f'session {session} did not succeed: {item}')
        ref = {'workflow': self.workflow, 'session': session}
        prefix = SESSION_ATTR['RESULT_PREFIX']
        if fan_in_of(item, prefix) is not None:
            return self.store.read_fan_in(ref, fan_in_of(item, prefix))
        return self.store.decode_value(ref, item, prefix)

    def items(self, prefix: str = '') -> List[Dict[str, Any]]:
        out: List[Dict[str, Any]] = []
        for page in self.dynamodb.get_paginator('scan').paginate(TableName=self.table):
            out.extend(i for i in page['Items'] if i['pk']['S'].startswith(prefix))
        return out

    def checkpoint_prefix(self, session: str) -> str:
        return checkpoint_key_prefix({'workflow': self.workflow, 'session': session})

    def commits(self, session: str) -> Dict[str, int]:
        return {pk: n for pk, n in self.servers.stats()['commits'].items() if pk.startswith(self.checkpoint_prefix(session))}

    def failures(self, session: str) -> List[Dict[str, Any]]:
        pk = session_item_key({'workflow': self.workflow, 'session': session})['pk']
        return [i for i in self.items(pk) if i['sk']['S'].startswith('FAIL#')]

    def close(self) -> None:
        self.endpoint.idle()
        for sandbox in self._sandboxes:
            sandbox.close()
        self.endpoint.close()
        self._tmp.cleanup()


def _creds() -> Dict[str, str]:
    return {'aws_access_key_id': 'S3RVER', 'aws_secret_access_key': 'S3RVER', 'region_name': 'us-east-1'}


def js(value: Any) -> Any:
    """A value as a JavaScript runtime would hand it back (JSON round trip)."""
    return js_loads(js_dumps(value))
