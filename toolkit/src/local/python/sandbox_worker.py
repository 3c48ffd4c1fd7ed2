"""The process inside one local Lambda sandbox of a Python function.

The sandbox pool starts it as ``python3 -u sandbox_worker.py <module> <function> <path>...``
with the function's environment (the AWS_ENDPOINT_URL_* variables and credentials
already set, so boto3 clients that user code creates at import time talk to the local
servers) and its code directory as the working directory. The paths replace the
script's own directory at the front of sys.path: the code directory (/var/task on
Lambda), then the layers' python directories (/opt/python).

It imports the handler module once (the init phase of a cold start) and then runs
one invocation at a time for the JSON lines the pool sends over Node's IPC channel
(NODE_CHANNEL_FD), so module globals persist between the calls of a warm sandbox.
Errors take the shape Lambda's Python runtime gives them (errorMessage, errorType,
requestId, stackTrace), and so do the context and the logging setup.

Fault injection: an invocation may ask to crash at a runtime step. The cdk-unum
runtime may read UNUM_FAULT_CRASH_AT when it initializes, so each crash setting
gets its own import of the handler's top-level package (user modules, imported
by it, stay shared), as the Node worker does.

Standard library only: this file runs with whatever Python the engine was given.
"""

import decimal
import importlib
import json
import logging
import os
import sys
import time
import traceback

FAULT_VARIABLE = "UNUM_FAULT_CRASH_AT"
# Lambda's Python runtime (awslambdaric) sets it at the start of each invocation, and removes it for one that
# is not traced; botocore's recursion-detection handler copies it into the trace header of each request.
TRACE_VARIABLE = "_X_AMZN_TRACE_ID"


class LambdaContext:
    """What Lambda's Python runtime passes as ``context`` (awslambdaric's LambdaContext)."""

    def __init__(self, message):
        self.aws_request_id = message["requestId"]
        self.invoked_function_arn = message["functionArn"]
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", message["functionName"])
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        # A string, as on Lambda (it comes from AWS_LAMBDA_FUNCTION_MEMORY_SIZE there).
        self.memory_limit_in_mb = str(message["memoryLimitInMB"])
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.identity = None
        self.client_context = None
        self.tenant_id = None
        self._deadline_ms = message["deadline"]

    def get_remaining_time_in_millis(self):
        return max(0, int(self._deadline_ms - time.time() * 1000))

    def log(self, msg):
        sys.stdout.write(str(msg))

    def __repr__(self):
        return (f"LambdaContext([aws_request_id={self.aws_request_id},log_group_name={self.log_group_name},"
                f"log_stream_name={self.log_stream_name},function_name={self.function_name},"
                f"memory_limit_in_mb={self.memory_limit_in_mb},function_version={self.function_version},"
                f"invoked_function_arn={self.invoked_function_arn}])")


class Fault(Exception):
    """An error of the runtime itself (Lambda's Runtime.* error types)."""

    def __init__(self, error_type, message, trace=None):
        super().__init__(message)
        self.error_type = error_type
        self.trace = trace or []


class RequestIdFilter(logging.Filter):
    request_id = None

    def filter(self, record):
        record.aws_request_id = RequestIdFilter.request_id
        return True


