import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import { suppressNag } from './private/nag';
import { grantKey } from './private/store-grants';
import { ATTR } from './protocol/keys';
import {
  CLEANUP_ITEM_ACTIONS, CLEANUP_OBJECT_ACTIONS, FUNCTION_ITEM_ACTIONS, FUNCTION_OBJECT_ACTIONS, READ_ITEM_ACTIONS, READ_OBJECT_ACTIONS,
} from './protocol/permissions';

/** The store that workflow functions checkpoint into and coordinate through. */
export interface IIntermediaryStore extends IConstruct {
  /** Name of the DynamoDB table. */
  readonly tableName: string;
  /** ARN of the DynamoDB table. */
  readonly tableArn: string;
  /** Name of the S3 bucket for large payloads, if the store has one. */
  readonly bucketName?: string;
  /** ARN of the S3 bucket for large payloads, if the store has one. */
  readonly bucketArn?: string;
  /** How long items live before DynamoDB's TTL (and the bucket's lifecycle) removes them. */
  readonly timeToLive: Duration;
  /** Customer managed key of the table and bucket, if any. */
  readonly encryptionKey?: kms.IKey;

  /**
   * Read and write every workflow's items and payload objects. Workflow
   * functions get narrower, per-workflow grants; use UnumWorkflow's
   * grantStart/grantRead for one workflow's clients.
   */
  grantReadWrite(grantee: iam.IGrantable): iam.Grant;

  /** Read every workflow's sessions, results and payload objects (UnumWorkflow.grantRead reads one workflow's). */
  grantRead(grantee: iam.IGrantable): iam.Grant;
}

/** Properties of an IntermediaryStore. */
export interface IntermediaryStoreProps {
  /**
   * How long checkpoints, join state and payloads are kept.
   * @default Duration.days(7)
   */
  readonly timeToLive?: Duration;
  /**
   * What happens to the table and bucket when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Point-in-time recovery of the table. Intermediate data expires within the
   * TTL, so backups are rarely worth their cost.
   * @default false
   */
  readonly pointInTimeRecovery?: boolean;
  /**
   * Customer managed KMS key for the table and the bucket.
   * @default - AWS owned key for the table, S3 managed keys for the bucket
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Bucket for S3 server access logs of the payload bucket.
   * @default - no access logs
   */
  readonly serverAccessLogsBucket?: s3.IBucket;
}

/** Attributes to import an existing store. */
export interface IntermediaryStoreAttributes {
  /** Name of a table with string partition key `pk`, string sort key `sk` and TTL attribute `expiresAt`. */
  readonly tableName: string;
  /**
   * Bucket for payloads above the inline threshold.
   * @default - no bucket: payloads above the threshold fail with a clear error
   */
  readonly bucketName?: string;
  /**
   * TTL that the workflow functions write on items.
   * @default Duration.days(7)
   */
  readonly timeToLive?: Duration;
  /**
   * Key the table and bucket are encrypted with.
   * @default - not a customer managed key
   */
  readonly encryptionKey?: kms.IKey;
}

/** Store-wide grants cover what any workflow's runtime (eager cleanup included) or client calls. */
const TABLE_ACTIONS = [...FUNCTION_ITEM_ACTIONS, ...CLEANUP_ITEM_ACTIONS];
const OBJECT_ACTIONS = [...FUNCTION_OBJECT_ACTIONS, ...CLEANUP_OBJECT_ACTIONS];
/** The runtime writes payload objects under this prefix only. */
const PAYLOAD_PREFIX = 'unum/*';

/**
 * The intermediary store: a DynamoDB table (on-demand, string `pk`/`sk`,
 * TTL on `expiresAt`) for checkpoints, sessions and join state, and an S3
 * bucket (no public access, TLS only, expiring objects) for payloads too
 * large to pass inline. One store can serve several workflows.
 */
export class IntermediaryStore extends Construct implements IIntermediaryStore {
  /** Import a store by table name (no payload bucket). */
  public static fromTableName(scope: Construct, id: string, tableName: string): IIntermediaryStore {
    return IntermediaryStore.fromAttributes(scope, id, { tableName });
  }

  /** Import an existing store. */
  public static fromAttributes(scope: Construct, id: string, attrs: IntermediaryStoreAttributes): IIntermediaryStore {
    return new ImportedStore(scope, id, attrs);
  }

  public readonly table: dynamodb.Table;
  public readonly bucket: s3.Bucket;
  public readonly tableName: string;
  public readonly tableArn: string;
  public readonly bucketName?: string;
  public readonly bucketArn?: string;
  public readonly timeToLive: Duration;
  public readonly encryptionKey?: kms.IKey;

