import { ChildProcess, spawn, spawnSync } from 'child_process';
import { createHash } from 'crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { delimiter, dirname, isAbsolute, join } from 'path';
import { SKIP_TIME_ENV } from 'cdk-unum/lib/protocol';
import { UsageError } from './assembly';
import { InvokeRequest, InvokeResult } from './lambda-endpoint';
import { privateTmpUnavailable, withPrivateTmp } from './private-tmp';

/**
 * Lambda sandboxes as local processes: one child process per sandbox, with
 * only the function's environment (plus the local endpoints), its code
 * directory as the working directory, and the handler from its code or
 * layer. A sandbox runs one invocation at a time; after it the process is
 * frozen (SIGSTOP, as Lambda freezes an idle sandbox) and kept warm for the
 * next invocation of the same function. A timeout kills the sandbox, so the
 * next invocation starts cold.
 *
 * What Lambda sets per invocation rather than per sandbox (the request id,
 * the deadline, the X-Ray trace header as `_X_AMZN_TRACE_ID`) travels with
 * each invocation's message; the worker sets it for that invocation.
 *
 * Node.js functions run in sandbox-worker.ts under this Node; Python ones in
 * python/sandbox_worker.py under the engine's Python (UNUM_PYTHON, else
 * python3), speaking the same IPC messages, so timeouts, freezing, retries
 * and the async queue are the same for both.
 *
 * Each sandbox has a private temporary directory, kept while the sandbox is
 * warm and deleted with it. On Linux (see private-tmp.ts) it is mounted over
 * /tmp inside the sandbox, so even a literal "/tmp/x" is private, as on
 * Lambda; elsewhere, or with UNUM_PRIVATE_TMP=0, it is only TMPDIR (TMP,
 * TEMP): os.tmpdir() and Python's tempfile are private, a literal "/tmp/x" is
 * the host's /tmp, shared by every sandbox and run.
 */

export interface SandboxFunction {
  readonly functionName: string;
  readonly codeDir: string;
  readonly handlerFile: string;
  readonly handlerExport: string;
  readonly environment: Record<string, string>;
  readonly timeoutSeconds: number;
  readonly memorySize: number;
  /** Lambda's runtime name, e.g. nodejs24.x or python3.12 (default: Node.js). */
  readonly runtime?: string;
  /** Python functions: the handler module and sys.path; the function runs in a Python sandbox. */
  readonly python?: { readonly module: string; readonly path: readonly string[] };
}

export interface SandboxPoolOptions {
  readonly functions: readonly SandboxFunction[];
  /** Added to every sandbox's environment (endpoints, region, credentials). */
  readonly baseEnvironment: Record<string, string>;
  /** Live sandbox processes at most; idle ones are evicted (least recently used first). Default 32. */
  readonly maxSandboxes?: number;
  /**
   * Each line a sandbox writes to stdout or stderr, with the request id of the invocation the sandbox runs (or ran
   * last: a line can arrive after the answer), undefined before its first.
   */
  readonly onOutput?: (functionName: string, line: string, requestId?: string) => void;
  /** Freeze idle sandboxes with SIGSTOP (default: on POSIX systems). */
  readonly freeze?: boolean;
  /** Multiplies every function's timeout (tests). Default 1. */
  readonly timeoutScale?: number;
  /** The Python that runs Python functions (default: UNUM_PYTHON, else python3 on PATH). */
  readonly python?: string;
  /** Mount each sandbox's private directory over /tmp (default: where Linux mount namespaces work, unless UNUM_PRIVATE_TMP=0). */
  readonly privateTmp?: boolean;
}

export interface SandboxOutcome extends InvokeResult {
  /** A new sandbox was created for this invocation. */
  readonly cold: boolean;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly timedOut: boolean;
  /** The host path of the sandbox's private temporary directory (its /tmp, or its TMPDIR without a private /tmp). */
  readonly tmpDir?: string;
  /** A cold start's init: from the sandbox's spawn to its handler loaded, in ms. */
  readonly initMs?: number;
}

