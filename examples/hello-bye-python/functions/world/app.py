"""Where both branches meet: appends " world!" to whichever word arrived."""


def lambda_handler(event, context):
    return f"{event} world!"
