import { gunzipSync } from 'zlib';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { UnumHandler } from '../../lambda-runtime';
import { UnumFunction, UnumWorkflow, WorkflowDefinition } from '../../src';
import { translateStatesLanguage } from '../../src/importers/asl';
import { translateFaasr } from '../../src/importers/faasr';
import { Plan } from '../../src/importers/plan';
import { ENV, FunctionConfig, RECORDER_HANDLER } from '../../src/protocol';
import { fnName, World } from '../runtime/harness';
import { FIXTURES } from '../support/shapes';

export type Format = 'asl' | 'faasr';

export interface Imported {
  readonly plan: Plan;
  readonly definition: WorkflowDefinition;
  readonly workflow: UnumWorkflow;
  readonly template: Template;
  /** Compiled configuration per node, read back from the synthesized functions. */
  readonly configs: FunctionConfig[];
}

/**
 * Imports a definition into a stack with one UnumFunction per task
 * (function name `fn-<node>`, as the runtime harness names them), keyed as
 * `keyOf` says (default: the state name), and synthesizes it.
 */
type KeyOf = (task: { id: string; keys: readonly string[] }) => string;

export function importDefinition(format: Format, json: string, keyOf: KeyOf = (t) => t.keys[0]): Imported {
  const plan = format === 'asl' ? translateStatesLanguage(json) : translateFaasr(json);
  const app = new App();
  const stack = new Stack(app, 'Imported', { env: { account: '123456789012', region: 'us-east-1' } });
  const functions: Record<string, UnumFunction> = {};
  for (const s of plan.states) {
    if (s.kind !== 'task' || s.builtin) continue;
    functions[keyOf({ id: s.id, keys: s.functionKeys })] = new UnumFunction(stack, s.id, {
      code: lambda.Code.fromAsset(FIXTURES), handler: 'index.handler', functionName: fnName(s.id),
    });
  }
  const definition = format === 'asl'
    ? WorkflowDefinition.fromStatesLanguage(stack, 'Definition', json, { functions })
    : WorkflowDefinition.fromFaasr(stack, 'Definition', json, { functions });
  const workflow = new UnumWorkflow(stack, 'Workflow', { definition, workflowName: 'wf' });
  const template = Template.fromStack(stack);
  const configs = workflow.functions.map((f) => readConfig(f._environment));
  return { plan, definition, workflow, template, configs };
}

function readConfig(env: Record<string, string>): FunctionConfig {
  if (env[ENV.CONFIG]) return JSON.parse(env[ENV.CONFIG]);
  return JSON.parse(gunzipSync(Buffer.from(env[ENV.CONFIG_GZIP], 'base64')).toString());
}

/** Deploys the compiled configurations into a runtime test world with the given handlers (default: identity). */
export function deployImported(world: World, imported: Imported, handlers: Record<string, UnumHandler>): void {
  const entry = imported.configs.find((c) => c.entry)!;
  const ordered = [entry, ...imported.configs.filter((c) => c !== entry)];
  world.deploy('wf', ordered.map((c) => ({
    node: c.node,
    entry: c.entry,
    next: c.next,
    retry: [...c.retry],
    catch: [...c.catch],
    ...(c.dataFlow ? { dataFlow: c.dataFlow } : {}),
    ...(c.timeoutSeconds !== undefined ? { timeoutSeconds: c.timeoutSeconds } : {}),
    ...(c.start ? { start: c.start } : {}),
    handler: handlers[c.node] ?? ((x: unknown) => x),
  })));
}

/** The workflow's node functions in a template: every Lambda function but the workflow's failure recorder. */
export function nodeFunctionCount(template: Template): number {
  return Object.values(template.findResources('AWS::Lambda::Function')).filter((f) => f.Properties.Handler !== RECORDER_HANDLER).length;
}