const LOCAL_ARN_PREFIX = 'arn:aws:lambda:us-east-1:000000000000:function:';

let nextSandboxId = 1;

class Sandbox {
  readonly id = nextSandboxId++;
  readonly ready: Promise<{ errorType: string; errorMessage: string } | undefined>;
  busy = false;
  lastUsed = Date.now();
  /** The invocation it runs, or ran last. */
  requestId?: string;
  private frozen = false;
  private readonly pending = new Map<number, (message: any) => void>();
  private messageSeq = 0;
  private exitListeners: Array<(code: number | null, signal: string | null) => void> = [];
  exited = false;

  constructor(readonly fn: SandboxFunction, private readonly proc: ChildProcess, private readonly freezeIdle: boolean, readonly tmpDir: string) {
    this.ready = new Promise((resolve) => {
      proc.on('message', (m: any) => {
        if (m?.type === 'ready') {resolve(undefined);} else if (m?.type === 'init-error') {resolve(m.error);} else if (m?.type === 'result') {
          const cb = this.pending.get(m.id);
          this.pending.delete(m.id);
          cb?.(m);
        }
      });
      proc.once('exit', (code, signal) => {
        this.exited = true;
        resolve({ errorType: 'Runtime.ExitError', errorMessage: `Runtime exited during init (${signal ?? `exit status ${code}`})` });
        this.exitListeners.forEach((l) => l(code, signal));
      });
    });
  }

  onExit(listener: (code: number | null, signal: string | null) => void): () => void {
    this.exitListeners.push(listener);
    return () => {
      this.exitListeners = this.exitListeners.filter((l) => l !== listener);
    };
  }

  /** Resolves with the worker's answer; never if the process dies first (see onExit). */
  send(message: Record<string, unknown>): Promise<any> {
    const id = ++this.messageSeq;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.thaw();
      try {
        this.proc.send({ ...message, id });
      } catch {
        this.kill();
      }
    });
  }

  thaw(): void {
    if (this.frozen && !this.exited) {
      this.proc.kill('SIGCONT');
      this.frozen = false;
    }
  }

  freeze(): void {
    if (this.freezeIdle && !this.frozen && !this.exited) {
      this.proc.kill('SIGSTOP');
      this.frozen = true;
    }
  }

  kill(): void {
    if (!this.exited) this.proc.kill('SIGKILL');
  }

  waitExit(): Promise<void> {
    if (this.exited) return Promise.resolve();
    return new Promise((resolve) => this.onExit(() => resolve()));
  }
}

export class SandboxPool {
  readonly stats = { created: 0, reused: 0, timedOut: 0, evicted: 0, crashed: 0 };
  private readonly functions = new Map<string, SandboxFunction>();
  private readonly idle = new Map<string, Sandbox[]>();
  private readonly live = new Set<Sandbox>();
  private readonly worker = workerScript();
  private readonly python: string;
  private readonly pythonPrefixes: string[] = [];
  /** Whether sandboxes get the private directory as /tmp (probed once per pool). */
  readonly privateTmp: boolean;
  private stopped = false;

  constructor(private readonly options: SandboxPoolOptions) {
    for (const fn of options.functions) this.functions.set(fn.functionName, fn);
    this.python = options.python ?? (process.env.UNUM_PYTHON || 'python3');
    const pythonFunctions = options.functions.filter((f) => f.python !== undefined).map((f) => f.functionName);
    if (pythonFunctions.length > 0) this.pythonPrefixes = checkPython(this.python, pythonFunctions);
    const unavailable = options.privateTmp === false ? 'disabled' : privateTmpUnavailable();
    this.privateTmp = unavailable === undefined;
    if (unavailable !== undefined && options.privateTmp !== false && options.functions.length > 0) {
      options.onOutput?.('unum', `no private /tmp per sandbox: ${unavailable}; each sandbox's TMPDIR is private, a literal /tmp path is the host's, shared`);
    }
  }

