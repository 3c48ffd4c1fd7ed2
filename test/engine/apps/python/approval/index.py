"""The approval request of the Python approval workflow (test/engine/apps/approval.ts): hands the task token to a
"human" through a file, `<dir>/token-<attempt>`, with the one from the context beside it. Its return value is ignored."""
import os


def handler(event, context):
    with open(os.path.join(event['dir'], 'token-%d' % context.attempt), 'w') as f:
        f.write(event['token'])
    with open(os.path.join(event['dir'], 'context-token-%d' % context.attempt), 'w') as f:
        f.write(context.task_token or '')
    return {'ignored': True}
