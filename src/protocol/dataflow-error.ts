/**
 * A path, template or intrinsic function that does not fit the input: Step
 * Functions fails the execution with this error name (States.Runtime and
 * States.ResultPathMatchFailure are not retriable and not catchable;
 * JSONata's States.QueryEvaluationError is, as in Step Functions).
 */
export type DataFlowErrorName = 'States.Runtime' | 'States.ResultPathMatchFailure' | 'States.IntrinsicFailure' | 'States.QueryEvaluationError';

export class DataFlowError extends Error {
  public readonly name: DataFlowErrorName;

  constructor(name: DataFlowErrorName, message: string) {
    super(message);
    this.name = name;
  }
}
