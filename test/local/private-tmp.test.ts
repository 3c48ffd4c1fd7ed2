import { randomUUID } from 'crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { privateTmpUnavailable } from '../../toolkit/src/local/private-tmp';
import { SandboxFunction, SandboxOutcome, SandboxPool } from '../../toolkit/src/local/sandboxes';
import { testPython } from '../support/python';

/*
 * A private /tmp per sandbox (Linux mount namespaces): user code writing the
 * literal path /tmp/marker, in Node.js and Python sandboxes whose code lives
 * under the host's /tmp (as an assembly synthesized into a temporary
 * directory does), so the code must stay visible through the mount.
 */

const NODE_HANDLER = `
const fs = require('fs');
const os = require('os');
exports.handler = async (event) => {
  const path = event.path ?? '/tmp/marker';
  const before = fs.existsSync(path) ? fs.readFileSync(path, 'utf8') : null;
  fs.writeFileSync(path, event.value);
  return { before, pid: process.pid, tmpdir: os.tmpdir() };
};
`;
const PYTHON_HANDLER = `
import os, tempfile
def handler(event, context):
    path = event.get("path", "/tmp/marker")
    before = open(path).read() if os.path.exists(path) else None
    with open(path, "w") as f:
        f.write(event["value"])
    return {"before": before, "pid": os.getpid(), "tmpdir": tempfile.gettempdir()}
`;

const HOST_MARKER = '/tmp/marker';
const linux = process.platform === 'linux';
const pools: SandboxPool[] = [];
let codeDir: string;
let python: string;
let hostMarkerCreated = false;
const notices: string[] = [];

function fn(runtime: 'node' | 'python'): SandboxFunction {
  const common = { functionName: 'marker', codeDir, handlerExport: 'handler', environment: {}, timeoutSeconds: 30, memorySize: 128 };
  return runtime === 'node'
    ? { ...common, handlerFile: join(codeDir, 'index.js') }
    : { ...common, handlerFile: join(codeDir, 'app.py'), runtime: 'python3.12', python: { module: 'app', path: [codeDir] } };
}

function pool(runtime: 'node' | 'python', options: { privateTmp?: boolean } = {}): SandboxPool {
  const p = new SandboxPool({
    functions: [fn(runtime)], baseEnvironment: {}, python, onOutput: (name, line) => notices.push(`${name}: ${line}`), ...options,
  });
  pools.push(p);
  return p;
}

let seq = 0;
function invoke(p: SandboxPool, event: Record<string, string>): Promise<SandboxOutcome> {
  return p.invoke({ functionName: 'marker', payload: JSON.stringify(event), invocationType: 'RequestResponse', requestId: `req-${++seq}`, attempt: 0 });
}

function result(outcome: SandboxOutcome): { before: string | null; pid: number; tmpdir: string } {
  expect(outcome.error).toBeUndefined();
  return JSON.parse(outcome.payload!);
}

beforeAll(() => {
  python = testPython();
  codeDir = mkdtempSync(join(tmpdir(), 'unum-private-tmp-code-'));
  writeFileSync(join(codeDir, 'index.js'), NODE_HANDLER);
  writeFileSync(join(codeDir, 'app.py'), PYTHON_HANDLER);
  if (!existsSync(HOST_MARKER)) {
    writeFileSync(HOST_MARKER, 'host');
    hostMarkerCreated = true;
  }
}, 300_000);

afterAll(async () => {
  await Promise.all(pools.map((p) => p.stop()));
  rmSync(codeDir, { recursive: true, force: true });
  if (hostMarkerCreated) rmSync(HOST_MARKER, { force: true });
});

(linux ? test : test.skip)('unshare works here, and UNUM_PRIVATE_TMP=0 turns it off', () => {
  expect(privateTmpUnavailable()).toBeUndefined();
  expect(privateTmpUnavailable({ UNUM_PRIVATE_TMP: '0' })).toBe('disabled by UNUM_PRIVATE_TMP=0');
});

