import { ChildProcess, spawn } from 'child_process';
import { createHash, randomUUID } from 'crypto';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'fs';
import { IncomingMessage, Server, ServerResponse, createServer } from 'http';
import { AddressInfo, isIP } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { consoleHtml } from './html';
import { SessionViews } from './index';
import { UsageError } from '../local/assembly';
import { readState, STATE_FILE } from '../local/session-records';
import { listTraces, readTrace, readTraceEnd, readTraceStart } from '../local/session-trace';

/**
 * `unum ui`: a web console on the loopback interface for the sessions of a
 * data directory, read from the traces `unum run --data-dir` writes (so it
 * shows a session while another terminal runs it). Read-only unless started
 * with `allowRun`, when it can start a session: as a `unum run` child
 * process on the same data directory, like one typed in a terminal.
 *
 * No authentication on loopback; what a web page in the same browser could
 * otherwise do is refused: requests whose Host is not the console's own
 * (DNS rebinding), and a start request from another origin or that is not
 * JSON (a cross-site form post).
 */

export interface ConsoleOptions {
  readonly dataDir: string;
  /** Default 127.0.0.1. A non-loopback address needs allowRemote. */
  readonly host?: string;
  /** Default 0: any free port. */
  readonly port?: number;
  readonly allowRemote?: boolean;
  /** Starting sessions: the cloud assembly the children run, and its workflows. */
  readonly run?: { readonly assembly: string; readonly workflows: readonly string[] };
}

export interface SessionSummary {
  readonly session: string;
  readonly workflow: string;
  readonly status: string;
  readonly startedAt?: number;
  readonly durationMs?: number;
}

/** A trace without an end that has not changed for this long belongs to a run that was stopped (a running one flushes every second). */
const STALE_MS = 5000;

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1';
  return false;
}

