/**
 * The test runner's speed (issue 17): 100 sequential steps and a map
 * of 1,000 items with a sum, through WorkflowTestRunner in fast mode (and,
 * with --faithful, the same sessions in faithful mode), with the store
 * servers already up as a jest global setup leaves them. Not a test: it
 * prints figures.
 *
 *   node -r ./toolkit/dev/from-sources.js bench/test-runner.ts [--faithful] [--durable] [--runs N]
 *
 * --durable also runs word-count (the example app, synthesized as its README
 * says) and, in its own process, Lambda Durable Functions' local test runner
 * on the same three workloads (bench/durable/run.ts; its packages are the
 * bench's own, installed into bench/durable on first use), and prints the
 * figures side by side with the ratios issue 17 sets targets for.
 *
 * Each figure is the median wall time of WorkflowTestRunner.run (session
 * start to the last invocation drained, then the result read back: every
 * instance's input and output), after one warm-up run; memory is the
 * process's peak resident set (the runtime and user code run in it in fast
 * mode; the sandboxes' memory is not counted in faithful mode).
 */
import { execFileSync } from 'child_process';
import { existsSync, mkdtempSync, readFileSync } from 'fs';
import { cpus, tmpdir } from 'os';
import { join } from 'path';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { Construct } from 'constructs';
import { Chain, Choice, Condition } from '../src';
import { mapJoin, synthShapes, trivialFunction } from './lib/shapes';
import { median, now, round } from './lib/stats';
import { LocalServer } from '../toolkit/src/local/servers';
import { startTestServers } from '../toolkit/src/testing/test-servers';
import { WorkflowTestMode, WorkflowTestRunner } from '../toolkit/src/testing/workflow-test-runner';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const args = process.argv.slice(2);
const runsArg = args.indexOf('--runs');
const runs = runsArg >= 0 ? Number(args[runsArg + 1]) : 5;
const modes = args.includes('--faithful') ? [WorkflowTestMode.FAST, WorkflowTestMode.FAITHFUL] : [WorkflowTestMode.FAST];
const durable = args.includes('--durable');
const ROOT = join(__dirname, '..');

async function measure(runner: WorkflowTestRunner, workflow: string, expected: unknown, n: number, input: unknown = 0): Promise<number[]> {
  const out: number[] = [];
  for (let i = -1; i < n; i++) {
    const t0 = now();
    const result = await runner.run({ workflow, input });
    const ms = now() - t0;
    if (result.status !== 'SUCCEEDED' || JSON.stringify(result.output) !== JSON.stringify(expected)) {
      throw new Error(`${workflow}: ${result.status} ${JSON.stringify(result.output ?? result.error)}`);
    }
    if (i >= 0) out.push(ms);
  }
  return out;
}

/**
 * 100 sequential steps: one node looping 100 times, then Done (result 101). A chain of 100 distinct functions is over
 * CloudFormation's 500 resources per stack, and the local assembly does not read nested stacks; the loop costs the
 * same per step (an invocation, a checkpoint, a successor Invoke).
 */
function loop100(scope: Construct) {
  const step = trivialFunction(scope, 'Step');
  return Chain.start(step).next(new Choice(scope, 'More').when(Condition.numberLessThan('$', 100), step).otherwise(trivialFunction(scope, 'Done')));
}

/**
 * What the chain's store requests alone cost: the runtime makes a consistent GetItem and a conditional PutItem per
 * step (the runner's result counts them), so 100 sequential pairs to the same DynamoDB Local, with the same SDK, are the
 * floor any faithful fast mode pays before its first line of runtime code.
 */
async function storeFloorMs(endpoint: string): Promise<number> {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
  const TableName = `bench-floor-${Date.now()}`;
  await client.send(new CreateTableCommand({
    TableName,
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
  }));
  const pairs = async (pass: number) => {
    for (let i = 0; i < 100; i++) {
      await client.send(new GetItemCommand({ TableName, Key: { pk: { S: `${pass}-${i}` } }, ConsistentRead: true }));
      await client.send(new PutItemCommand({ TableName, Item: { pk: { S: `${pass}-${i}` }, v: { N: String(i) } }, ConditionExpression: 'attribute_not_exists(pk)' }));
    }
  };
  const times: number[] = [];
  for (let pass = -1; pass < runs; pass++) {
    const t0 = now();
    await pairs(pass);
    if (pass >= 0) times.push(now() - t0);
  }
  client.destroy();
  return median(times);
}

