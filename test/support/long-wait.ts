import * as path from 'path';
import { Duration, Stack } from 'aws-cdk-lib';
import { Chain, UnumFunction, UnumWorkflow, Wait, WaitTime } from '../../src';

const STEPS = path.join(__dirname, '..', 'toolkit-testing', 'apps', 'functions', 'steps.ts');

/**
 * A 30-day Wait, then a TimestampPath Wait: both longer than any invocation, so both go through a schedule.
 * `node` makes the function before them (default: Node.js, returning its input).
 */
export function longWaitWorkflow(stack: Stack, name = 'longwait',
  node: (id: string) => UnumFunction = (id) => new UnumFunction(stack, id, { entry: STEPS, handler: 'identity', timeout: Duration.minutes(1) })): UnumWorkflow {
  const prefix = name === 'longwait' ? '' : name;
  return new UnumWorkflow(stack, name, {
    definition: Chain.start(node(`${prefix}Before`))
      .next(new Wait(stack, `${prefix}Month`, { time: WaitTime.duration(Duration.days(30)) }))
      .next(new Wait(stack, `${prefix}Until`, { time: WaitTime.timestampPath('$.until') }))
      .next(new UnumFunction(stack, `${prefix}After`, { entry: STEPS, handler: 'identity' })),
  });
}
