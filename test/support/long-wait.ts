import * as path from 'path';
import { Duration, Stack } from 'aws-cdk-lib';
import { Chain, UnumFunction, UnumWorkflow, Wait, WaitTime } from '../../src';

/** A 30-day Wait, then a TimestampPath Wait: both longer than any invocation, so both go through a schedule. */
export function longWaitWorkflow(stack: Stack): UnumWorkflow {
  const functions = path.join(__dirname, '..', 'toolkit-testing', 'apps', 'functions', 'steps.ts');
  return new UnumWorkflow(stack, 'longwait', {
    definition: Chain.start(new UnumFunction(stack, 'Before', { entry: functions, handler: 'identity', timeout: Duration.minutes(1) }))
      .next(new Wait(stack, 'Month', { time: WaitTime.duration(Duration.days(30)) }))
      .next(new Wait(stack, 'Until', { time: WaitTime.timestampPath('$.until') }))
      .next(new UnumFunction(stack, 'After', { entry: functions, handler: 'identity' })),
  });
}