/** The word-count example synthesized as a user would (`node app.ts` with CDK_OUTDIR), with its input and expected output. */
function wordCountExample(): { dir: string; input: unknown; expected: unknown } {
  const dir = mkdtempSync(join(tmpdir(), 'cdk-unum-bench-word-count-'));
  execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', join('examples', 'word-count', 'app.ts')],
    { cwd: ROOT, env: { ...process.env, CDK_OUTDIR: dir }, stdio: ['ignore', 'ignore', 'inherit'] });
  const read = (file: string) => JSON.parse(readFileSync(join(ROOT, 'examples', 'word-count', file), 'utf8'));
  return { dir, input: read('input.json'), expected: read('expected.json') };
}

interface DurableFigures {
  readonly realTimers: Record<string, number>;
  readonly skipTime: Record<string, number>;
  readonly peakRssMb: number;
}

/** Durable's runner in its own process (its skipTime fakes the timers of the whole process). */
function durableFigures(): DurableFigures {
  const dir = join(ROOT, 'bench', 'durable');
  if (!existsSync(join(dir, 'node_modules', '@aws', 'durable-execution-sdk-js-testing'))) {
    process.stderr.write('installing the Durable packages into bench/durable (npm ci, the bench\'s own lockfile)\n');
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--prefix', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const out = execFileSync(process.execPath, ['-r', './toolkit/dev/from-sources.js', join('bench', 'durable', 'run.ts'), '--runs', String(runs)],
    { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').pop()!);
}

async function main(): Promise<void> {
  const app = synthShapes({ Chain100: loop100, Map1000: (s) => mapJoin(s, 1000) });
  const servers: LocalServer[] = await startTestServers();
  const endpoints = { dynamodb: servers[0].endpoint, s3: servers[1].endpoint };
  const lines: string[] = [`test runner bench — ${new Date().toISOString()} — ${cpus().length} cores, node ${process.version}, median of ${runs}`];
  try {
    for (const mode of modes) {
      const runner = await WorkflowTestRunner.start({ assemblyDir: app.dir, mode, servers: endpoints });
      try {
        const chainMs = await measure(runner, 'Chain100', 101, runs);
        const mapMs = await measure(runner, 'Map1000', 1000, Math.max(1, Math.ceil(runs / 2)));
        lines.push(`${mode}: 100 steps ${round(median(chainMs), 0)} ms, map of 1,000 + sum ${round(median(mapMs), 0)} ms, `
          + `peak RSS ${round(process.resourceUsage().maxRSS / 1024, 0)} MB`);
        if (durable && mode === WorkflowTestMode.FAST) {
          const words = wordCountExample();
          const wordRunner = await WorkflowTestRunner.start({ assemblyDir: words.dir, mode, servers: endpoints });
          let wordMs: number[];
          try {
            wordMs = await measure(wordRunner, 'WordCount', words.expected, runs, words.input);
          } finally {
            await wordRunner.stop();
          }
          const d = durableFigures();
          lines.push(...sideBySide({ chain100: median(chainMs), map1000: median(mapMs), wordCount: median(wordMs) }, d));
          const floor = await storeFloorMs(endpoints.dynamodb);
          lines.push('store floor of the 100 steps: 100 sequential consistent GetItem + conditional PutItem pairs to the same DynamoDB Local '
            + `take ${round(floor, 0)} ms, ${round(floor / d.realTimers.chain100, 2)}x Durable's whole chain (whose store is in memory)`);
        }
      } finally {
        await runner.stop();
      }
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** The table of issue 17: each workload in both runners, with the ratio to Durable's real-timer figure and its target. */
function sideBySide(fast: Record<string, number>, d: DurableFigures): string[] {
  const rows: Array<[string, string, number]> = [['chain100', '100 steps', 2], ['map1000', 'map of 1,000 + sum', 3], ['wordCount', 'word-count', 3]];
  return [
    `side by side with Lambda Durable Functions' LocalDurableTestRunner (own process, peak RSS ${round(d.peakRssMb, 0)} MB):`,
    '  workload            | Durable real timers | Durable skipTime | cdk-unum fast | fast / Durable real | target',
    ...rows.map(([key, label, target]) => {
      const ratio = fast[key] / d.realTimers[key];
      return `  ${label.padEnd(19)} | ${`${round(d.realTimers[key], 0)} ms`.padStart(19)} | ${`${round(d.skipTime[key], 0)} ms`.padStart(16)} | `
        + `${`${round(fast[key], 0)} ms`.padStart(13)} | ${`${round(ratio, 2)}x`.padStart(19)} | <= ${target}x ${ratio <= target ? 'met' : 'NOT met'}`;
    }),
  ];
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
