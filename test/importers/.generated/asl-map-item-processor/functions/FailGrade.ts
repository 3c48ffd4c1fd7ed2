// The function of 'FailGrade' (imported from test/fixtures/asl/map-item-processor.json).
// A stub that returns its input: replace it with the real implementation.
export async function handler(input: any, context: { index: number; size: number; session: string }): Promise<any> {
  void context;
  return input;
}
