import { createHash } from 'crypto';
import { Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

const MAX_FUNCTION_NAME = 64;

/**
 * A deterministic physical name for a workflow function. Successors are
 * referenced by name, not by `Ref`, so that loops and back-edges do not form
 * CloudFormation dependency cycles; the name includes the stack name and a
 * hash of the construct path so two stacks never collide.
 */
export function workflowFunctionName(construct: IConstruct): string {
  // Nested stacks have generated names: name functions after the deployed (root) stack.
  let stack = Stack.of(construct);
  while (stack.nestedStackParent) stack = stack.nestedStackParent;
  const stackName = Token.isUnresolved(stack.stackName) ? stack.node.id : stack.stackName;
  const relative = construct.node.scopes.slice(stack.node.scopes.length).map((c) => c.node.id);
  const hash = createHash('sha256').update(`${stackName}/${construct.node.path}`).digest('hex').slice(0, 8);
  const readable = [stackName, ...relative].join('-').replace(/[^A-Za-z0-9_-]/g, '');
  return `${readable.slice(0, MAX_FUNCTION_NAME - hash.length - 1)}-${hash}`;
}

export function isValidFunctionName(name: string): boolean {
  return /^[A-Za-z0-9_-]{1,64}$/.test(name);
}
