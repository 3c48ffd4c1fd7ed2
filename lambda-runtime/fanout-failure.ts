import { RedrivePoint, redriveAttrs } from './session';
import { Store } from '../src/client/store';
import {
  ENVELOPE_VERSION, ERROR_EXCEED_TOLERATED, Envelope, FANOUT_ATTEMPT_ATTR, FANOUT_FAILURE_CLAIM_ATTR, FANOUT_ORIGIN_ATTR, FanoutFailure, FanoutOrigin,
  Frame, SessionRef, TOLERATED_FAILURES_ATTR,
  exceedsTolerance, fanoutBranchFailureItemKey, fanoutFailureItemKey, fanoutProgressItemKey, instanceKey, toleratedFailuresItemKey,
} from '../src/protocol';

/** What a failing branch does about its failure, decided against the store (see reportFanoutFailure). */
export type FanoutReport =
  /** No enclosing fan-out handles failures: the session fails. */
  | { readonly kind: 'none' }
  /** Another branch's report holds this attempt's decision, or the attempt was abandoned: nothing more to do. */
  | { readonly kind: 'absorbed'; readonly why: string }
  /** The origin is to be re-invoked with this envelope. */
  | { readonly kind: 'report'; readonly functionName: string; readonly envelope: Envelope }
  /** The fan-out recorded no origin (a configuration from another version). */
  | { readonly kind: 'invalid'; readonly why: string };

/**
 * A branch or item failed for good (its own retries and catches
 * exhausted), or the fan-out's own evaluation failed (`ownFailure`), in `frames`: the innermost frame of a fan-out that handles
 * failures (Frame.attempt) takes it. The failure of an abandoned attempt
 * is dropped; within a Map's tolerance the item is reported as tolerated
 * (`item`); otherwise the first failing branch of the attempt claims the
 * decision with one if_not_exists write, and only the claimant (and its
 * own redeliveries, which carry the same instance) reports to the origin.
 */
export async function reportFanoutFailure(store: Store, ref: SessionRef, frames: readonly Frame[],
  failure: { instance: string; error: string; cause: string }, redrive?: RedrivePoint, ownFailure = false): Promise<FanoutReport> {
  let k = frames.length - 1;
  while (k >= 0 && frames[k].attempt === undefined) k--;
  if (k < 0) return { kind: 'none' };
  const frame = frames[k];
  const attempt = frame.attempt!;
  const instance = instanceKey(frame.fanout, frames.slice(0, k), frame.iteration);
  const originItem = await store.get(fanoutProgressItemKey(ref, instance));
  const text = originItem?.[FANOUT_ORIGIN_ATTR]?.S;
  if (text === undefined) {
    return { kind: 'invalid', why: `'${frame.fanout}' handles failures but recorded no origin to report to (deploy matching cdk-unum versions)` };
  }
  const current = Number(originItem?.[FANOUT_ATTEMPT_ATTR]?.N ?? 0);
  if (current !== attempt) return { kind: 'absorbed', why: `attempt ${attempt} of '${frame.fanout}' was abandoned (attempt ${current} runs)` };
  const origin = JSON.parse(text) as FanoutOrigin;
  let report: FanoutFailure = { instance, attempt, error: failure.error, cause: failure.cause };
  // `ownFailure`: the fan-out's own evaluation failed (its Items, ItemSelector, Arguments, join Output or Assign), not one
  // item, so it is never within the tolerance.
  if (origin.tolerance !== undefined && !ownFailure) {
    // A set of item indexes: a redelivered failure of one item counts once.
    const failed = await store.update(toleratedFailuresItemKey(ref, instance, attempt), { add: '#f :f' }, { '#f': TOLERATED_FAILURES_ATTR },
      { ':f': { SS: [String(frame.index)] } }, undefined, true);
    const count = failed?.[TOLERATED_FAILURES_ATTR]?.SS?.length ?? 1;
    if (!exceedsTolerance(origin.tolerance, count, frame.size)) {
      report = { ...report, item: frame.index };
    } else {
      report = {
        ...report,
        error: ERROR_EXCEED_TOLERATED,
        cause: `map '${frame.fanout}': ${count} of ${frame.size} items failed, more than it tolerates (item ${frame.index}: ${failure.error}: ${failure.cause})`,
      };
    }
  }
  if (report.item === undefined) {
    // Claimant or not, the branch is where a redrive resumes once the origin fails the session for this attempt.
    if (redrive !== undefined) {
      await store.put(fanoutBranchFailureItemKey(ref, instance, attempt, failure.instance),
        { node: { S: redrive.envelope.node }, instance: { S: failure.instance }, ...redriveAttrs(redrive) });
    }
    const before = await store.update(fanoutFailureItemKey(ref, instance, attempt), { set: '#c = if_not_exists(#c, :c)' }, { '#c': FANOUT_FAILURE_CLAIM_ATTR },
      { ':c': { S: failure.instance } }, undefined, 'UPDATED_OLD');
    const holder = before?.[FANOUT_FAILURE_CLAIM_ATTR]?.S;
    if (holder !== undefined && holder !== failure.instance) {
      return { kind: 'absorbed', why: `'${holder}' reported the failure of attempt ${attempt} of '${frame.fanout}' first` };
    }
  }
  return {
    kind: 'report',
    functionName: origin.functionName,
    envelope: {
      unum: ENVELOPE_VERSION,
      workflow: ref.workflow,
      session: ref.session,
      node: origin.node,
      frames: origin.frames,
      iteration: origin.iteration,
      input: { value: null },
      fanoutFailure: report,
      ...(origin.deadline === undefined ? {} : { deadline: origin.deadline }),
      // The origin's variables: its replay hands them to the Retry's branches and the Catch's Output, Assign and handler.
      ...(origin.variables === undefined ? {} : { variables: origin.variables }),
    },
  };
}
