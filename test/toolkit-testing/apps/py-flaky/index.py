def handler(value, context):
    # Fails its first two attempts, so the Retry's intervals (30 s, then 60 s) both pass.
    if context.attempt < 2:
        raise RuntimeError(f'attempt {context.attempt} failed')
    return {**value, 'py_attempts': context.attempt + 1}
