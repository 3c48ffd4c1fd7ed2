import { App, Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import { expectNagClean, nagReport } from './nag-helpers';
import { productionApp } from '../../integ/support/production';
import { Chain, IntermediaryStore, UnumFunction, UnumWorkflow } from '../../src';
import { longWaitWorkflow } from '../support/long-wait';
import { SHAPES, shapeStack } from '../support/shapes';

const ENV = { account: '123456789012', region: 'us-east-1' };

/**
 * Stacks that must pass cdk-nag's AwsSolutions pack with reasoned
 * suppressions only. Add example apps' stacks here as they appear: each
 * entry builds its stack in a fresh App.
 */
const NAG_STACKS: Record<string, (app: App) => Stack> = {
  ...Object.fromEntries(Object.keys(SHAPES).map((shape) => [`shape ${shape}`, (app: App) => shapeStack(app, shape)])),

  'imported store (table, bucket and key from attributes)': (app) => {
    const stack = new Stack(app, 'ImportedStore', { env: ENV });
    const store = IntermediaryStore.fromAttributes(stack, 'Store', {
      tableName: 'unum-shared-store',
      bucketName: 'unum-shared-payloads',
      timeToLive: Duration.days(2),
      encryptionKey: kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab'),
    });
    new UnumWorkflow(stack, 'parallelJoin', { definition: SHAPES.parallelJoin(stack), store });
    return stack;
  },

  'imported store (table name only)': (app) => {
    const stack = new Stack(app, 'ImportedTable', { env: ENV });
    const store = IntermediaryStore.fromTableName(stack, 'Store', 'unum-shared-store');
    new UnumWorkflow(stack, 'mapJoin', { definition: SHAPES.mapJoin(stack), store });
    return stack;
  },

  'store with a customer managed key, PITR and access logs': (app) => {
    const stack = new Stack(app, 'HardenedStore', { env: ENV });
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true, description: 'cdk-unum store' });
    const accessLogs = new s3.Bucket(stack, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
    });
    NagSuppressions.addResourceSuppressions(accessLogs, [{
      id: 'AwsSolutions-S1',
      reason: 'This bucket is the server access log destination; logging it into itself would loop',
    }]);
    const store = new IntermediaryStore(stack, 'Store', {
      encryptionKey: key,
      pointInTimeRecovery: true,
      serverAccessLogsBucket: accessLogs,
    });
    new UnumWorkflow(stack, 'faasr', { definition: SHAPES.faasr(stack), store });
    return stack;
  },

  'a user onFailure of every kind (the failure recorder forwards to each)': (app) => {
    const stack = new Stack(app, 'Destinations', { env: ENV });
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const queue = new sqs.Queue(stack, 'Queue', { enforceSSL: true, encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: key });
    NagSuppressions.addResourceSuppressions(queue, [{ id: 'AwsSolutions-SQS3', reason: 'This queue is itself where failed invocations end up' }]);
    const records = new s3.Bucket(stack, 'Records', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, enforceSSL: true, encryption: s3.BucketEncryption.S3_MANAGED,
    });
    NagSuppressions.addResourceSuppressions(records, [{ id: 'AwsSolutions-S1', reason: 'A test bucket for failure records; access logs are out of scope here' }]);
    const handler = new lambda.Function(stack, 'Mine', {
      runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {};'),
    });
    NagSuppressions.addResourceSuppressions(handler, [
      { id: 'AwsSolutions-IAM4', reason: 'The user\'s own on-failure function, with the basic execution role its author chose' },
      { id: 'AwsSolutions-L1', reason: 'The user\'s own on-failure function pins its runtime' },
    ], true);
    const kinds: lambda.IDestination[] = [
      new destinations.LambdaDestination(handler),
      new destinations.LambdaDestination(handler, { responseOnly: true }),
      new destinations.SqsDestination(queue),
      new destinations.SnsDestination(new sns.Topic(stack, 'Topic', { enforceSSL: true, masterKey: key })),
      new destinations.EventBridgeDestination(new events.EventBus(stack, 'Bus')),
      new destinations.EventBridgeDestination(),
      new destinations.S3Destination(records),
    ];
    const nodes = kinds.map((onFailure, i) => new UnumFunction(stack, `N${i}`, { code: lambda.Code.fromInline('exports.h = async (x) => x;'), handler: 'index.h', onFailure }));
    new UnumWorkflow(stack, 'destinations', { definition: nodes.slice(1).reduce((c, n) => c.next(n), Chain.start(nodes[0])) });
    return stack;
  },
  'an SQS source on the entry alias (an encrypted queue with a dead-letter queue)': (app) => {
    const stack = new Stack(app, 'SqsSource', { env: ENV });
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const dlq = new sqs.Queue(stack, 'Dlq', { enforceSSL: true, encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: key });
    NagSuppressions.addResourceSuppressions(dlq, [{ id: 'AwsSolutions-SQS3', reason: 'This queue is the dead-letter queue of the orders queue' }]);
    const queue = new sqs.Queue(stack, 'Orders', {
      enforceSSL: true,
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: key,
      deadLetterQueue: { queue: dlq, maxReceiveCount: 5 },
      visibilityTimeout: Duration.minutes(6),
    });
    const workflow = new UnumWorkflow(stack, 'mapJoin', { definition: SHAPES.mapJoin(stack), functionDefaults: { aliasName: 'live' } });
    workflow.addSqsSource(queue, { batchSize: 10 });
    return stack;
  },
  // VPC, aliases with provisioned concurrency, JSON logs, tracing (the README's "Running in production").
  'long Waits (a schedule group and the role Scheduler invokes the waiting function with)': (app) => {
    const stack = new Stack(app, 'LongWaits', { env: ENV });
    longWaitWorkflow(stack);
    return stack;
  },
  'production: the workflow stack': (app) => productionApp(app).orders,
  'production: a stack starting it from a rule and reading its sessions': (app) => productionApp(app).shop,
};


describe('cdk-nag AwsSolutions', () => {
  test.each(Object.keys(NAG_STACKS))('%s', (name) => {
    expectNagClean(NAG_STACKS[name](new App()));
  });
});

describe('expectNagClean', () => {
  const bareBucketStack = (): Stack => {
    const stack = new Stack(new App(), 'Bare', { env: ENV });
    new s3.Bucket(stack, 'Bucket');
    return stack;
  };

  test('fails on an unsuppressed finding', () => {
    expect(nagReport(bareBucketStack()).errors).toEqual(expect.arrayContaining([expect.stringMatching(/^\/Bare\/Bucket\/Resource: AwsSolutions-S1:/)]));
    expect(() => expectNagClean(bareBucketStack())).toThrow(/AwsSolutions-S1/);
  });

  test('fails on a suppression without a real reason', () => {
    const lazyStack = (): Stack => {
      const stack = new Stack(new App(), 'Lazy', { env: ENV });
      const bucket = new s3.Bucket(stack, 'Bucket', {
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, enforceSSL: true, encryption: s3.BucketEncryption.S3_MANAGED,
      });
      NagSuppressions.addResourceSuppressions(bucket, [{ id: 'AwsSolutions-S1', reason: 'not needed here' }]);
      return stack;
    };
    const report = nagReport(lazyStack());
    expect(report.errors).toEqual([]);
    expect(report.weakSuppressions).toEqual([expect.stringMatching(/^Bucket[0-9A-F]{8}: AwsSolutions-S1 \("not needed here"\)$/)]);
    expect(() => expectNagClean(lazyStack())).toThrow(/weakSuppressions/);
  });
});
