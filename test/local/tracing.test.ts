import { join } from 'path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { parseTraceHeader } from '../../src/protocol/trace';
import { InvokeRequest, InvokeResult, LambdaEndpoint } from '../../toolkit/src/local/lambda-endpoint';
import { SandboxPool } from '../../toolkit/src/local/sandboxes';
import { TracingMode, invocationTraceHeader, newTraceRoot, tracingModeOf } from '../../toolkit/src/local/tracing';

/**
 * The local Lambda endpoint hands each invocation the trace header Lambda
 * would: the caller's trace continued, a new one for an Active function
 * called without one, none for a PassThrough one. The caller is a real
 * AWS SDK v3 client, whose recursion-detection middleware sends the trace
 * header from `_X_AMZN_TRACE_ID` inside a Lambda function.
 */

const ROOT = '1-5759e988-bd862e3fe1be46a994272793';
const CALLER = `Root=${ROOT};Parent=53995c3f42cd8ad8;Sampled=1`;

describe('invocationTraceHeader', () => {
  test('a caller\'s trace continues: same Root and decision, a new Parent (the Active function\'s own segment)', () => {
    const t = parseTraceHeader(invocationTraceHeader(CALLER, 'Active'));
    expect(t.root).toBe(ROOT);
    expect(t.sampled).toBe('1');
    expect(t.parent).toMatch(/^[0-9a-f]{16}$/);
    expect(t.parent).not.toBe('53995c3f42cd8ad8');
    expect(parseTraceHeader(invocationTraceHeader(`Root=${ROOT};Sampled=0`, 'Active')).sampled).toBe('0');
    expect(parseTraceHeader(invocationTraceHeader(`Root=${ROOT};Sampled=?`, 'Active')).sampled).toBe('1');
  });

  test('PassThrough passes the caller\'s header on as it is', () => {
    expect(invocationTraceHeader(`Lineage=x:0;Sampled=1;Root=${ROOT};Parent=53995c3f42cd8ad8`, 'PassThrough')).toBe(CALLER);
  });

  test('no header (or one without a well-formed Root): an Active function starts a sampled trace, a PassThrough one none', () => {
    for (const incoming of [undefined, '', 'Root=not-a-trace;Sampled=1', 'Sampled=1']) {
      const t = parseTraceHeader(invocationTraceHeader(incoming, 'Active'));
      expect(t.root).toMatch(/^1-[0-9a-f]{8}-[0-9a-f]{24}$/);
      expect(t.parent).toMatch(/^[0-9a-f]{16}$/);
      expect(t.sampled).toBe('1');
      expect(invocationTraceHeader(incoming, 'PassThrough')).toBeUndefined();
    }
    expect(invocationTraceHeader(undefined, 'Active')).not.toBe(invocationTraceHeader(undefined, 'Active'));
  });

  test('a new Root carries the epoch seconds in 8 hex digits', () => {
    expect(newTraceRoot(0x5759e988 * 1000 + 999).slice(0, 11)).toBe('1-5759e988-');
    expect(newTraceRoot(15_000).slice(0, 11)).toBe('1-0000000f-');
  });

  test('TracingConfig.Mode: Active, else PassThrough', () => {
    expect(tracingModeOf({ Mode: 'Active' })).toBe('Active');
    expect(tracingModeOf({ Mode: 'PassThrough' })).toBe('PassThrough');
    expect(tracingModeOf(undefined)).toBe('PassThrough');
  });
});

