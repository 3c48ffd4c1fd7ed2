import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { startDynamoDbLocal } from '../../toolkit/src/local/servers';

/**
 * Starting DynamoDB Local must end either way: with an endpoint, or with an
 * error that says what to check, never a wait without end.
 */
const work = mkdtempSync(join(tmpdir(), 'unum-servers-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function fakeJava(name: string, body: string): string {
  const path = join(work, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

test('a JVM that never answers is stopped at the deadline, and the error names the wait and what to check', async () => {
  const java = fakeJava('silent-java', 'echo starting >&2; exec sleep 60');
  await expect(startDynamoDbLocal({ java, startTimeoutMs: 1_000 }))
    .rejects.toThrow(/did not answer on http:\/\/127\.0\.0\.1:\d+ within 1 s \(is the machine overloaded, or is .*silent-java a working Java 17\?\): starting/);
});

test('a JVM that exits is reported with its exit code and what it printed', async () => {
  const java = fakeJava('broken-java', 'echo "Error: Unable to access jarfile" >&2; exit 3');
  await expect(startDynamoDbLocal({ java })).rejects.toThrow(/DynamoDB Local exited \(3\): Error: Unable to access jarfile/);
});
