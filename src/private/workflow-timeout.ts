import { Duration } from 'aws-cdk-lib';
import { assertKnownAtSynth } from './tokens';
import { MAX_WORKFLOW_TIMEOUT_SECONDS } from '../protocol/keys';

/**
 * The whole seconds of UnumWorkflowProps.timeout, checked. It is compiled
 * into the entry's configuration, so a deploy-time value (a Token) cannot
 * reach it and is refused like the other compiled settings.
 */
export function workflowTimeoutSeconds(workflowName: string, timeout: Duration | undefined): number | undefined {
  if (timeout === undefined) return undefined;
  const where = `UnumWorkflow '${workflowName}'`;
  if (timeout.isUnresolved()) assertKnownAtSynth(where, 'timeout', timeout.formatTokenToNumber());
  const seconds = timeout.toSeconds({ integral: false });
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_WORKFLOW_TIMEOUT_SECONDS) {
    throw new Error(`${where}: timeout must be a whole number of seconds from 1 to ${MAX_WORKFLOW_TIMEOUT_SECONDS} `
      + `(one year, Step Functions' longest execution); got ${timeout.toHumanString()}`);
  }
  return seconds;
}