  has(functionName: string): boolean {
    return this.functions.has(functionName);
  }

  get liveCount(): number {
    return this.live.size;
  }

  /** Runs one invocation in a warm sandbox of the function, or a new (cold) one. */
  async invoke(request: InvokeRequest, options: { crashAt?: string } = {}): Promise<SandboxOutcome> {
    const fn = this.functions.get(request.functionName);
    const startedAt = Date.now();
    if (fn === undefined || this.stopped) {
      return {
        cold: false,
        startedAt,
        endedAt: startedAt,
        timedOut: false,
        error: { errorType: 'ResourceNotFoundException', errorMessage: `Function not found: ${request.functionName}` },
      };
    }
    let sandbox = this.idle.get(fn.functionName)?.pop();
    while (sandbox?.exited) sandbox = this.idle.get(fn.functionName)?.pop();
    const cold = sandbox === undefined;
    if (sandbox === undefined) sandbox = this.create(fn);
    else this.stats.reused++;
    sandbox.busy = true;
    sandbox.requestId = request.requestId;
    const initError = await sandbox.ready;
    const initMs = cold ? Date.now() - startedAt : undefined;
    if (initError !== undefined) {
      this.discard(sandbox);
      return { cold, startedAt, endedAt: Date.now(), timedOut: false, error: initError, initMs };
    }
    const timeoutMs = fn.timeoutSeconds * 1000 * (this.options.timeoutScale ?? 1);
    const deadline = Date.now() + timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    let removeExit = (): void => {};
    const outcome = await new Promise<{ result: InvokeResult; timedOut: boolean; dead: boolean }>((resolve) => {
      timer = setTimeout(() => resolve({
        timedOut: true,
        dead: true,
        result: { error: { errorType: 'Sandbox.Timedout', errorMessage: `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds` } },
      }), timeoutMs);
      const died = (code: number | null, signal: string | null): void => resolve({
        timedOut: false,
        dead: true,
        result: { error: { errorType: 'Runtime.ExitError', errorMessage: `Runtime exited with error: ${signal ?? `exit status ${code}`}` } },
      });
      if (sandbox!.exited) return died(null, 'exited');
      removeExit = sandbox!.onExit(died);
      void sandbox!.send({
        type: 'invoke',
        event: request.payload,
        requestId: request.requestId,
        functionName: fn.functionName,
        functionArn: LOCAL_ARN_PREFIX + fn.functionName,
        memoryLimitInMB: fn.memorySize,
        deadline,
        crashAt: options.crashAt,
        traceHeader: request.traceHeader,
      }).then((m) => resolve({
        timedOut: false, dead: false, result: m.error !== undefined ? { error: m.error } : { payload: m.payload },
      }));
    });
    clearTimeout(timer);
    removeExit();
    if (outcome.dead) {
      if (outcome.timedOut) this.stats.timedOut++;
      else this.stats.crashed++;
      this.discard(sandbox);
    } else {
      this.release(sandbox);
    }
    return { ...outcome.result, cold, startedAt, endedAt: Date.now(), timedOut: outcome.timedOut, tmpDir: sandbox.tmpDir, initMs };
  }

  /** Kills every sandbox. */
  async stop(): Promise<void> {
    this.stopped = true;
    const all = [...this.live];
    all.forEach((s) => s.kill());
    await Promise.all(all.map((s) => s.waitExit()));
    this.live.clear();
    this.idle.clear();
  }

