// Stub functions of test/fixtures/asl/lambda-invoke-response.json.
export const Score = async (x: { n: number }) => ({ score: x.n * 3 });
export const Approve = async (x: { score: number }) => ({ approved: x.score });
export const Reject = async (x: { score: number }) => ({ rejected: x.score });
