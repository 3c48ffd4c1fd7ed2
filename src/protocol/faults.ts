/**
 * The named steps of the per-invocation sequence where a crash can be
 * injected (UNUM_FAULT_CRASH_AT): the runtime raises at them, the local
 * engine and the CLI offer them, the tests crash at each.
 */
export const FAULT_STEPS = [
  'after-ingress',
  'after-session-create',
  'after-checkpoint-read',
  'after-user-code',
  'after-checkpoint-write',
  'after-first-successor-invoke',
  'after-join-arrive',
  'after-join-complete',
  'after-session-end',
] as const;

export type FaultStep = typeof FAULT_STEPS[number];
