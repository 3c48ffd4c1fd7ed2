import { ImageSpec } from './platform';

/** What function code sees: it spends simulated time with `sleep` and reads the simulated clock. */
export interface FunctionContext {
  readonly startTime: number;
  /** Whether this call had to start a new container. */
  readonly coldStart: boolean;
  sleep(seconds: number): void;
  /**
   * Holds the core until the returned function is called from a later event,
   * instead of ending after the sleeps (a workflow handler ends when its last
   * request returns, which other calls decide). Not combined with sleep.
   */
  defer(): (output?: unknown) => void;
}

export type FunctionCode = (input: unknown, context: FunctionContext) => unknown;

/** The notion of a function: a name, its code and the image it runs from. */
export class ServerlessFunction {
  public constructor(public readonly name: string, public readonly code: FunctionCode, public readonly image: ImageSpec) {}
}
