def handler(event, context):
    """Returns what its parameters selected, so the test sees the context object's values."""
    return event