describe.each(['node', 'python'] as const)('%s sandboxes', (runtime) => {
  (linux ? test : test.skip)('each sandbox has its own /tmp: a literal /tmp/marker is private, kept while warm, gone when cold', async () => {
    const hostBefore = readFileSync(HOST_MARKER, 'utf8');
    const p = pool(runtime);
    expect(p.privateTmp).toBe(true);
    const first = await Promise.all([invoke(p, { value: 'a' }), invoke(p, { value: 'b' })]);
    const [a, b] = first.map(result);
    expect([first[0].cold, first[1].cold]).toEqual([true, true]);
    expect(a.pid).not.toBe(b.pid);
    expect([a.before, b.before]).toEqual([null, null]);
    expect([a.tmpdir, b.tmpdir]).toEqual(['/tmp', '/tmp']);
    // The private directory is what the sandbox sees as /tmp.
    expect(readFileSync(join(first[0].tmpDir!, 'marker'), 'utf8')).toBe('a');
    expect(readFileSync(join(first[1].tmpDir!, 'marker'), 'utf8')).toBe('b');
    // The pool's PID is the worker itself (unshare and sh exec'd into it): it is frozen and thawed by signals.
    expect(readFileSync(`/proc/${a.pid}/cmdline`, 'utf8')).toContain(runtime === 'node' ? 'sandbox-worker' : 'sandbox_worker.py');
    const state = (): string => readFileSync(`/proc/${a.pid}/stat`, 'utf8').split(') ')[1][0];
    for (let i = 0; i < 200 && state() !== 'T'; i++) await new Promise((r) => setTimeout(r, 10));
    expect(state()).toBe('T');

    const warm = await Promise.all([invoke(p, { value: 'c' }), invoke(p, { value: 'd' })]);
    expect(warm.map((o) => o.cold)).toEqual([false, false]);
    const byPid = new Map([[a.pid, 'a'], [b.pid, 'b']]);
    for (const w of warm.map(result)) expect(w.before).toBe(byPid.get(w.pid));

    await p.stop();
    expect(existsSync(first[0].tmpDir!)).toBe(false);
    const cold = await invoke(pool(runtime), { value: 'e' });
    expect(cold.cold).toBe(true);
    expect(result(cold).before).toBeNull();
    expect(readFileSync(HOST_MARKER, 'utf8')).toBe(hostBefore);
  });

  test('without a private /tmp (disabled): TMPDIR is still private, a literal /tmp path is the host\'s, shared', async () => {
    const path = join('/tmp', `unum-shared-${randomUUID()}`);
    try {
      const p = pool(runtime, { privateTmp: false });
      expect(p.privateTmp).toBe(false);
      const first = await Promise.all([invoke(p, { value: 'a', path }), invoke(p, { value: 'b', path })]);
      const [a, b] = first.map(result);
      expect(a.pid).not.toBe(b.pid);
      expect([a.tmpdir, b.tmpdir]).toEqual([first[0].tmpDir, first[1].tmpDir]);
      // Both wrote the one host file: one of them saw the other's.
      expect(readFileSync(path, 'utf8')).toMatch(/^[ab]$/);
      const next = result(await invoke(p, { value: 'c', path }));
      expect(['a', 'b']).toContain(next.before);
    } finally {
      rmSync(path, { force: true });
    }
  });
});

(linux ? test : test.skip)('UNUM_PRIVATE_TMP=0: the pool falls back and says so once', () => {
  const saved = process.env.UNUM_PRIVATE_TMP;
  process.env.UNUM_PRIVATE_TMP = '0';
  try {
    notices.length = 0;
    expect(pool('node').privateTmp).toBe(false);
    expect(notices).toEqual(['unum: no private /tmp per sandbox: disabled by UNUM_PRIVATE_TMP=0; '
      + 'each sandbox\'s TMPDIR is private, a literal /tmp path is the host\'s, shared']);
  } finally {
    if (saved === undefined) delete process.env.UNUM_PRIVATE_TMP;
    else process.env.UNUM_PRIVATE_TMP = saved;
  }
});
