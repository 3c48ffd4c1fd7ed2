import { IChainable } from '../types';

interface Rewirable {
  readonly id: string;
  readonly workflowName?: string;
}

/** Rewiring a state after compilation would leave the deployed configuration stale. */
export function assertUnbound(state: Rewirable, change: string): void {
  if (state.workflowName !== undefined) {
    throw new Error(`cannot ${change} '${state.id}': it was already compiled into workflow '${state.workflowName}'; finish the definition before creating the UnumWorkflow`);
  }
}

/** A state has one unconditional successor; several concurrent ones are a Parallel. */
export function assertNoNext(state: Rewirable, current: { readonly id: string } | undefined, next: IChainable): void {
  if (current !== undefined) {
    throw new Error(`'${state.id}' already continues to '${current.id}', cannot also continue to '${next.id}'; to run both, put them in the branches of a Parallel`);
  }
}
