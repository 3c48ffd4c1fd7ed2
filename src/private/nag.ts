import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * A cdk-nag rule suppression with its reason, written as the resource
 * metadata cdk-nag reads, so the library needs no dependency on cdk-nag.
 * `appliesTo` narrows it to findings such as one wildcard resource.
 */
export interface NagSuppression {
  readonly id: string;
  readonly reason: string;
  readonly appliesTo?: ReadonlyArray<string | { regex: string }>;
}

/** Adds suppressions to the CloudFormation resource behind `construct`, keeping existing ones. */
export function suppressNag(construct: IConstruct, suppressions: readonly NagSuppression[]): void {
  const resource = (construct instanceof CfnResource ? construct : construct.node.defaultChild) as CfnResource | undefined;
  if (!resource) return;
  const existing = (resource.getMetadata('cdk_nag') as { rules_to_suppress?: unknown[] } | undefined)?.rules_to_suppress ?? [];
  const added = suppressions.map((s) => ({ id: s.id, reason: s.reason, ...(s.appliesTo ? { applies_to: s.appliesTo } : {}) }));
  resource.addMetadata('cdk_nag', { rules_to_suppress: [...existing, ...added] });
}
