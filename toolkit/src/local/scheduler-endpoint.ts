import { randomUUID } from 'crypto';
import { IncomingMessage, Server, ServerResponse, createServer } from 'http';
import { AddressInfo } from 'net';
import { SCHEDULE_INPUT_LIMIT, parseAtExpression } from 'cdk-unum/lib/protocol';
import { Clock, SkipClock } from 'cdk-unum/lib/protocol/clock';
import { readBody } from './lambda-endpoint';

/**
 * A local EventBridge Scheduler for the one-time schedules long Waits create: CreateSchedule, GetSchedule and
 * DeleteSchedule as @aws-sdk/client-scheduler calls them (REST JSON, `/schedules/{Name}`), reached through
 * AWS_ENDPOINT_URL_SCHEDULER. A schedule fires its Lambda target at its `at(...)` time, asynchronously (Scheduler
 * invokes with InvocationType Event), and is deleted after it fired when ActionAfterCompletion is DELETE.
 *
 * On the real clock a schedule fires when its time comes. On a simulated clock (SkipClock) time is fast-forwarded:
 * once nothing runs (the Lambda endpoint is idle), the clock jumps to the earliest schedule and it fires, one at a
 * time, so the invocations it starts see its time and nothing that was still running saw the jump.
 */

export interface SchedulerEndpointOptions {
  readonly clock: Clock;
  /** Queues the target's asynchronous invocation. */
  readonly invoke: (functionArn: string, input: string) => void;
  /** Resolves when no invocation is queued or running. */
  readonly lambdaIdle: () => Promise<void>;
  /** The schedule groups that exist (the app's); others are refused as AWS does. Default: all exist. */
  readonly groupExists?: (group: string) => boolean;
  /**
   * Callback checks (the schedules that fail a parked task at its heartbeat or taskTimeout) are held: neither fired
   * nor counted as pending until releaseCallbackChecks(), so a test answers a parked task before its limit passes.
   * Default: not held.
   */
  readonly holdCallbackChecks?: boolean;
  readonly port?: number;
}

export interface LocalSchedule {
  readonly name: string;
  readonly group: string;
  readonly arn: string;
  readonly expression: string;
  /** Epoch ms of the `at(...)` time. */
  readonly at: number;
  readonly target: { readonly Arn: string; readonly RoleArn: string; readonly Input?: string };
  readonly actionAfterCompletion: string;
  readonly createdAt: number;
  /** It re-invokes a parked callback task (its Input is a resume envelope marked `callback`) to check its limit. */
  readonly callbackCheck: boolean;
  /** Epoch ms (on the engine's clock) it fired; undefined while it waits. */
  firedAt?: number;
}

