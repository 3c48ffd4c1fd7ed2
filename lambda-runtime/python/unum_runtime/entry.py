"""
The Lambda handler of every Python workflow function:
`unum_runtime.entry.handler`. Everything is set up once per sandbox, at the
first invocation: the configuration (ENV.CONFIG, CONFIG_GZIP or CONFIG_FILE,
as the Node runtime reads it), the SDK clients (endpoints from
AWS_ENDPOINT_URL_*), and the user module named by ENV.USER_HANDLER
(`module.function`, imported once per process).
"""
from __future__ import annotations

import base64
import gzip
import importlib
import json
import os
import sys
import threading
from typing import Any, Callable, Mapping, Optional

from .protocol import ENV, parse_config

# Attempts per SDK call: throttles and 5xx are retried with the SDK's backoff before an invocation fails.
SDK_MAX_ATTEMPTS = 5

_runtime: Optional[Callable[[Any, Any], Any]] = None
_lock = threading.Lock()


def handler(event: Any, context: Any = None) -> Any:
    global _runtime
    if _runtime is None:
        with _lock:
            if _runtime is None:
                try:
                    _runtime = _cold_start(os.environ)
                except Exception as e:
                    _log_start_failure(e, event, context)
                    raise
    return _runtime(event, context)


def _log_start_failure(error: Exception, event: Any, context: Any) -> None:
    """A function that cannot start (misconfigured) still names the session and instance the event was for, as far as it can tell."""
    from .log import invocation_fields, json_logger
    from .protocol import instance_key, looks_like_envelope
    identity: dict = {}
    if looks_like_envelope(event):
        identity.update({k: event.get(k) for k in ('workflow', 'node', 'session')})
        try:
            if isinstance(event.get('node'), str) and isinstance(event.get('frames'), list):
                identity['instance'] = instance_key(event['node'], event['frames'], int(event.get('iteration') or 0))
        except (TypeError, ValueError, KeyError, AttributeError):
            pass  # malformed frames name no instance
    json_logger(identity).error('the function cannot start; Lambda retries the event', {
        'error': type(error).__name__, 'cause': str(error), **invocation_fields(getattr(context, 'aws_request_id', None))})


def _cold_start(env: Mapping[str, str]) -> Callable[[Any, Any], Any]:
    import boto3
    from .faults import crash_at
    from .runtime import RuntimeOptions, create_runtime
    from .schedule import schedule_target_from_env

    config = read_config(env)
    table = env.get(ENV['TABLE'])
    if not table:
        raise RuntimeError(f"{ENV['TABLE']} is not set: the function is not wired to an intermediary store")
    crash = env.get('UNUM_FAULT_CRASH_AT')
    return create_runtime(RuntimeOptions(
        config=config,
        user_handler=lambda: load_user_handler(env.get(ENV['USER_HANDLER']), env),
        lazy_handler=True,
        dynamodb=boto3.client('dynamodb', region_name=region(env), config=client_config(env)),
        # Path style for S3-compatible local servers; no checksums beyond what S3 requires.
        s3=lambda: boto3.client('s3', region_name=region(env), config=client_config(env, s3=True)),
        lambda_client=boto3.client('lambda', region_name=region(env), config=client_config(env)),
        scheduler=lambda: boto3.client('scheduler', region_name=region(env), config=client_config(env)),
        schedule=schedule_target_from_env(env),
        table=table,
        bucket=env.get(ENV['BUCKET']) or None,
        ttl_seconds=int(env[ENV['TTL_SECONDS']]) if env.get(ENV['TTL_SECONDS']) else None,
        payload_threshold=int(env[ENV['PAYLOAD_THRESHOLD']]) if env.get(ENV['PAYLOAD_THRESHOLD']) else None,
        eager_gc=env.get(ENV['EAGER_GC']) in ('1', 'true'),
        faults=crash_at([s.strip() for s in crash.split(',')]) if crash else None,
    ))


def region(env: Mapping[str, str] = os.environ) -> Optional[str]:
    """AWS_REGION as the Node SDK reads it (botocore reads only AWS_DEFAULT_REGION; Lambda sets both, a local sandbox may not)."""
    return env.get('AWS_REGION') or env.get('AWS_DEFAULT_REGION') or None


def client_config(env: Mapping[str, str] = os.environ, s3: bool = False) -> Any:
    """
    botocore's standard retry mode (exponential backoff with jitter, throttles
    retried) with SDK_MAX_ATTEMPTS attempts, as the Node runtime configures
    its clients; a function's own AWS_MAX_ATTEMPTS / AWS_RETRY_MODE win.
    Enough pooled connections for a fan-out's concurrent invokes.
    """
    from botocore.config import Config
    retries = {}
    if not env.get('AWS_MAX_ATTEMPTS'):
        retries['total_max_attempts'] = SDK_MAX_ATTEMPTS
    if not env.get('AWS_RETRY_MODE'):
        retries['mode'] = 'standard'
    options: dict = {'max_pool_connections': 64}
    if retries:
        options['retries'] = retries
    if s3:
        options['request_checksum_calculation'] = 'when_required'
        if env.get('AWS_ENDPOINT_URL_S3'):
            options['s3'] = {'addressing_style': 'path'}
    return Config(**options)


def read_config(env: Mapping[str, str] = os.environ) -> Mapping[str, Any]:
    if env.get(ENV['CONFIG']):
        text = env[ENV['CONFIG']]
    elif env.get(ENV['CONFIG_GZIP']):
        text = gzip.decompress(base64.b64decode(env[ENV['CONFIG_GZIP']])).decode('utf-8')
    elif env.get(ENV['CONFIG_FILE']):
        with open(_task_path(env[ENV['CONFIG_FILE']], env), encoding='utf-8') as f:
            text = f.read()
    else:
        raise RuntimeError(f"no unum configuration: set {ENV['CONFIG']}, {ENV['CONFIG_GZIP']} or {ENV['CONFIG_FILE']}")
    return parse_config(json.loads(text))


def _task_path(path: str, env: Mapping[str, str]) -> str:
    return path if path.startswith('/') else os.path.join(env.get('LAMBDA_TASK_ROOT') or os.getcwd(), path)


def load_user_handler(spec: Optional[str], env: Mapping[str, str] = os.environ) -> Callable[[Any, Any], Any]:
    """`module.function` (the module relative to the task root, `pkg.mod` or `dir/mod` allowed), as Lambda's Python runtime reads a handler."""
    if not spec or spec.rfind('.') <= 0:
        raise RuntimeError(f"{ENV['USER_HANDLER']} must be 'module.function' (got {json.dumps(spec)})")
    module_path, function = spec.rsplit('.', 1)
    module_name = module_path.replace('/', '.')
    root = env.get('LAMBDA_TASK_ROOT') or os.getcwd()
    if root not in sys.path:
        sys.path.insert(0, root)
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        if e.name is not None and module_name.startswith(e.name):
            raise RuntimeError(f"user handler module '{module_name}' not found under {root} ({ENV['USER_HANDLER']}={spec})") from e
        raise
    fn = getattr(module, function, None)
    if not callable(fn):
        raise RuntimeError(f"{getattr(module, '__file__', module_name)} does not define a function '{function}' ({ENV['USER_HANDLER']}={spec})")
    return fn
