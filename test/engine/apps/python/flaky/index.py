# Fails its first two attempts (as the Node.js steps' `flaky`), so a Retry's intervals both pass before it succeeds.
class Flaky(Exception):
    pass


def handler(event, context):
    if context.attempt < 2:
        raise Flaky("attempt %d failed" % context.attempt)
    return {**event, "attempts": context.attempt + 1}
