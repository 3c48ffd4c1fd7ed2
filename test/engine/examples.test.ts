import { examples, tsApp } from './support';
import { unum } from '../support/cli';

/**
 * End to end: every example app goes through `unum run` — real synthesis of
 * the CDK app, the embedded DynamoDB Local and S3 server, sandbox processes
 * running the unmodified runtime layer — and its result equals
 * examples/<name>/expected.json.
 */
const all = examples();

test('the examples are there', () => {
  expect(all.map((e) => e.name)).toEqual(expect.arrayContaining(['hello-bye', 'map-join', 'word-count']));
});

describe.each(all.map((e) => [e.name, e] as const))('%s', (_name, example) => {
  test('unum run prints the expected result', async () => {
    const r = await unum('run', '--app', tsApp(example.app), '--input', `@${example.input}`, '--json', '--quiet');
    if (r.code !== 0) throw new Error(`unum run exited ${r.code}:\n${r.stderr}\n${r.stdout}`);
    const report = JSON.parse(r.stdout);
    expect(report.status).toBe('SUCCEEDED');
    expect(report.result).toEqual(example.expected);
    expect(report.onFailure).toEqual([]);
    expect(Object.values(report.commits).every((n) => n === 1)).toBe(true);
    expect(report.store.total).toBeGreaterThan(0);
  });
});