  private create(fn: SandboxFunction): Sandbox {
    this.evictIfFull();
    const tmp = mkdtempSync(join(tmpdir(), 'unum-sandbox-tmp-'));
    const sandboxTmp = this.privateTmp ? '/tmp' : tmp;
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      TMPDIR: sandboxTmp,
      TMP: sandboxTmp,
      TEMP: sandboxTmp,
      ...(process.env.SYSTEMROOT ? { SYSTEMROOT: process.env.SYSTEMROOT } : {}),
      TZ: 'UTC',
      LANG: 'en_US.UTF-8',
      LAMBDA_TASK_ROOT: fn.codeDir,
      AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.functionName}`,
      AWS_LAMBDA_LOG_STREAM_NAME: 'local',
      AWS_EXECUTION_ENV: `AWS_Lambda_${fn.python ? fn.runtime ?? 'python3' : 'nodejs'}_local`,
      ...(fn.python ? {
        // Compiled modules go to a cache of their own: Lambda's code and layers are read-only, and the assets' hashes must not change.
        PYTHONPYCACHEPREFIX: join(tmpdir(), 'cdk-unum-pycache'),
        PYTHONIOENCODING: 'utf-8',
      } : {}),
      ...this.options.baseEnvironment,
      ...fn.environment,
    };
    let [command, args] = fn.python
      ? [this.python, ['-u', pythonWorkerScript(), fn.python.module, fn.handlerExport, ...fn.python.path]]
      : [process.execPath, [this.worker, fn.handlerFile, fn.handlerExport]];
    if (this.privateTmp) {
      if (env.PYTHONPYCACHEPREFIX) mkdirSync(env.PYTHONPYCACHEPREFIX, { recursive: true });
      // What the sandbox reads from the host: its code, layers, worker, interpreter and module paths (those under /tmp stay visible).
      const needed = [fn.codeDir, fn.handlerFile, ...fn.python?.path ?? [], command, ...args, env.PYTHONPYCACHEPREFIX ?? '',
        ...(env.NODE_PATH ?? '').split(delimiter), ...this.pythonPrefixes, ...(fn.python ? [] : nodeModulesAbove(fn.codeDir)),
        // The simulated clock's directory (EngineOptions.skipTime): every sandbox writes the one shared time there.
        ...(env[SKIP_TIME_ENV] ? [dirname(env[SKIP_TIME_ENV])] : [])].filter(isAbsolute);
      [command, args] = withPrivateTmp(tmp, needed, command, args);
    }
    const proc = spawn(command, args, {
      cwd: fn.codeDir, env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'json',
    });
    // A Python that vanished since the pool checked it: the sandbox dies at init, as Lambda reports a broken runtime.
    proc.on('error', (e) => this.options.onOutput?.(fn.functionName, `sandbox process: ${e.message}`));
    const sandbox = new Sandbox(fn, proc, this.options.freeze ?? process.platform !== 'win32', tmp);
    const forward = (stream: NodeJS.ReadableStream | null): void => {
      let buffer = '';
      stream?.on('data', (d: Buffer) => {
        buffer += d.toString('utf8');
        const lines = buffer.split('\n');
        buffer = lines.pop()!;
        lines.forEach((line) => this.options.onOutput?.(fn.functionName, line, sandbox.requestId));
      });
      stream?.on('end', () => {
        if (buffer) this.options.onOutput?.(fn.functionName, buffer, sandbox.requestId);
      });
    };
    forward(proc.stdout);
    forward(proc.stderr);
    sandbox.onExit(() => {
      this.forget(sandbox);
      rmSync(tmp, { recursive: true, force: true });
    });
    this.live.add(sandbox);
    this.stats.created++;
    return sandbox;
  }

  private evictIfFull(): void {
    const max = this.options.maxSandboxes ?? 32;
    while (this.live.size >= max) {
      let oldest: Sandbox | undefined;
      for (const list of this.idle.values()) {
        for (const s of list) if (oldest === undefined || s.lastUsed < oldest.lastUsed) oldest = s;
      }
      if (oldest === undefined) return; // all busy: the concurrency limit bounds this
      this.stats.evicted++;
      this.discard(oldest);
    }
  }

  private release(sandbox: Sandbox): void {
    sandbox.busy = false;
    sandbox.lastUsed = Date.now();
    if (this.stopped || sandbox.exited) return this.discard(sandbox);
    sandbox.freeze();
    const list = this.idle.get(sandbox.fn.functionName) ?? [];
    list.push(sandbox);
    this.idle.set(sandbox.fn.functionName, list);
  }

  private discard(sandbox: Sandbox): void {
    sandbox.kill();
    this.forget(sandbox);
  }

  private forget(sandbox: Sandbox): void {
    this.live.delete(sandbox);
    const list = this.idle.get(sandbox.fn.functionName);
    if (list?.includes(sandbox)) this.idle.set(sandbox.fn.functionName, list.filter((s) => s !== sandbox));
  }
}

/** The Python worker, shipped as a file next to this module (copied into lib/ by compile:toolkit). */
export function pythonWorkerScript(): string {
  return join(__dirname, 'python', 'sandbox_worker.py');
}

/**
 * A clear error before any sandbox starts when the app has Python functions and there is no Python to run them.
 * Returns the Python's prefixes (a virtualenv's and its base), which its sandboxes read.
 */
function checkPython(python: string, functions: string[]): string[] {
  const script = 'import sys, importlib.util; print("%d.%d" % sys.version_info[:2], importlib.util.find_spec("boto3") is not None); '
    + 'print(sys.prefix); print(sys.base_prefix)';
  const probe = spawnSync(python, ['-c', script], {
    encoding: 'utf8',
  });
  const names = functions.length > 3 ? `${functions.slice(0, 3).join(', ')} and ${functions.length - 3} more` : functions.join(', ');
  if (probe.error !== undefined || probe.status !== 0) {
    const why = (probe.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT' ? 'is not on PATH' : `does not run (${(probe.stderr || String(probe.error)).trim()})`;
    throw new UsageError(`the app has Python functions (${names}) and the local engine's Python, ${python}, ${why}: `
      + 'install Python 3 (with boto3, which Lambda\'s Python runtime ships), or set UNUM_PYTHON to the Python to use');
  }
  const [first, prefix, basePrefix] = probe.stdout.trim().split('\n');
  const [version, boto3] = first.split(' ');
  const [major, minor] = version.split('.').map(Number);
  if (major !== 3 || minor < 9) {
    throw new UsageError(`the local engine's Python, ${python}, is ${version}; Python functions (${names}) need Python 3.9 or later: set UNUM_PYTHON to one`);
  }
  if (boto3 !== 'True') {
    throw new UsageError(`the local engine's Python, ${python}, has no boto3, which Lambda's Python runtime ships and the cdk-unum runtime of `
      + `the Python functions (${names}) uses: \`${python} -m pip install boto3\` (in a virtualenv), or set UNUM_PYTHON to a Python that has it`);
  }
  return [prefix, basePrefix].filter((p) => p !== undefined);
}