def setup_logging():
    """The root logger as Lambda sets it up: one handler, tab-separated, with the request id; level WARNING."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n",
                                           "%Y-%m-%dT%H:%M:%S"))
    handler.formatter.converter = time.gmtime
    handler.terminator = ""  # the format ends the line, as Lambda's does
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(logging.WARNING)


def boto3_hint(error):
    missing = getattr(error, "name", None) or ""
    if missing.split(".")[0] in ("boto3", "botocore"):
        return (f" (Lambda's Python runtime ships boto3; the local engine's Python, {sys.executable}, lacks it: "
                "pip install boto3 into it, or set UNUM_PYTHON to a Python that has it)")
    return ""


def load_handler(module_name, function_name, fresh):
    if fresh:
        top = module_name.split(".")[0]
        for name in [n for n in sys.modules if n == top or n.startswith(top + ".")]:
            del sys.modules[name]
    try:
        module = importlib.import_module(module_name.replace("/", "."))
    except ImportError as e:
        raise Fault("Runtime.ImportModuleError", f"Unable to import module '{module_name}': {e}{boto3_hint(e)}") from e
    except SyntaxError as e:
        raise Fault("Runtime.UserCodeSyntaxError", f"Syntax error in module '{module_name}': {e}",
                    [f'  File "{e.filename}" Line {e.lineno}\n    {e.text}']) from e
    handler = getattr(module, function_name, None)
    if not callable(handler):
        raise Fault("Runtime.HandlerNotFound", f"Handler '{function_name}' missing on module '{module_name}'")
    return handler


def describe(error, request_id=None):
    if isinstance(error, Fault):
        described = {"errorMessage": str(error), "errorType": error.error_type, "stackTrace": error.trace}
    else:
        frames = traceback.extract_tb(error.__traceback__)
        # The worker's own frames are not the user's stack (Lambda shows the user code's frames only).
        frames = [f for f in frames if f.filename != __file__ and not f.filename.startswith("<frozen ")]
        message = str(error) + (boto3_hint(error) if isinstance(error, ImportError) else "")
        described = {"errorMessage": message, "errorType": error_type(error), "stackTrace": traceback.format_list(frames)}
    if request_id is not None:
        described["requestId"] = request_id
    return described


def error_type(error):
    """The class name, as Lambda reports it; the cdk-unum runtime's own errors name themselves
    (a class attribute `name`, e.g. Unum.SimulatedCrash, as the Node runtime sets Error.name)."""
    cls = type(error)
    name = getattr(cls, "name", None)
    if cls.__module__.split(".")[0] == "unum_runtime" and isinstance(name, str):
        return name
    return cls.__name__


def to_json(value):
    """awslambdaric's serializer: Decimal (what boto3's DynamoDB resource returns) as a number."""
    def default(o):
        if isinstance(o, decimal.Decimal):
            return float(o)
        raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")
    return json.dumps(value, default=default)


class Worker:
    def __init__(self, module_name, function_name, channel_fd):
        self.module_name = module_name
        self.function_name = function_name
        self.base_crash = os.environ.get(FAULT_VARIABLE)
        self.variants = {}
        self.reader = os.fdopen(channel_fd, "rb")
        self.writer = os.fdopen(os.dup(channel_fd), "wb", buffering=0)

    def send(self, message):
        self.writer.write(json.dumps(message).encode("utf-8") + b"\n")

    def handler_for(self, crash_at):
        key = crash_at or ""
        if key not in self.variants:
            self.variants[key] = load_handler(self.module_name, self.function_name, fresh=bool(self.variants))
        return self.variants[key]

    def invoke(self, message):
        request_id = message["requestId"]
        if message.get("traceHeader") is not None:
            os.environ[TRACE_VARIABLE] = message["traceHeader"]
        else:
            os.environ.pop(TRACE_VARIABLE, None)
        try:
            event = json.loads(message["event"])
        except ValueError:
            return {"error": {"errorType": "Runtime.InvalidPayload", "errorMessage": "the event is not JSON"}}
        crash_at = message.get("crashAt")
        try:
            handler = self.handler_for(crash_at)
            if crash_at is not None:
                os.environ[FAULT_VARIABLE] = crash_at
            elif self.base_crash is not None:
                os.environ[FAULT_VARIABLE] = self.base_crash
            else:
                os.environ.pop(FAULT_VARIABLE, None)
            RequestIdFilter.request_id = request_id
            result = handler(event, LambdaContext(message))
        except Exception as e:  # noqa: BLE001 - every user error becomes the invocation's error, as on Lambda
            error = describe(e, request_id)
            print(f"[ERROR] {error['errorType']}: {error['errorMessage']}\n{''.join(error['stackTrace']).rstrip()}", file=sys.stderr, flush=True)
            return {"error": error}
        try:
            return {"payload": to_json(result)}
        except (TypeError, ValueError) as e:
            return {"error": {"errorType": "Runtime.MarshalError", "errorMessage": f"Unable to marshal response: {e}", "requestId": request_id}}

    def run(self):
        try:
            self.handler_for(None)
        except Exception as e:  # noqa: BLE001 - an init error is reported, as Lambda reports it on the first invocation
            error = describe(e)
            print(f"[ERROR] {error['errorType']}: {error['errorMessage']}", file=sys.stderr, flush=True)
            self.send({"type": "init-error", "error": error})
        else:
            self.send({"type": "ready"})
        for line in self.reader:  # the pool disconnecting ends the loop, and the sandbox
            message = json.loads(line)
            if message.get("type") == "invoke":
                self.send({"type": "result", "id": message["id"], **self.invoke(message)})


def main():
    module_name, function_name, *path = sys.argv[1:]
    channel_fd = int(os.environ.pop("NODE_CHANNEL_FD"))
    os.environ.pop("NODE_CHANNEL_SERIALIZATION_MODE", None)
    os.set_inheritable(channel_fd, False)
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = path + [p for p in sys.path if p not in ("", here)]
    setup_logging()
    Worker(module_name, function_name, channel_fd).run()


if __name__ == "__main__":
    main()
