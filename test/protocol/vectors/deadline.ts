import { file, run, Vector, VectorFile } from './support';
import * as P from '../../../src/protocol';

const START = 1_780_000_000_000;

/** The workflow timeout's arithmetic and its boundary: at the deadline is past it. */
export function deadlineVectors(): VectorFile {
  const cases: Vector[] = [];
  [1, 60, 900, P.MAX_WORKFLOW_TIMEOUT_SECONDS].forEach((seconds) => {
    cases.push(run(`workflowDeadline ${seconds} s`, 'workflowDeadline', P.workflowDeadline, [START, seconds]));
  });
  const deadline = P.workflowDeadline(START, 60);
  const at: Array<[string, number | null, number]> = [
    ['a millisecond before', deadline, deadline - 1],
    ['at the deadline', deadline, deadline],
    ['a millisecond after', deadline, deadline + 1],
    ['long after', deadline, deadline + 365 * 24 * 3600 * 1000],
    ['no deadline', null, START],
    ['deadline 0', 0, 0],
  ];
  at.forEach(([name, d, now]) => cases.push(run(`isPastDeadline ${name}`, 'isPastDeadline', P.isPastDeadline, [d, now])));
  [deadline, deadline + 7, 0, P.workflowDeadline(START, P.MAX_WORKFLOW_TIMEOUT_SECONDS)].forEach((d, i) => {
    cases.push(run(`timeoutCause ${i}`, 'timeoutCause', P.timeoutCause, [d], { json: true }));
  });
  return file('Workflow timeout (src/protocol/deadline.ts): the session deadline, when it has passed, and the States.Timeout cause', cases);
}
