import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { suppressNag } from './nag';
import { LOG_ACTIONS } from '../protocol/permissions';

/**
 * The execution role of a function cdk-unum creates: instead of
 * AWSLambdaBasicExecutionRole (logs:* on every log group), it may do
 * nothing yet; `grantLogWrite` and the workflow's grants add the rest.
 */
export function executionRole(scope: Construct): iam.Role {
  return new iam.Role(scope, 'ServiceRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
}

/**
 * Lets Lambda write the function's logs to its log group, and only there
 * (`logGroupArn` ends in `:*`, the group's streams). On an imported role
 * nothing is added: it must allow this already.
 */
export function grantLogWrite(role: iam.IRole, logGroupArn: string): void {
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...LOG_ACTIONS], resources: [logGroupArn] }));
  const policy = role.node.tryFindChild('DefaultPolicy');
  if (!policy) return;
  suppressNag(policy, [{
    id: 'AwsSolutions-IAM5',
    reason: "Lambda writes the function's logs into streams of its own log group only (<log group ARN>:*)",
    // Region and account are literals in an environment-bound stack, pseudo parameters otherwise; a created group's ARN is a GetAtt.
    appliesTo: [{ regex: '/^Resource::(arn:<AWS::Partition>:logs:(<AWS::Region>|[^:]+):(<AWS::AccountId>|[^:]+):log-group:[A-Za-z0-9_/.#-]+:\\*|<[A-Za-z0-9]+\\.Arn>)$/g' }],
  }]);
}
