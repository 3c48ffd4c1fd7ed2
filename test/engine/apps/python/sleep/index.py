import time


def identity(event, context):
    return event


def handler(event, context):
    """Sleeps event['ms'] milliseconds (past the workflow's timeout in timeout.test.ts), then returns its input."""
    time.sleep(event['ms'] / 1000)
    return event
