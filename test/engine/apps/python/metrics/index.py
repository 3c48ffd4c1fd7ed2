"""The metrics app's Python functions: the same behaviours as test/engine/apps/functions/metrics.ts."""


class Bad(Exception):
    pass


class Transient(Exception):
    pass


class Fatal(Exception):
    pass


def items(event, context):
    return list(range(1, event['count'] + 1))


def work(n, context):
    # Item 3: caught (Recover); item 7: fails its first attempt (Retry); item 5: above the payload threshold (S3);
    # item 11: nothing handles its error (the session fails).
    if n == 3:
        raise Bad('item 3 is bad')
    if n == 7 and context.attempt == 0:
        raise Transient('item 7 fails once')
    if n == 11:
        raise Fatal('item 11 is fatal')
    if n == 5:
        return 'x' * 2048
    return n * n


def recover(caught, context):
    return caught['Error']


def total(values, context):
    return len(values)
