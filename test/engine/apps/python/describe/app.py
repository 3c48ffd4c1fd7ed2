# A Python node between two Node.js ones: reads a file relative to its task
# root, keeps a module global, writes to its private /tmp, and creates a boto3
# client at import time (it must talk to the engine's local servers).
import os
import tempfile

import boto3

CALLS = 0
LAMBDA = boto3.client("lambda")
with open("suffix.txt") as f:
    SUFFIX = f.read().strip()


def lambda_handler(event, context):
    global CALLS
    CALLS += 1
    seen = os.path.join(tempfile.gettempdir(), "seen.txt")
    with open(seen, "a") as f:
        f.write(f"{event['n']}\n")
    with open(seen) as f:
        seen_so_far = f.read().split()
    return {
        "seen": seen_so_far,
        "n": event["n"] + 10,
        "label": f"{event['n']} {SUFFIX}",
        "calls": CALLS,
        "lambda_endpoint": LAMBDA.meta.endpoint_url,
        "function_name": context.function_name,
    }
