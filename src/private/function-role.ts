import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { suppressNag } from './nag';
import { LOG_ACTIONS } from '../protocol/permissions';

/**
 * The execution role of a function cdk-unum creates: instead of
 * AWSLambdaBasicExecutionRole (logs:* on every log group), it may write only
 * to the function's own log group. Everything else is granted to it later.
 */
export function functionRole(scope: Construct, functionName: string): iam.Role {
  const role = new iam.Role(scope, 'ServiceRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const logGroupArn = Stack.of(scope).formatArn({
    service: 'logs', resource: 'log-group', resourceName: `/aws/lambda/${functionName}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...LOG_ACTIONS], resources: [logGroupArn] }));
  suppressNag(role.node.findChild('DefaultPolicy'), [{
    id: 'AwsSolutions-IAM5',
    reason: "Lambda writes the function's logs into streams of its own log group only (/aws/lambda/<function name>:*)",
    // Region and account are literals in an environment-bound stack, pseudo parameters otherwise.
    appliesTo: [{ regex: '/^Resource::arn:<AWS::Partition>:logs:(<AWS::Region>|[^:]+):(<AWS::AccountId>|[^:]+):log-group:\\/aws\\/lambda\\/[A-Za-z0-9_-]+:\\*$/g' }],
  }]);
  return role;
}
