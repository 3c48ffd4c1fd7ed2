"""The error of a path, template or intrinsic function that does not fit the input (port of
src/protocol/dataflow-error.ts)."""


class DataFlowError(Exception):
    """Step Functions fails the execution with `name`: States.Runtime, States.ResultPathMatchFailure
    (neither retriable nor catchable) or States.IntrinsicFailure."""

    def __init__(self, name, message):
        super().__init__(message)
        self.name = name
