import { ImageSpec } from './platform';

/** What function code sees: it spends simulated time with `sleep` and reads the simulated clock. */
export interface FunctionContext {
  readonly startTime: number;
  sleep(seconds: number): void;
}

export type FunctionCode = (input: unknown, context: FunctionContext) => unknown;

/** The notion of a function: a name, its code and the image it runs from. */
export class ServerlessFunction {
  public constructor(public readonly name: string, public readonly code: FunctionCode, public readonly image: ImageSpec) {}
}
