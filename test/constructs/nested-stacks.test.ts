import { App, NestedStack, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Chain, Map, UnumWorkflow } from '../../src';
import { fn } from '../support/shapes';
import { findDependencyCycle } from '../support/template-graph';

/**
 * CloudFormation caps a stack at 500 resources and each function takes
 * three (function, role, policy): large workflows put their functions in
 * nested stacks while the workflow (store, layer) stays in the parent.
 */
test('functions in nested stacks join a workflow in the parent stack', () => {
  const app = new App();
  const parent = new Stack(app, 'Parent', { env: { account: '123456789012', region: 'us-east-1' } });
  const left = new NestedStack(parent, 'Left');
  const right = new NestedStack(parent, 'Right');
  const a = fn(left, 'A');
  const b = fn(right, 'B');
  const c = fn(right, 'C');
  new UnumWorkflow(parent, 'Flow', { definition: Chain.start(a).next(new Map(parent, 'Each').itemProcessor(b)).next(c) });
  const assembly = app.synth();
  const parentTemplate = Template.fromStack(parent);
  parentTemplate.resourceCountIs('AWS::CloudFormation::Stack', 2);
  parentTemplate.resourceCountIs('AWS::DynamoDB::Table', 1);
  const nested = Template.fromStack(right);
  nested.resourceCountIs('AWS::Lambda::Function', 2);
  const env = Object.values(nested.findResources('AWS::Lambda::Function'))[0].Properties.Environment.Variables;
  expect(env.UNUM_TABLE).toEqual({ Ref: expect.stringMatching(/referencetoParent.*Table/) });
  expect(a.functionName).toMatch(/^Parent-Left-A-[0-9a-f]{8}$/);
  for (const stack of assembly.stacks) expect(findDependencyCycle(stack.template)).toBeUndefined();
});
