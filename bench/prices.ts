/** The published prices live with the toolkit, whose session reports price a session too. */
export { PRICES } from '../toolkit/src/local/prices';

/**
 * Assumption for Step Functions Express duration (it bills the wall-clock
 * time of the whole execution): each task on the critical path takes this
 * long. Local runs cannot tell what a Lambda takes on AWS.
 */
export const EXPRESS_TASK_SECONDS = 0.1;
