import { join } from 'path';
import { startEngine, synthApp } from './support';
import { LocalApp, selectWorkflow } from '../../toolkit/src/local/assembly';
import { LocalEngine, SessionReport } from '../../toolkit/src/local/engine';
import { formatReport } from '../../toolkit/src/local/report';
import { testPython } from '../support/python';

/**
 * One session is one X-Ray trace (test/engine/apps/tracing.ts: Node.js →
 * Map of 3 Python → fan-in → Node.js). The engine does what Lambda does:
 * an Active entry function starts a trace, each sandbox gets its
 * invocation's `_X_AMZN_TRACE_ID`, and the SDKs inside the functions (AWS
 * SDK v3, botocore) carry it in the trace header of the asynchronous
 * Invoke calls to the successors. The proof is in the JSON lines both
 * runtimes write: the runtime's own (a retry of one Python and of the Node
 * join) and the user's context.logger lines.
 */
let app: LocalApp;
let engine: LocalEngine;
const logs: Array<{ fn: string; line: string }> = [];

beforeAll(async () => {
  const python = testPython();
  app = await synthApp(join(__dirname, 'apps', 'tracing.ts'));
  engine = await startEngine(app, { python, onLog: (fn, line) => logs.push({ fn, line }), concurrency: 8 });
}, 300_000);
afterAll(async () => engine?.stop());

/** Runs a session and returns its report with the JSON lines the workflow's functions wrote meanwhile. */
async function run(workflow: string): Promise<{ report: SessionReport; lines: Array<Record<string, any>> }> {
  const from = logs.length;
  const report = await engine.run({ workflow, input: { count: 3 } });
  expect(report.status).toBe('SUCCEEDED');
  expect(report.result).toEqual({ values: [1, 4, 9], total: 14 });
  const names = new Set(selectWorkflow(app, workflow).functions.map((f) => f.functionName));
  const lines = logs.slice(from).filter((l) => names.has(l.fn) && l.line.startsWith('{'))
    .map((l) => ({ fn: l.fn, ...JSON.parse(l.line) }))
    // The metrics line of each invocation (EMF) is data, not a log line: it carries no trace id.
    .filter((l) => l._aws === undefined);
  return { report, lines };
}

/** Which instance wrote each line, at which level, saying what, in a stable order (the Map's items are instances `Square|0:<index>/0`). */
function summary(lines: Array<Record<string, any>>): string[] {
  // How long a Retry interval sleeps is what is left of it by then: the lines name the sleep, not its length.
  return lines.map((l) => `${l.instance} ${l.level} ${String(l.message).replace(/sleeping \d+ ms/, 'sleeping N ms')}`).sort();
}

const EXPECTED_LINES = [
  'tracedItems|0 info listing items',
  'tracedJoin|0 info joining',
  'tracedJoin|0 info joining',
  // The runtime says what it sleeps for (the session report draws the Retry interval from it).
  'tracedJoin|0 info retry attempt 1: sleeping N ms',
  'tracedJoin|0 warn user code failed; retrying',
  'tracedSquare|0:0/0 info squaring',
  'tracedSquare|0:1/0 info retry attempt 1: sleeping N ms',
  'tracedSquare|0:1/0 info squaring',
  'tracedSquare|0:1/0 info squaring',
  'tracedSquare|0:1/0 warn user code failed; retrying',
  'tracedSquare|0:2/0 info squaring',
];

test('the assembly reads each function\'s tracing mode: the workflow default Active, else PassThrough', () => {
  const modes = (workflow: string) => Object.fromEntries(selectWorkflow(app, workflow).functions
    .map((f) => [f.node, [f.runtime.slice(0, 6), f.tracing]]));
  expect(modes('traced')).toEqual({ tracedItems: ['nodejs', 'Active'], tracedSquare: ['python', 'Active'], tracedJoin: ['nodejs', 'Active'] });
  expect(modes('untraced')).toEqual({
    untracedItems: ['nodejs', 'PassThrough'], untracedSquare: ['python', 'PassThrough'], untracedJoin: ['nodejs', 'PassThrough'],
  });
});

test('traced: every line of every invocation, Node.js and Python, runtime and user logger, carries the session\'s one trace id', async () => {
  const { report, lines } = await run('traced');
  expect(report.traceId).toMatch(/^1-[0-9a-f]{8}-[0-9a-f]{24}$/);
  expect(summary(lines)).toEqual(EXPECTED_LINES);
  for (const line of lines) {
    expect(line).toMatchObject({ workflow: 'traced', session: report.session, traceId: report.traceId });
    expect(line.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(line.instance).toMatch(new RegExp(`^${line.node}\\|`));
  }
  // Both languages wrote lines of the trace.
  expect(new Set(lines.map((l) => l.node))).toEqual(new Set(['tracedItems', 'tracedSquare', 'tracedJoin']));
  expect(formatReport(report)).toContain(`X-Ray trace ${report.traceId}`);

  const second = await run('traced');
  expect(second.report.traceId).toMatch(/^1-[0-9a-f]{8}-[0-9a-f]{24}$/);
  expect(second.report.traceId).not.toBe(report.traceId);
  expect(second.lines.length).toBe(EXPECTED_LINES.length);
  expect(new Set(second.lines.map((l) => l.traceId))).toEqual(new Set([second.report.traceId]));
  expect(new Set(second.lines.map((l) => l.session))).toEqual(new Set([second.report.session]));
}, 120_000);

test('the session record keeps the trace id (what `unum status` shows)', async () => {
  const { report } = await run('traced');
  const description = await engine.client(selectWorkflow(app, 'traced')).describeSession(report.session);
  expect(description.traceId).toBe(report.traceId);
}, 60_000);

test('not traced (PassThrough, no trace header): lines carry session and instance, no trace id; the session record none', async () => {
  const { report, lines } = await run('untraced');
  expect(report.traceId).toBeUndefined();
  expect(summary(lines)).toEqual(EXPECTED_LINES.map((s) => `un${s}`));
  for (const line of lines) {
    expect(line).toMatchObject({ workflow: 'untraced', session: report.session });
    expect(line.instance).toMatch(new RegExp(`^${line.node}\\|`));
    expect(line).not.toHaveProperty('traceId');
  }
  expect(formatReport(report)).not.toContain('X-Ray trace');
}, 120_000);
