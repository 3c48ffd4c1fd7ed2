import time


def handler(event, context):
    """Waits past the function's timeout: the runtime stops waiting first and records States.Timeout."""
    time.sleep(30)
    return "never"


def spin(event, context):
    """Holds the GIL in one C call, so no Python thread runs: only the sandbox timeout can stop it."""
    return sum(range(10**12))
