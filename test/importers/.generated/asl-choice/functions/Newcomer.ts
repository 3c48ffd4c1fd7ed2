// The function of 'Newcomer' (imported from test/fixtures/asl/choice.json).
// A stub that returns its input: replace it with the real implementation.
export async function handler(input: any, context: { index: number; size: number; session: string }): Promise<any> {
  void context;
  return input;
}
