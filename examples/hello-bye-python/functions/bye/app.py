"""Taken when the greeting is "bye"."""


def lambda_handler(event, context):
    return "bye"
