/**
 * One warm Node.js sandbox for the Python runtime's interop tests: loads the
 * bundled layer runtime (assets/layer/unum/runtime.js) with this process's
 * environment as one function's (UNUM_CONFIG, UNUM_TABLE, UNUM_USER_HANDLER,
 * AWS_ENDPOINT_URL_*, ...), then runs invocations read from stdin, one JSON
 * line each ({ id, event, context: { awsRequestId, functionName } }), and
 * answers on stdout ({ id, result } or { id, error: { errorType, errorMessage } }).
 * Logs, and the runtime's metrics lines (which it writes straight to stdout,
 * as Lambda wants them), go to stderr so stdout carries only answers.
 *
 *   node test/pyruntime/node-worker.js <path of runtime.js>
 */
'use strict';
const readline = require('readline');

console.log = console.error;
console.info = console.error;
const answer = process.stdout.write.bind(process.stdout);
process.stdout.write = process.stderr.write.bind(process.stderr);
const runtime = require(process.argv[2]);

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const { id, event, context } = JSON.parse(line);
  const ctx = { ...context, getRemainingTimeInMillis: () => Infinity };
  Promise.resolve()
    .then(() => runtime.handler(event, ctx))
    .then(
      (result) => answer(`${JSON.stringify({ id, result: result === undefined ? null : result })}\n`),
      (e) => answer(`${JSON.stringify({ id, error: { errorType: (e && e.name) || 'Error', errorMessage: String((e && e.message) || e) } })}\n`),
    );
});
