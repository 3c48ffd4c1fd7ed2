/** The seed's admission answers, then how an admitted call can end badly. */
export const FAILURE = {
  NOT_REGISTERED: 'function not registered',
  NOT_ADMITTED: "can't admit the function call right now",
  TIMEOUT: 'timeout',
  NO_STORAGE: 'not enough storage for the image',
  NO_SCRATCH: 'not enough storage for the invocation',
} as const;

export type FailureCause = string;

/** The synchronous refusal of `invokeFunction`, as WRENCH's service answers before admitting a call. */
export class InvocationRefused extends Error {
  public constructor(public readonly cause: FailureCause, functionName: string) {
    super(`${functionName}: ${cause}`);
    this.name = 'InvocationRefused';
  }
}
