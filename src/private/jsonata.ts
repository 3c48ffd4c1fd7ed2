import { isJsonataExpression, jsonataTemplateProblems } from '../protocol/jsonata';

/** The problems of a value that must be one `{% %}` JSONata expression, naming `field`. */
export function expressionProblemsOf(value: unknown, field: string): string[] {
  if (!isJsonataExpression(value)) return [`${field}: ${JSON.stringify(value)} must be a JSONata expression of the form '{% expression %}'`];
  return jsonataTemplateProblems(value, field);
}
