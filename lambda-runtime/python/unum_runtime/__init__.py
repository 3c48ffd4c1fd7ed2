"""
The cdk-unum runtime for Python workflow functions: the same protocol and the
same store requests as the Node runtime (lambda-runtime/*.ts), so Node and
Python functions share one workflow and one store. Lambda's handler is
`unum_runtime.entry.handler` (the layer puts this package in /opt/python);
UNUM_USER_HANDLER names the user's `module.function`.

The user's function keeps Lambda's plain signature::

    def handler(event, context):
        ...

`event` is the plain input (at a fan-in, the list of branch outputs in
order). `context` is Lambda's context (`aws_request_id`, `function_name`,
`memory_limit_in_mb`, `get_remaining_time_in_millis()`, ...) extended with
`workflow`, `session`, `node`, `instance`, `fanouts` (enclosing fan-outs,
outermost first), `index` and `size` of the innermost fan-out (0 and 1
outside any), loop `iteration`, `attempt` (retries already made) and
`logger`, which writes JSON lines carrying the instance's identity
(`context.logger.info('message', {'field': 1})`).

Retry and catch rules match an exception by its class name (`ValueError`,
`TimeoutError`), as Lambda reports a Python errorType, or by a `name` class
attribute when the rule names something a class cannot be called
(`class Throttled(Exception): name = 'Upstream.Throttled'`).
"""
