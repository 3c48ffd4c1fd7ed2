import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { suppressNag } from './nag';
import { grantInvokeByName, grantKey } from './store-grants';
import { CALLBACK_OBJECT_DIR } from '../protocol/callback';
import { callbackItemKey, sessionItemKey, sessionObjectPrefix } from '../protocol/keys';
import type { IIntermediaryStore } from '../store';

/** What answering a task token reads and writes (toolkit/src/client/callback.ts): nothing else of the store. */
export const TASK_RESPONSE_ITEM_ACTIONS = ['dynamodb:GetItem', 'dynamodb:UpdateItem'] as const;
export const TASK_RESPONSE_OBJECT_ACTIONS = ['s3:GetObject', 's3:PutObject'] as const;

/**
 * Lets `grantee` answer the workflow's task tokens: read and claim its callback items and read its session items
 * (`dynamodb:LeadingKeys` on those two key prefixes only, built by the protocol's key functions with `*` for what
 * varies), read and write the callbacks' spilled objects, and invoke the callback functions with their resume envelopes.
 */
export function grantTaskResponse(grantee: iam.IGrantable, store: IIntermediaryStore, workflow: string, scope: Stack,
  functionNames: readonly string[]): iam.Grant {
  const any = { workflow, session: '*' };
  let grant = iam.Grant.addToPrincipal({
    grantee,
    actions: [...TASK_RESPONSE_ITEM_ACTIONS],
    resourceArns: [store.tableArn],
    conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [callbackItemKey(any, '*', 0).pk, sessionItemKey(any).pk] } },
  });
  const objects = `${sessionObjectPrefix(any)}${CALLBACK_OBJECT_DIR}/*`;
  if (store.bucketArn) {
    grant = grant.combine(iam.Grant.addToPrincipal({ grantee, actions: [...TASK_RESPONSE_OBJECT_ACTIONS], resourceArns: [`${store.bucketArn}/${objects}`] }));
  }
  grantKey(grantee, store, true);
  grant = grant.combine(grantInvokeByName(grantee, scope, functionNames));
  const principal = grantee.grantPrincipal;
  const policy = principal instanceof iam.Role ? principal.node.tryFindChild('DefaultPolicy') : undefined;
  if (policy) {
    suppressNag(policy, [{
      id: 'AwsSolutions-IAM5',
      reason: `Callback outputs and resume envelopes are keyed per session and instance under ${objects}; access is limited to them`,
      appliesTo: [{ regex: `/^Resource::.*\\/${objects.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$/g` }],
    }]);
  }
  return grant;
}
