import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { addApiMethod, apiIntegration, eventTarget, grantRead, grantStart, WorkflowEndpoint } from './workflow-access';
import { UnumWorkflowBase } from './workflow-base';
import type { IIntermediaryStore } from '../store';
import type { IUnumWorkflow, UnumWorkflowAttributes } from '../workflow-interface';

/** A workflow defined in another stack or app (`UnumWorkflow.fromWorkflowAttributes`). */
export class ImportedUnumWorkflow extends UnumWorkflowBase implements IUnumWorkflow {
  public readonly workflowName: string;
  public readonly store: IIntermediaryStore;
  public readonly entryFunctionArn: string;
  private readonly endpoint: WorkflowEndpoint;

  constructor(scope: Construct, id: string, attrs: UnumWorkflowAttributes) {
    super(scope, id);
    this.workflowName = attrs.workflowName;
    this.store = attrs.store;
    this.entryFunctionArn = attrs.entryFunctionArn;
    const entryTarget = lambda.Function.fromFunctionAttributes(this, 'EntryFunction', { functionArn: attrs.entryFunctionArn, sameEnvironment: true });
    this.endpoint = { workflowName: this.workflowName, store: this.store, entryFunctionArn: this.entryFunctionArn, entryTarget };
  }

  public grantStart(grantee: iam.IGrantable): iam.Grant {
    return grantStart(grantee, this.endpoint);
  }

  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return grantRead(grantee, this.endpoint);
  }

  public asEventTarget(props?: targets.LambdaFunctionProps): events.IRuleTarget {
    return eventTarget(this.endpoint, props);
  }

  public asApiIntegration(): apigateway.Integration {
    return apiIntegration(this.endpoint);
  }

  public addApiMethod(resource: apigateway.IResource, httpMethod?: string): apigateway.Method {
    return addApiMethod(this.endpoint, resource, httpMethod);
  }
}
