// The function of 'Ship' (imported from test/fixtures/asl/data-flow.json).
// A stub that returns its input: replace it with the real implementation.
// Its input is its static parameters (set in the workflow), after InputPath.
export async function handler(input: any, context: { index: number; size: number; session: string }): Promise<any> {
  void context;
  return input;
}