export class ConsoleServer {
  static async start(options: ConsoleOptions): Promise<ConsoleServer> {
    const host = options.host ?? '127.0.0.1';
    if (!isLoopback(host) && options.allowRemote !== true) {
      throw new UsageError(`the console binds to the loopback interface only (got --host ${host}): the console has no authentication, `
        + 'and anyone who reaches it can read every session\'s inputs and outputs. Pass --allow-remote to bind to another address anyway');
    }
    const server = new ConsoleServer(options, host);
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', (e: NodeJS.ErrnoException) => reject(e.code === 'EADDRINUSE'
        ? new UsageError(`port ${options.port} is already in use on ${host}: choose another with --port, or leave it out for a free one`) : e));
      server.server.listen(options.port ?? 0, host, () => resolve());
    });
    return server;
  }

  readonly server: Server;
  private readonly views = new SessionViews();
  private child?: { process: ChildProcess; session: string; dir: string };

  private constructor(private readonly options: ConsoleOptions, private readonly host: string) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((e) => send(res, 500, { error: (e as Error).message }));
    });
  }

  get url(): string {
    const port = (this.server.address() as AddressInfo).port;
    return `http://${this.host.includes(':') ? `[${this.host}]` : this.host}:${port}/`;
  }

  async stop(): Promise<void> {
    this.child?.process.kill();
    this.server.closeAllConnections?.();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The sessions of the data directory, newest first: traced ones, and ones recorded before traces were kept. */
  sessions(): SessionSummary[] {
    const dir = this.options.dataDir;
    const out: SessionSummary[] = [];
    const seen = new Set<string>();
    for (const t of listTraces(dir)) {
      const start = readTraceStart(dir, t.session);
      if (start === undefined) continue;
      const end = readTraceEnd(dir, t.session);
      seen.add(t.session);
      const status = end?.status ?? (Date.now() - t.mtimeMs > STALE_MS ? 'STOPPED' : 'RUNNING');
      out.push({
        session: t.session,
        workflow: start.workflow,
        status,
        startedAt: start.at,
        durationMs: (end?.at ?? (status === 'RUNNING' ? Date.now() : t.mtimeMs)) - start.at,
      });
    }
    for (const s of readState(dir).sessions) {
      if (!seen.has(s.session)) out.push({ session: s.session, workflow: s.workflow, status: s.status, startedAt: Date.parse(s.time) });
    }
    return out.sort((a, b) => (b.startedAt ?? 0) - (a.startedAt ?? 0));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.hostAllowed(req.headers.host)) return send(res, 421, { error: `this console answers to ${this.url} only` });
    const url = new URL(req.url ?? '/', 'http://console');
    const path = url.pathname;
    if (req.method === 'GET' && path === '/') {
      const config = { dataDir: this.options.dataDir, allowRun: this.options.run !== undefined, workflows: this.options.run?.workflows ?? [] };
      return sendText(res, 200, 'text/html; charset=utf-8', consoleHtml(config));
    }
    if (path === '/api/sessions' && req.method === 'GET') {
      const state = join(this.options.dataDir, STATE_FILE);
      // A running session's status turns STOPPED with time alone: the tag changes every STALE_MS too.
      const stateTime = existsSync(state) ? statSync(state).mtimeMs : 0;
      const tag = etag(JSON.stringify([listTraces(this.options.dataDir), stateTime, Math.floor(Date.now() / STALE_MS)]));
      if (req.headers['if-none-match'] === tag) return notModified(res, tag);
      return send(res, 200, this.sessions(), tag);
    }
    if (path === '/api/sessions' && req.method === 'POST') return this.startSession(req, res);
    const m = /^\/api\/sessions\/([^/]+)$/.exec(path);
    if (m && req.method === 'GET') {
      const session = decodeURIComponent(m[1]);
      const trace = listTraces(this.options.dataDir).find((t) => t.session === session);
      if (trace === undefined) return send(res, 404, { error: `no trace of session ${session} in ${this.options.dataDir}` });
      const tag = etag(`${trace.mtimeMs}/${trace.size}`);
      if (req.headers['if-none-match'] === tag) return notModified(res, tag);
      const events = readTrace(this.options.dataDir, session) ?? [];
      // A trace is created empty and gets its first line a moment later.
      if (events[0]?.t !== 'session') return send(res, 200, { pending: true });
      return send(res, 200, await this.views.view(events), tag);
    }
    return send(res, 404, { error: `no such page: ${req.method} ${path}` });
  }

  private hostAllowed(host: string | undefined): boolean {
    if (this.options.allowRemote === true) return true;
    if (host === undefined) return false;
    const port = (this.server.address() as AddressInfo).port;
    const name = host.endsWith(`:${port}`) ? host.slice(0, -`:${port}`.length) : undefined;
    return name !== undefined && isLoopback(name);
  }

  private async startSession(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const run = this.options.run;
    if (run === undefined) return send(res, 403, { error: 'this console is read-only: start it with `unum ui --allow-run` to start sessions from it' });
    const origin = req.headers.origin;
    if (origin !== undefined && !this.hostAllowed(safeHost(origin))) return send(res, 403, { error: `requests from ${origin} may not start sessions` });
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) return send(res, 415, { error: 'send the request as application/json' });
    if (this.child !== undefined) return send(res, 409, { error: `session ${this.child.session} is still starting or running; wait for it to end` });
    let body: { workflow?: unknown; input?: unknown };
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      return send(res, 400, { error: 'the request is not JSON' });
    }
    const workflow = typeof body.workflow === 'string' ? body.workflow : run.workflows[0];
    if (!run.workflows.includes(workflow)) return send(res, 400, { error: `no workflow '${workflow}'; the workflows: ${run.workflows.join(', ')}` });
    const text = typeof body.input === 'string' ? body.input : JSON.stringify(body.input ?? null);
    try {
      JSON.parse(text);
    } catch (e) {
      return send(res, 400, { error: `the input is not JSON: ${(e as Error).message}` });
    }
    const session = randomUUID();
    const dir = mkdtempSync(join(tmpdir(), 'unum-ui-input-'));
    writeFileSync(join(dir, 'input.json'), text);
    const child = spawn(process.execPath, [...cliCommand(), 'run', '--assembly', run.assembly, '--workflow', workflow,
      '--data-dir', this.options.dataDir, '--session', session, '--input', `@${join(dir, 'input.json')}`, '--quiet'],
    { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = { process: child, session, dir };
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString('utf8')).slice(-4000);
    });
    const exited = new Promise<number | null>((resolve) => {
      const done = (code: number | null): void => {
        rmSync(dir, { recursive: true, force: true });
        if (this.child?.process === child) this.child = undefined;
        resolve(code);
      };
      child.once('exit', done);
      child.once('error', () => done(null));
    });
    // Answered once the session has started (its trace has its first line), or with the run's error if it ends before.
    const started = await Promise.race([exited.then(() => false), this.traceStarted(session)]);
    if (started || readTraceStart(this.options.dataDir, session) !== undefined) return send(res, 202, { session });
    return send(res, 500, { error: `unum run exited with code ${await exited} before the session started: ${stderr.trim() || '(no output)'}` });
  }

  private async traceStarted(session: string): Promise<boolean> {
    while (this.child?.session === session) {
      if (readTraceStart(this.options.dataDir, session) !== undefined) return true;
      await new Promise((r) => setTimeout(r, 200));
    }
    return false;
  }
}

/** The `unum` command line as node arguments: the compiled CLI, or the sources through the repository's loader. */
function cliCommand(): string[] {
  const compiled = join(__dirname, '..', 'cli', 'main.js');
  if (existsSync(compiled)) return [compiled];
  return ['-r', join(__dirname, '..', '..', 'dev', 'from-sources.js'), join(__dirname, '..', 'cli', 'main.ts')];
}

function safeHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

function etag(text: string): string {
  return `"${createHash('sha1').update(text).digest('hex').slice(0, 16)}"`;
}

function readBody(req: IncomingMessage, limit = 6 * 1024 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new Error('the request is too large'));
        req.destroy();
      } else {
        chunks.push(c);
      }
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, tag?: string): void {
  sendText(res, status, 'application/json; charset=utf-8', JSON.stringify(body), tag);
}

function sendText(res: ServerResponse, status: number, type: string, text: string, tag?: string): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    ...(tag !== undefined ? { ETag: tag } : {}),
  });
  res.end(text);
}

function notModified(res: ServerResponse, tag: string): void {
  res.writeHead(304, { 'ETag': tag, 'Cache-Control': 'no-cache' });
  res.end();
}
