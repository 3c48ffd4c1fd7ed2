/**
 * The test runner's speed (issue 17): 100 sequential steps and a map
 * of 1,000 items with a sum, through WorkflowTestRunner in fast mode (and,
 * with --faithful, the same sessions in faithful mode), with the store
 * servers already up as a jest global setup leaves them. Not a test: it
 * prints figures.
 *
 *   node -r ./toolkit/dev/from-sources.js bench/test-runner.ts [--faithful] [--runs N]
 *
 * Each figure is the median wall time of WorkflowTestRunner.run (session
 * start to the last invocation drained, then the result read back: every
 * instance's input and output), after one warm-up run; memory is the
 * process's peak resident set (the runtime and user code run in it in fast
 * mode; the sandboxes' memory is not counted in faithful mode).
 */
import { cpus } from 'os';
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

async function measure(runner: WorkflowTestRunner, workflow: string, expected: number, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = -1; i < n; i++) {
    const t0 = now();
    const result = await runner.run({ workflow, input: 0 });
    const ms = now() - t0;
    if (result.status !== 'SUCCEEDED' || result.output !== expected) {
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
      } finally {
        await runner.stop();
      }
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
