import { Duration } from 'aws-cdk-lib';
import { assertKnownAtSynth } from './tokens';
import { MAX_WORKFLOW_TIMEOUT_SECONDS } from '../protocol/keys';
import { IChainable } from '../types';
import { WorkflowDefinition } from '../workflow-definition';

/**
 * The whole seconds of UnumWorkflowProps.timeout, checked. It is compiled
 * into the entry's configuration, so a deploy-time value (a Token) cannot
 * reach it and is refused like the other compiled settings. Without it, an
 * imported definition's own timeout (the state machine's TimeoutSeconds)
 * applies.
 */
export function workflowTimeoutSeconds(workflowName: string, timeout: Duration | undefined, definition: IChainable): number | undefined {
  const where = `UnumWorkflow '${workflowName}'`;
  const imported = definition instanceof WorkflowDefinition ? definition.timeout : undefined;
  if (timeout !== undefined && imported !== undefined && !timeout.isUnresolved() && timeout.toMilliseconds() !== imported.toMilliseconds()) {
    throw new Error(`${where}: timeout ${timeout.toHumanString()} differs from the imported definition's TimeoutSeconds `
      + `(${imported.toSeconds()}): remove one of them or make them equal`);
  }
  const chosen = timeout ?? imported;
  if (chosen === undefined) return undefined;
  if (chosen.isUnresolved()) assertKnownAtSynth(where, 'timeout', chosen.formatTokenToNumber());
  const seconds = chosen.toSeconds({ integral: false });
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_WORKFLOW_TIMEOUT_SECONDS) {
    throw new Error(`${where}: timeout must be a whole number of seconds from 1 to ${MAX_WORKFLOW_TIMEOUT_SECONDS} `
      + `(one year, Step Functions' longest execution); got ${chosen.toHumanString()}`);
  }
  return seconds;
}
