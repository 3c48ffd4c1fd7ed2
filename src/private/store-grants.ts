import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { NagSuppression } from './nag';
import { START_OBJECT_NAME, workflowKeyPrefix, workflowObjectPrefix } from '../protocol/keys';
import type { IIntermediaryStore } from '../store';

/** What a grantee may do with one workflow's part of a store. */
export interface WorkflowDataAccess {
  readonly itemActions: readonly string[];
  readonly objectActions: readonly string[];
  /**
   * Object keys below the workflow's prefix the object actions apply to.
   * @default '*' (every object of the workflow)
   */
  readonly objectPattern?: string;
}

/**
 * Grants access to one workflow's items and payload objects only: the
 * table's actions are bounded by `dynamodb:LeadingKeys` to partition keys
 * starting with the workflow's prefix (every key starts with it, see
 * protocol/keys.ts), the bucket's to the workflow's object prefix. None of
 * the granted table actions is a Scan, which has no leading key (an empty
 * key set would satisfy ForAllValues). Use this for every role that touches
 * a workflow's data (functions, clients, the failure recorder).
 */
export function grantWorkflowData(grantee: iam.IGrantable, store: IIntermediaryStore, workflow: string, access: WorkflowDataAccess): iam.Grant {
  let grant = iam.Grant.drop(grantee, 'no access');
  if (access.itemActions.length > 0) {
    grant = iam.Grant.addToPrincipal({
      grantee,
      actions: [...access.itemActions],
      resourceArns: [store.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${workflowKeyPrefix(workflow)}*`] } },
    });
  }
  if (store.bucketArn && access.objectActions.length > 0) {
    const objects = iam.Grant.addToPrincipal({
      grantee,
      actions: [...access.objectActions],
      resourceArns: [`${store.bucketArn}/${workflowObjectPrefix(workflow)}${access.objectPattern ?? '*'}`],
    });
    grant = access.itemActions.length > 0 ? grant.combine(objects) : objects;
  }
  const writes = access.objectActions.includes('s3:PutObject') || access.itemActions.some((a) => a === 'dynamodb:PutItem' || a === 'dynamodb:UpdateItem');
  grantKey(grantee, store, writes);
  return grant;
}

/**
 * The store's key, if customer managed. KMS cannot tell workflows apart
 * here (the table's and bucket's key is shared); the data itself stays
 * bounded by the grants above, without which the key decrypts nothing.
 */
export function grantKey(grantee: iam.IGrantable, store: IIntermediaryStore, writes: boolean): void {
  if (!store.encryptionKey) return;
  // Named actions rather than grantEncryptDecrypt's kms:ReEncrypt* / kms:GenerateDataKey* wildcards.
  const keyActions = writes ? ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'] : ['kms:Decrypt', 'kms:DescribeKey'];
  store.encryptionKey.grant(grantee, ...keyActions);
}

/** Invoking functions by the exact names the runtime invokes (`name` or `name:alias`; never a qualifier wildcard). */
export function grantInvokeByName(grantee: iam.IGrantable, scope: Stack, functionNames: readonly string[]): iam.Grant {
  return iam.Grant.addToPrincipal({
    grantee,
    actions: ['lambda:InvokeFunction'],
    resourceArns: functionNames.map((name) => scope.formatArn({
      service: 'lambda', resource: 'function', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    })),
  });
}

/**
 * The only wildcards a workflow grant has on resources, and why they are as
 * narrow as they can be: its payload objects, keyed per session under the
 * workflow's prefix (and a session's start object).
 */
export function wildcardReasons(workflow: string, startObjects = false): NagSuppression[] {
  const prefix = workflowObjectPrefix(workflow).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const start = START_OBJECT_NAME.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return [{
    id: 'AwsSolutions-IAM5',
    reason: `Payload objects are keyed per session under the workflow's own prefix ${workflowObjectPrefix(workflow)}; access is limited to that prefix`,
    appliesTo: [{ regex: `/^Resource::.*\\/${prefix}\\*$/g` }, ...(startObjects ? [{ regex: `/^Resource::.*\\/${prefix}\\*\\/${start}$/g` }] : [])],
  }];
}
