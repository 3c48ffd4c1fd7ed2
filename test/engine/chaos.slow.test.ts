import { TIMEOUT_MS, check, forEachExample } from './chaos-support';

// Slow because every throttled call waits out the SDK's backoff five times before Lambda's retry.
forEachExample((example, input, engine) => {
  test('Lambda throttling past the SDK retries fails the invocation, and Lambda retries it from its checkpoint', async () => {
    // Every call's first 5 attempts (the runtime SDK's maxAttempts) are throttled; the next call of the same Invoke passes.
    const faults = { lambdaThrottleRate: 1, serviceErrorAttempts: 5, seed: 1 };
    const report = await engine().run({ input, faults });
    check(report, example.expected, `${example.name} ${JSON.stringify(faults)}`);
    // Every example invokes at least one successor, so at least one invocation was throttled out and retried.
    expect(report.lambda.event).toBeGreaterThan(1);
    expect(report.injected['lambda:Invoke:TooManyRequestsException']).toBeGreaterThan(0);
    expect(report.invocations.retries).toBeGreaterThan(0);
  }, TIMEOUT_MS);
});
