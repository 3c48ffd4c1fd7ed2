"""Taken when the greeting is "hello"."""


def lambda_handler(event, context):
    return "hello"
