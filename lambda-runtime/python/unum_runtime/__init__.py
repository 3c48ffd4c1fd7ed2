"""
The cdk-unum runtime for Python workflow functions: the same protocol and the
same store requests as the Node runtime (lambda-runtime/*.ts). Lambda's
handler is `unum_runtime.entry.handler`; the user's function keeps the plain
signature `handler(event, context)`.
"""