const NAME = /^[0-9a-zA-Z_.-]{1,64}$/;
/** setTimeout's longest delay; a longer real wait is re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class SchedulerEndpoint {
  static async start(options: SchedulerEndpointOptions): Promise<SchedulerEndpoint> {
    const endpoint = new SchedulerEndpoint(options);
    await new Promise<void>((resolve, reject) => {
      endpoint.server.once('error', reject);
      endpoint.server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    return endpoint;
  }

  /** Every schedule created since the engine started, fired or not, deleted or not (what tests and `unum status` read). */
  readonly history: LocalSchedule[] = [];
  /** CreateSchedule calls refused because the schedule existed (a duplicate delivery's). */
  conflicts = 0;
  private readonly schedules = new Map<string, LocalSchedule>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly server: Server;
  private waiters: Array<() => void> = [];
  private forwarding = false;
  private stopped = false;
  private holding: boolean;
  /** Held callback checks whose time came on the real clock: fired on release. */
  private readonly deferred = new Set<LocalSchedule>();

  private constructor(private readonly options: SchedulerEndpointOptions) {
    this.holding = options.holdCallbackChecks === true;
    this.server = createServer((req, res) => {
      this.route(req, res).catch((e) => error(res, 500, 'InternalServerException', String(e)));
    });
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Schedules that have not fired yet, but held callback checks. */
  get pending(): number {
    return this.waiting().length;
  }

  /** Fires the held callback checks when their time comes (at once on a simulated clock), and holds no more. */
  releaseCallbackChecks(): void {
    this.holding = false;
    const due = [...this.deferred];
    this.deferred.clear();
    due.forEach((s) => this.fire(s));
    if (this.options.clock instanceof SkipClock) void this.fastForward();
    this.notify();
  }

  /** Holds callback checks again (see SchedulerEndpointOptions.holdCallbackChecks). */
  holdCallbackChecks(): void {
    this.holding = true;
  }

  private waiting(): LocalSchedule[] {
    return [...this.schedules.values()].filter((s) => s.firedAt === undefined && !(this.holding && s.callbackCheck));
  }

  /** Resolves at the next change: a schedule fired or was deleted. */
  changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.notify();
    this.server.closeAllConnections?.();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://local');
    const m = /^\/schedules\/([^/]+)$/.exec(url.pathname);
    const body = await readBody(req);
    if (m === null) return error(res, 404, 'UnknownOperationException', `the local scheduler does not implement ${req.method} ${url.pathname}`);
    const name = decodeURIComponent(m[1]);
    if (req.method === 'POST') return this.create(name, JSON.parse(body || '{}'), res);
    const group = url.searchParams.get('groupName') ?? 'default';
    const schedule = this.schedules.get(`${group}/${name}`);
    if (req.method === 'GET' || req.method === 'DELETE') {
      if (schedule === undefined) return error(res, 404, 'ResourceNotFoundException', `Schedule ${name} does not exist.`);
      if (req.method === 'DELETE') {
        this.delete(schedule);
        return json(res, {});
      }
      return json(res, {
        Arn: schedule.arn,
        Name: schedule.name,
        GroupName: schedule.group,
        ScheduleExpression: schedule.expression,
        ScheduleExpressionTimezone: 'UTC',
        State: 'ENABLED',
        Target: schedule.target,
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: schedule.actionAfterCompletion,
        CreationDate: schedule.createdAt / 1000,
        LastModificationDate: schedule.createdAt / 1000,
      });
    }
    return error(res, 404, 'UnknownOperationException', `the local scheduler does not implement ${req.method} ${url.pathname}`);
  }

  private create(name: string, input: Record<string, any>, res: ServerResponse): void {
    const group = String(input.GroupName ?? 'default');
    const invalid = (message: string): void => error(res, 400, 'ValidationException', message);
    if (!NAME.test(name)) return invalid(`Name ${name} must be 1-64 characters of [0-9a-zA-Z-_.]`);
    if (!(this.options.groupExists?.(group) ?? true)) return error(res, 404, 'ResourceNotFoundException', `Schedule group ${group} does not exist.`);
    const expression = String(input.ScheduleExpression ?? '');
    const at = parseAtExpression(expression);
    // Rate and cron schedules are valid on AWS; long Waits use none, so the emulation has none either.
    if (at === undefined) return invalid(`the local scheduler runs one-time at(yyyy-mm-ddThh:mm:ss) schedules only (got '${expression}')`);
    if ((input.ScheduleExpressionTimezone ?? 'UTC') !== 'UTC') return invalid('the local scheduler reads at() times in UTC only');
    if (input.FlexibleTimeWindow?.Mode === undefined) return invalid('FlexibleTimeWindow is required');
    const target = input.Target as LocalSchedule['target'] | undefined;
    if (typeof target?.Arn !== 'string' || typeof target?.RoleArn !== 'string') return invalid('Target needs Arn and RoleArn');
    if (target.Input !== undefined && Buffer.byteLength(target.Input) > SCHEDULE_INPUT_LIMIT) {
      return invalid(`Target.Input is ${Buffer.byteLength(target.Input)} bytes, more than the ${SCHEDULE_INPUT_LIMIT} bytes allowed`);
    }
    const key = `${group}/${name}`;
    if (this.schedules.has(key)) {
      this.conflicts++;
      return error(res, 409, 'ConflictException', `Schedule ${name} already exists.`);
    }
    const schedule: LocalSchedule = {
      name,
      group,
      arn: `arn:aws:scheduler:us-east-1:000000000000:schedule/${key}`,
      expression,
      at,
      target: { Arn: target.Arn, RoleArn: target.RoleArn, ...(target.Input !== undefined ? { Input: target.Input } : {}) },
      actionAfterCompletion: String(input.ActionAfterCompletion ?? 'NONE'),
      createdAt: this.options.clock.now(),
      callbackCheck: isCallbackCheck(target.Input),
    };
    this.schedules.set(key, schedule);
    this.history.push(schedule);
    json(res, { ScheduleArn: schedule.arn });
    if (this.options.clock instanceof SkipClock) void this.fastForward();
    else this.arm(schedule);
  }

  private arm(schedule: LocalSchedule): void {
    const key = `${schedule.group}/${schedule.name}`;
    const left = schedule.at - this.options.clock.now();
    if (left <= 0) return this.fire(schedule);
    this.timers.set(key, setTimeout(() => this.arm(schedule), Math.min(left, MAX_TIMER_MS)));
  }

  /** Simulated time: whenever nothing runs, jump to the earliest schedule and fire it. */
  private async fastForward(): Promise<void> {
    if (this.forwarding) return;
    this.forwarding = true;
    try {
      while (!this.stopped) {
        await this.options.lambdaIdle();
        const next = this.waiting().sort((a, b) => a.at - b.at)[0];
        if (next === undefined || this.stopped) return;
        await this.options.clock.sleep(next.at - this.options.clock.now());
        this.fire(next);
        // Let the invocation it queued start before looking for idleness again.
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      this.forwarding = false;
    }
  }

  private fire(schedule: LocalSchedule): void {
    if (this.stopped || !this.schedules.has(`${schedule.group}/${schedule.name}`)) return;
    if (this.holding && schedule.callbackCheck) {
      this.deferred.add(schedule);
      return;
    }
    schedule.firedAt = this.options.clock.now();
    this.options.invoke(schedule.target.Arn, schedule.target.Input ?? '{}');
    if (schedule.actionAfterCompletion === 'DELETE') this.delete(schedule);
    else this.notify();
  }

  private delete(schedule: LocalSchedule): void {
    const key = `${schedule.group}/${schedule.name}`;
    this.deferred.delete(schedule);
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.schedules.delete(key);
    this.notify();
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((w) => w());
  }
}

function isCallbackCheck(input: string | undefined): boolean {
  try {
    return JSON.parse(input ?? '{}')?.callback === true;
  } catch {
    return false;
  }
}

function json(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'Content-Type': 'application/json', 'x-amzn-RequestId': randomUUID() });
  res.end(JSON.stringify(body));
}

function error(res: ServerResponse, status: number, type: string, message: string): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'x-amzn-ErrorType': type, 'x-amzn-RequestId': randomUUID() });
  res.end(JSON.stringify({ Message: message }));
}
