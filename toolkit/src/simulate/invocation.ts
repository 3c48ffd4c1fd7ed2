import { FailureCause } from './failures';
import { ServerlessFunction } from './function';

/** queued: waits for a core; starting: placed, its container cold-starting; running: its code runs. */
export type InvocationState = 'queued' | 'starting' | 'running' | 'completed' | 'failed' | 'timeout';

/** One admitted call; its dates are simulated seconds, `startDate` when its code starts (after any cold start). */
export class FunctionInvocation {
  public state: InvocationState = 'queued';
  public startDate?: number;
  public endDate?: number;
  public output?: unknown;
  public failureCause?: FailureCause;
  /** Whether the call had to start a new container. */
  public coldStart = false;
  public nodeName?: string;

  public constructor(public readonly fn: ServerlessFunction, public readonly input: unknown, public readonly submitDate: number) {}

  public isRunning(): boolean {
    return this.state === 'running';
  }

  public isDone(): boolean {
    return this.state === 'completed' || this.state === 'failed' || this.state === 'timeout';
  }

  /** Simulated seconds from submission to the end. */
  public get turnaround(): number | undefined {
    return this.endDate === undefined ? undefined : this.endDate - this.submitDate;
  }
}
