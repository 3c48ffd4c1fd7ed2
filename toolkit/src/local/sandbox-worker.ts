/**
 * The process inside one local Lambda sandbox. Started by the sandbox pool
 * with the function's environment, its code directory as the working
 * directory, and `<handler file> <export>` as arguments; it loads the handler
 * once (the init phase of a cold start), then runs one invocation at a time
 * for the messages the pool sends over IPC.
 *
 * Node built-ins only: this file runs outside the package's module graph.
 *
 * Fault injection: an invocation may ask to crash at a runtime step. The
 * cdk-unum runtime reads UNUM_FAULT_CRASH_AT when it initializes, so each
 * crash setting gets its own instance of the handler module (loaded fresh
 * with the variable set); the SDK and user modules stay shared.
 */

import { pathToFileURL } from 'url';

interface InvokeMessage {
  readonly type: 'invoke';
  readonly id: number;
  readonly event: string;
  readonly requestId: string;
  readonly functionName: string;
  readonly functionArn: string;
  readonly memoryLimitInMB: number;
  /** Epoch ms at which the invocation times out. */
  readonly deadline: number;
  /** Runtime step to crash at (UNUM_FAULT_CRASH_AT), if any. */
  readonly crashAt?: string;
  /** The invocation's X-Ray trace header, if it is traced. */
  readonly traceHeader?: string;
}

type Handler = (event: unknown, context: unknown) => unknown;

const [handlerFile, handlerExport] = process.argv.slice(2);
const FAULT_VARIABLE = 'UNUM_FAULT_CRASH_AT';
/** Lambda's Node.js runtime sets it at the start of each invocation (and removes it for one that is not traced). */
const TRACE_VARIABLE = '_X_AMZN_TRACE_ID';
const baseCrash = process.env[FAULT_VARIABLE];
/** Handler per crash setting ('' = none). */
const variants = new Map<string, Handler>();

function send(message: unknown): void {
  process.send?.(message);
}

function describe(e: unknown): { errorType: string; errorMessage: string; trace?: string[] } {
  if (e instanceof Error) return { errorType: e.name || 'Error', errorMessage: e.message, trace: e.stack?.split('\n') };
  if (e !== null && typeof e === 'object') {
    const o = e as { name?: unknown; message?: unknown };
    return { errorType: typeof o.name === 'string' ? o.name : 'Error', errorMessage: typeof o.message === 'string' ? o.message : JSON.stringify(e) };
  }
  return { errorType: 'Error', errorMessage: String(e) };
}

// Dynamic import that survives compilation to CommonJS (for .mjs handlers).
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const importModule = new Function('url', 'return import(url)') as (url: string) => Promise<Record<string, unknown>>;

async function loadHandler(fresh: boolean): Promise<Handler> {
  let mod: Record<string, unknown>;
  if (handlerFile.endsWith('.mjs')) {
    const url = pathToFileURL(handlerFile).href + (fresh ? `?variant=${Date.now()}-${Math.random()}` : '');
    mod = await importModule(url);
  } else {
    if (fresh) delete require.cache[require.resolve(handlerFile)];
    try {
      // The handler module is only known at run time.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      mod = require(handlerFile);
    } catch (e) {
      if ((e as { code?: string }).code !== 'ERR_REQUIRE_ESM') throw e;
      mod = await importModule(pathToFileURL(handlerFile).href);
    }
  }
  let fn: unknown = mod;
  for (const part of handlerExport.split('.')) fn = (fn as Record<string, unknown> | undefined)?.[part];
  if (typeof fn !== 'function') {
    const e = new Error(`${handlerFile} does not export a function '${handlerExport}'`);
    e.name = 'Runtime.HandlerNotFound';
    throw e;
  }
  return fn as Handler;
}

async function handlerFor(crashAt: string | undefined): Promise<Handler> {
  const key = crashAt ?? '';
  let handler = variants.get(key);
  if (handler === undefined) {
    handler = await loadHandler(variants.size > 0);
    variants.set(key, handler);
  }
  return handler;
}

async function invoke(message: InvokeMessage): Promise<void> {
  // The SDK's recursion-detection middleware copies it into the trace header of the calls the invocation makes.
  if (message.traceHeader !== undefined) process.env[TRACE_VARIABLE] = message.traceHeader;
  else delete process.env[TRACE_VARIABLE];
  let event: unknown;
  try {
    event = JSON.parse(message.event);
  } catch {
    send({ type: 'result', id: message.id, error: { errorType: 'Runtime.InvalidPayload', errorMessage: 'the event is not JSON' } });
    return;
  }
  const context = {
    awsRequestId: message.requestId,
    functionName: message.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: message.functionArn,
    memoryLimitInMB: String(message.memoryLimitInMB),
    logGroupName: `/aws/lambda/${message.functionName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, message.deadline - Date.now()),
  };
  try {
    const handler = await handlerFor(message.crashAt);
    // The runtime reads the fault setting when it initializes (first call of this variant).
    if (message.crashAt !== undefined) process.env[FAULT_VARIABLE] = message.crashAt;
    else if (baseCrash !== undefined) process.env[FAULT_VARIABLE] = baseCrash;
    else delete process.env[FAULT_VARIABLE];
    const result = await handler(event, context);
    let payload: string;
    try {
      payload = JSON.stringify(result === undefined ? null : result);
    } catch (e) {
      send({ type: 'result', id: message.id, error: { errorType: 'Runtime.ResponseNotSerializable', errorMessage: (e as Error).message } });
      return;
    }
    send({ type: 'result', id: message.id, payload });
  } catch (e) {
    const error = describe(e);
    console.error(`ERROR\t${message.requestId}\t${error.errorType}: ${error.errorMessage}`);
    send({ type: 'result', id: message.id, error });
  }
}

process.on('message', (message: InvokeMessage) => {
  if (message?.type === 'invoke') void invoke(message);
});

process.on('unhandledRejection', (reason) => {
  const e = describe(reason);
  console.error(`ERROR\tUnhandled promise rejection\t${e.errorType}: ${e.errorMessage}`);
});

process.on('disconnect', () => process.exit(0));

handlerFor(undefined).then(
  () => send({ type: 'ready' }),
  (e) => send({ type: 'init-error', error: describe(e) }),
);
