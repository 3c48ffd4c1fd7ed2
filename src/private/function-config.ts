import { gzipSync } from 'zlib';
import { Token } from 'aws-cdk-lib';
import { Action, ENV, FunctionConfig } from '../protocol/config';

/** Lambda's limit on the total size of a function's environment variables. */
export const LAMBDA_ENVIRONMENT_LIMIT = 4096;

/** Resolved length assumed for a token (a generated table or bucket name) when sizing the environment. */
export const TOKEN_ESTIMATE = 128;

/** Bytes that variables take in the environment; tokens count at a generous estimate. */
export function environmentSize(environment: Readonly<Record<string, string>>): number {
  return Object.entries(environment)
    .reduce((sum, [key, value]) => sum + key.length + (Token.isUnresolved(value) ? TOKEN_ESTIMATE : Buffer.byteLength(value)), 0);
}

/**
 * The environment variable that carries a configuration within `budget`
 * bytes: plain JSON when it fits, else base64 gzip, else undefined (the
 * caller ships it as a file in a layer).
 */
export function configVariable(config: FunctionConfig, budget: number): { name: string; value: string } | undefined {
  const json = JSON.stringify(config);
  if (ENV.CONFIG.length + Buffer.byteLength(json) <= budget) return { name: ENV.CONFIG, value: json };
  const packed = gzipSync(json, { level: 9 }).toString('base64');
  if (ENV.CONFIG_GZIP.length + packed.length <= budget) return { name: ENV.CONFIG_GZIP, value: packed };
  return undefined;
}

/** Function names a configuration may invoke (its successors, catch handlers and join targets). */
export function invokedFunctionNames(config: FunctionConfig): string[] {
  const names = new Set<string>();
  const visit = (action: Action | undefined): void => {
    if (!action) return;
    switch (action.kind) {
      case 'invoke': names.add(action.functionName); break;
      case 'pass': visit(action.next); break;
      case 'fanOutOutput': visit(action.next); break;
      case 'wait': visit(action.next); break;
      case 'choice': action.rules.forEach((r) => visit(r.then)); visit(action.otherwise); break;
      case 'parallel': action.branches.forEach(visit); action.catch?.forEach((c) => visit(c.next)); break;
      case 'map': visit(action.item); visit(action.onEmpty); action.catch?.forEach((c) => visit(c.next)); break;
      case 'join': visit(action.then); break;
      case 'windowJoin': visit(action.then); break;
      case 'dagJoin': visit(action.then); action.ifAllSkipped?.forEach(visit); break;
      case 'skip': action.joins.forEach(visit); visit(action.next); break;
    }
  };
  visit(config.next);
  config.catch.forEach((c) => visit(c.next));
  // The entry runs the start states, which invoke the first functions.
  visit(config.start?.next);
  return [...names].sort();
}