  constructor(scope: Construct, id: string, props: IntermediaryStoreProps = {}) {
    super(scope, id);
    this.timeToLive = props.timeToLive ?? Duration.days(7);
    this.encryptionKey = props.encryptionKey;
    if (!this.timeToLive.isUnresolved() && this.timeToLive.toSeconds() < 3600) {
      throw new Error(`IntermediaryStore '${id}': timeToLive must be at least one hour so running sessions keep their data (got ${this.timeToLive.toHumanString()})`);
    }
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: ATTR.PK, type: dynamodb.AttributeType.STRING },
      sortKey: { name: ATTR.SK, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: ATTR.TTL,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: props.pointInTimeRecovery ?? false },
      encryption: props.encryptionKey ? dynamodb.TableEncryption.CUSTOMER_MANAGED : dynamodb.TableEncryption.AWS_MANAGED,
      encryptionKey: props.encryptionKey,
      removalPolicy,
    });
    this.bucket = new s3.Bucket(this, 'Payloads', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: props.encryptionKey ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED,
      encryptionKey: props.encryptionKey,
      bucketKeyEnabled: props.encryptionKey ? true : undefined,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.serverAccessLogsBucket,
      lifecycleRules: [{
        // Whole days, rounded up, so no payload disappears before its checkpoint.
        expiration: this.timeToLive.isUnresolved() ? Duration.days(7) : Duration.days(Math.ceil(this.timeToLive.toHours() / 24)),
        abortIncompleteMultipartUploadAfter: Duration.days(1),
      }],
      removalPolicy,
    });
    if (!props.pointInTimeRecovery) {
      suppressNag(this.table, [{ id: 'AwsSolutions-DDB3', reason: 'Intermediate workflow data expires through TTL within days; set pointInTimeRecovery to back it up anyway' }]);
    }
    if (!props.serverAccessLogsBucket) {
      suppressNag(this.bucket, [{ id: 'AwsSolutions-S1', reason: 'Transient payloads read only by workflow functions; set serverAccessLogsBucket to log access' }]);
    }
    this.tableName = this.table.tableName;
    this.tableArn = this.table.tableArn;
    this.bucketName = this.bucket.bucketName;
    this.bucketArn = this.bucket.bucketArn;
  }

  public grantReadWrite(grantee: iam.IGrantable): iam.Grant {
    return grantStoreAccess(grantee, this, TABLE_ACTIONS, OBJECT_ACTIONS);
  }

  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return grantStoreAccess(grantee, this, READ_ITEM_ACTIONS, READ_OBJECT_ACTIONS);
  }
}

class ImportedStore extends Construct implements IIntermediaryStore {
  public readonly tableName: string;
  public readonly tableArn: string;
  public readonly bucketName?: string;
  public readonly bucketArn?: string;
  public readonly timeToLive: Duration;
  public readonly encryptionKey?: kms.IKey;

  constructor(scope: Construct, id: string, attrs: IntermediaryStoreAttributes) {
    super(scope, id);
    const stack = Stack.of(this);
    this.tableName = attrs.tableName;
    this.tableArn = stack.formatArn({ service: 'dynamodb', resource: 'table', resourceName: attrs.tableName });
    this.bucketName = attrs.bucketName;
    this.bucketArn = attrs.bucketName ? stack.formatArn({ service: 's3', region: '', account: '', resource: attrs.bucketName }) : undefined;
    this.timeToLive = attrs.timeToLive ?? Duration.days(7);
    this.encryptionKey = attrs.encryptionKey;
  }

  public grantReadWrite(grantee: iam.IGrantable): iam.Grant {
    return grantStoreAccess(grantee, this, TABLE_ACTIONS, OBJECT_ACTIONS);
  }

  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return grantStoreAccess(grantee, this, READ_ITEM_ACTIONS, READ_OBJECT_ACTIONS);
  }
}

function grantStoreAccess(grantee: iam.IGrantable, store: IIntermediaryStore,
  tableActions: readonly string[], objectActions: readonly string[]): iam.Grant {
  const grant = iam.Grant.addToPrincipal({ grantee, actions: [...tableActions], resourceArns: [store.tableArn] });
  if (store.bucketArn) {
    iam.Grant.addToPrincipal({ grantee, actions: [...objectActions], resourceArns: [`${store.bucketArn}/${PAYLOAD_PREFIX}`] });
  }
  grantKey(grantee, store, objectActions.includes('s3:PutObject'));
  return grant;
}
