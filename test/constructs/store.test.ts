import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IntermediaryStore } from '../../src';

const newStack = () => new Stack(new App(), 'S', { env: { account: '123456789012', region: 'us-east-1' } });

describe('IntermediaryStore', () => {
  test('defaults: on-demand table with string keys and TTL, private TLS-only expiring bucket', () => {
    const stack = newStack();
    new IntermediaryStore(stack, 'Store');
    const t = Template.fromStack(stack);
    t.hasResource('AWS::DynamoDB::Table', {
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false },
        SSESpecification: { SSEEnabled: true },
      },
      DeletionPolicy: 'Retain',
    });
    t.hasResource('AWS::S3::Bucket', {
      Properties: {
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        LifecycleConfiguration: { Rules: [{ ExpirationInDays: 7, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' }] },
      },
      DeletionPolicy: 'Retain',
    });
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('options: TTL rounds bucket expiry up to whole days, PITR, KMS key, removal policy', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key');
    new IntermediaryStore(stack, 'Store', {
      timeToLive: Duration.hours(30), pointInTimeRecovery: true, encryptionKey: key, removalPolicy: RemovalPolicy.DESTROY,
    });
    const t = Template.fromStack(stack);
    t.hasResource('AWS::DynamoDB::Table', {
      Properties: {
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } },
      },
      DeletionPolicy: 'Delete',
    });
    t.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }] },
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 2 })] },
    });
  });

  test('a TTL shorter than an hour is rejected', () => {
    expect(() => new IntermediaryStore(newStack(), 'Store', { timeToLive: Duration.minutes(5) }))
      .toThrow(/IntermediaryStore 'Store': timeToLive must be at least one hour/);
  });

  test('grantReadWrite: what any workflow of the store calls, on the table and under unum/ only', () => {
    const stack = newStack();
    const store = new IntermediaryStore(stack, 'Store');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    store.grantReadWrite(role);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{
          Effect: 'Allow',
          Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:BatchWriteItem'],
          Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^StoreTable'), 'Arn'] },
        }, {
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^StorePayloads'), 'Arn'] }, '/unum/*']] },
        }],
      },
    });
  });

  test('fromAttributes and fromTableName import without creating resources', () => {
    const stack = newStack();
    const imported = IntermediaryStore.fromAttributes(stack, 'Imported', { tableName: 'shared-table', bucketName: 'shared-bucket' });
    const tableOnly = IntermediaryStore.fromTableName(stack, 'TableOnly', 'other-table');
    expect(stack.resolve(imported.tableArn)).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':dynamodb:us-east-1:123456789012:table/shared-table']] });
    expect(stack.resolve(imported.bucketArn)).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::shared-bucket']] });
    expect(tableOnly.bucketName).toBeUndefined();
    expect(imported.timeToLive.toDays()).toBe(7);
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    tableOnly.grantRead(role);
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::DynamoDB::Table', 0);
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{
          Effect: 'Allow',
          Action: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem'],
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':dynamodb:us-east-1:123456789012:table/other-table']] },
        }],
      },
    });
  });
});