/**
 * The worker script: compiled next to this file in the published package
 * (lib/local/sandbox-worker.js); from TypeScript sources (ts-node, ts-jest)
 * transpiled once into the temporary directory.
 */
export function workerScript(): string {
  const compiled = join(__dirname, 'sandbox-worker.js');
  if (existsSync(compiled)) return compiled;
  const source = readFileSync(join(__dirname, 'sandbox-worker.ts'), 'utf8');
  // Only in a source checkout, where typescript is a dev dependency.
  // eslint-disable-next-line @typescript-eslint/no-require-imports, import/no-extraneous-dependencies
  const ts = require('typescript');
  const output: string = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  }).outputText;
  const file = join(tmpdir(), `cdk-unum-sandbox-worker-${createHash('sha256').update(output).digest('hex').slice(0, 16)}.js`);
  if (!existsSync(file)) {
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, output);
    renameSync(partial, file);
  }
  return file;
}

/**
 * The node_modules folders Node's resolution finds from `dir` upwards: code
 * that is not bundled (a handler in a project checked out under /tmp)
 * requires its packages from there.
 */
function nodeModulesAbove(dir: string): string[] {
  const found: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'node_modules'))) found.push(join(d, 'node_modules'));
    if (dirname(d) === d) return found;
  }
}