describe('the endpoint, called by the AWS SDK v3 from inside a function', () => {
  const received: InvokeRequest[] = [];
  const modes: Record<string, TracingMode> = { active: 'Active', passthrough: 'PassThrough' };
  let failuresLeft = 0;
  let endpoint: LambdaEndpoint;
  let client: LambdaClient;
  const saved = { name: process.env.AWS_LAMBDA_FUNCTION_NAME, trace: process.env._X_AMZN_TRACE_ID };

  beforeAll(async () => {
    endpoint = await LambdaEndpoint.start({
      invoker: {
        exists: (name) => name in modes,
        invoke: async (request): Promise<InvokeResult> => {
          received.push(request);
          if (failuresLeft > 0) {
            failuresLeft--;
            return { error: { errorType: 'Transient', errorMessage: 'fails once' } };
          }
          return { payload: 'null' };
        },
      },
      retryDelayMs: 1,
      tracing: (name) => modes[name],
    });
    client = new LambdaClient({ region: 'us-east-1', endpoint: endpoint.url, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  });
  afterAll(async () => {
    client?.destroy();
    await endpoint?.stop();
    restore('AWS_LAMBDA_FUNCTION_NAME', saved.name);
    restore('_X_AMZN_TRACE_ID', saved.trace);
  });
  beforeEach(() => {
    received.length = 0;
    delete process.env.AWS_LAMBDA_FUNCTION_NAME;
    delete process.env._X_AMZN_TRACE_ID;
  });

  async function call(functionName: string, invocationType: 'Event' | 'RequestResponse'): Promise<void> {
    await client.send(new InvokeCommand({ FunctionName: functionName, InvocationType: invocationType, Payload: Buffer.from('{}') }));
    await endpoint.idle();
  }

  test('inside a traced invocation the SDK sends its trace: Event and RequestResponse calls continue it', async () => {
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'caller';
    process.env._X_AMZN_TRACE_ID = CALLER;
    await call('active', 'Event');
    await call('active', 'RequestResponse');
    await call('passthrough', 'Event');
    expect(received.map((r) => parseTraceHeader(r.traceHeader).root)).toEqual([ROOT, ROOT, ROOT]);
    expect(received[2].traceHeader).toBe(CALLER);
  });

  test('an Active function called from outside Lambda starts a trace; its async retries stay in it', async () => {
    failuresLeft = 1;
    await call('active', 'Event');
    expect(received).toHaveLength(2);
    expect(received[1].attempt).toBe(1);
    expect(parseTraceHeader(received[0].traceHeader).root).toMatch(/^1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(received[1].traceHeader).toBe(received[0].traceHeader);
  });

  test('a PassThrough function called without a trace is not traced', async () => {
    await call('passthrough', 'Event');
    await call('passthrough', 'RequestResponse');
    expect(received.map((r) => r.traceHeader)).toEqual([undefined, undefined]);
  });
});

test('a warm Node.js sandbox: _X_AMZN_TRACE_ID for the traced invocation only, and the SDK sends it', async () => {
  const sent: Array<string | undefined> = [];
  const endpoint = await LambdaEndpoint.start({
    invoker: { exists: (name) => name === 'sink', invoke: async (request) => { sent.push(request.traceHeader); return { payload: 'null' }; } },
  });
  const code = join(__dirname, '..', 'fixtures', 'trace-node');
  const pool = new SandboxPool({
    functions: [{
      functionName: 'traced', codeDir: code, handlerFile: join(code, 'index.js'), handlerExport: 'handler', environment: {}, timeoutSeconds: 30, memorySize: 128,
    }],
    baseEnvironment: {
      AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_ENDPOINT_URL_LAMBDA: endpoint.url,
    },
  });
  try {
    const invoke = (requestId: string, traceHeader?: string) => pool.invoke({
      functionName: 'traced', payload: '{}', invocationType: 'Event', requestId, attempt: 0, traceHeader,
    });
    const traced = await invoke('req-1', CALLER);
    expect(traced).toMatchObject({ cold: true, payload: JSON.stringify({ trace: CALLER }) });
    const untraced = await invoke('req-2');
    expect(untraced).toMatchObject({ cold: false, payload: JSON.stringify({ trace: null }) });
    await endpoint.idle();
    expect(sent).toEqual([CALLER, undefined]);
  } finally {
    await pool.stop();
    await endpoint.stop();
  }
});

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
