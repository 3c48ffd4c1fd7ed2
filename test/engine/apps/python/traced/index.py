class Transient(Exception):
    pass


def handler(n, context):
    """Squares n, logging through context.logger; item 2 fails its first attempt (the runtime logs the retry)."""
    context.logger.info('squaring', {'n': n})
    if n == 2 and context.attempt == 0:
        raise Transient('item 2 fails once')
    return n * n
