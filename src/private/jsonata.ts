import { assertKnownAtSynth } from './tokens';
import { isJsonataExpression, jsonataFlowProblems, JsonataTransition, jsonataTemplateProblems } from '../protocol/jsonata';

/** The problems of a value that must be one `{% %}` JSONata expression, naming `field`. */
export function expressionProblemsOf(value: unknown, field: string): string[] {
  if (!isJsonataExpression(value)) return [`${field}: ${JSON.stringify(value)} must be a JSONata expression of the form '{% expression %}'`];
  return jsonataTemplateProblems(value, field);
}

/**
 * A catcher's or Choice's JSONata `outputs` and `assign` in protocol form (undefined: neither is set); throws
 * naming `where` when a value is a token or an expression does not parse or a variable name is not one.
 */
export function jsonataTransition(
  where: string, tokenWhere: string, outputs: unknown, assign: Record<string, unknown> | undefined,
): JsonataTransition | undefined {
  if (outputs === undefined && assign === undefined) return undefined;
  assertKnownAtSynth(tokenWhere, 'outputs', outputs);
  assertKnownAtSynth(tokenWhere, 'assign', assign);
  const problems = jsonataFlowProblems({ output: outputs, assign });
  if (problems.length > 0) throw new Error(`${where} ${problems.join('; ')}`);
  return { ...(outputs !== undefined ? { output: outputs } : {}), ...(assign !== undefined ? { assign } : {}) };
}
