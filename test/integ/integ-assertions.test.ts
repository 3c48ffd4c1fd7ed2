import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { integApps, readIntegAssembly, snapshotDir, synthAll } from './integ-apps';
import { rehearse } from './rehearsal';

/**
 * The IntegTest assertions of every integ app, checked without an account:
 *
 * - integ-runner's snapshot comparison covers the stacks under test only,
 *   not the assertion stack (whose custom resources carry a per-synth
 *   `salt`), so a changed input or expectation would pass unnoticed. Here
 *   each assertion stack is compared with its committed template, salt and
 *   asset hashes normalized.
 * - The assertions are played against the synthesized workflow on the local
 *   servers (see rehearsal.ts): an expectation that a real deploy could not
 *   meet fails here first.
 *
 * Each app is synthesized once, the way integ-runner does (~4 s per app).
 */

const APPS = integApps();
let outdir: string;
let assemblies: Record<string, string>;

beforeAll(async () => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'unum-integ-'));
  assemblies = await synthAll(outdir, APPS);
}, 300_000);

afterAll(() => {
  if (outdir) fs.rmSync(outdir, { recursive: true, force: true });
});

/** Template without what changes on every synth or with every byte of an asset. */
function normalize(template: unknown): unknown {
  return JSON.parse(JSON.stringify(template, (key, value) => (key === 'salt' ? 'SALT' : value))
    .replace(/[a-f0-9]{64}/g, 'ASSET-HASH'));
}

describe('assertion stacks match their committed snapshots', () => {
  test.each(APPS)('%s', (file) => {
    const actual = readIntegAssembly(assemblies[file]);
    const committed = readIntegAssembly(snapshotDir(file));
    expect(actual.assertionStack).toEqual(committed.assertionStack);
    // On failure: the assertions changed; update the snapshots with
    // `npx integ-runner --config integ/integ.config.json --dry-run --force` (see integ/README.md).
    expect(normalize(actual.template(actual.assertionStack))).toEqual(normalize(committed.template(committed.assertionStack)));
  });
});

describe('integ assertions hold on the local servers', () => {
  test.each(APPS)('%s', async (file) => {
    const result = await rehearse(readIntegAssembly(assemblies[file]));
    expect(result.assertions.map((a) => a.type)).toEqual(expect.arrayContaining([
      'Custom::DeployAssert@SdkCallLambdainvoke',
      'Custom::DeployAssert@SdkCallDynamoDBgetItem',
    ]));
    for (const assertion of result.assertions) {
      expect({ resource: assertion.resource, actual: assertion.actual, mismatch: assertion.mismatch })
        .toEqual({ resource: assertion.resource, actual: assertion.actual, mismatch: undefined });
    }
    expect(result.asyncFailures).toEqual([]);
  });
});
