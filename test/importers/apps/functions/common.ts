// The stub of every node a fixture's test leaves unspecified: its input is its output.
export const identity = async (input: unknown) => input;

/** An error with a name, as a Lambda function throws it (Step Functions matches Retry/Catch on the name). */
export function named(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}
