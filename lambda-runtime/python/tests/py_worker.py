"""
One warm Python sandbox for the tests: runs `unum_runtime.entry.handler`
(the Lambda handler of every Python workflow function) with this process's
environment as one function's, invocations as JSON lines on stdin
({id, event, context: {awsRequestId, functionName}}), answers on stdout.
User code's prints go to stderr so stdout carries only answers.
"""
import json
import sys


class Context:
    def __init__(self, aws_request_id, function_name):
        self.aws_request_id = aws_request_id
        self.function_name = function_name
        self.memory_limit_in_mb = 128

    def get_remaining_time_in_millis(self):
        return 900_000


def main():
    answers = sys.stdout
    sys.stdout = sys.stderr
    from unum_runtime.entry import handler
    from unum_runtime.retry import error_name
    for line in sys.stdin:
        request = json.loads(line)
        context = Context(request['context']['awsRequestId'], request['context']['functionName'])
        try:
            answer = {'id': request['id'], 'result': handler(request['event'], context)}
        except Exception as e:  # noqa: BLE001 - an unhandled error, as Lambda reports it
            answer = {'id': request['id'], 'error': {'errorType': error_name(e), 'errorMessage': str(e)}}
        answers.write(json.dumps(answer) + '\n')
        answers.flush()


if __name__ == '__main__':
    main()
