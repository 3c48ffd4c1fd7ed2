"""Calls one Python user function the way Lambda would, for the examples' in-process references.

argv: <function dir> <module> <function>; stdin: {"input": ..., "context": {...}}; stdout: the JSON output.
The working directory is the function's directory and it is first on sys.path, as in a Lambda sandbox.
"""
import importlib
import json
import os
import sys


class _Logger:
    def __getattr__(self, level):
        return lambda message, **fields: None


class _Context:
    def __init__(self, fields):
        self.__dict__.update(fields)
        self.logger = _Logger()

    def get_remaining_time_in_millis(self):
        return 900_000


def main():
    directory, module, function = sys.argv[1:4]
    os.chdir(directory)
    sys.path.insert(0, directory)
    request = json.load(sys.stdin)
    handler = getattr(importlib.import_module(module), function)
    json.dump(handler(request["input"], _Context(request["context"])), sys.stdout)


main()
