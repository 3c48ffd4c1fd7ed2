def handler(n, context):
    return n * n
