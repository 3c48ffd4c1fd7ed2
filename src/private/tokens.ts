import { IResolvable, Reference, Token, Tokenization } from 'aws-cdk-lib';

/**
 * Unresolved Tokens in validation messages. A Token prints as
 * `${Token[TOKEN.225]}` (or a huge negative number), which says nothing; these
 * helpers name it by what it refers to when CDK knows (`<token: Ref of
 * Stack/Stage>`), and find the Tokens in values that the compiled function
 * configuration must carry as literals.
 */

const STRING_TOKEN = /\$\{Token\[[^\]]+\]\}/g;

/** How `value` reads in a message: Tokens replaced by readable stand-ins, other values as JSON (strings as they are). */
export function readable(value: unknown): string {
  if (typeof value === 'number') return Token.isUnresolved(value) ? describeToken(Tokenization.reverseNumber(value)) : String(value);
  if (typeof value === 'string') return value.replace(STRING_TOKEN, (marker) => describeToken(Tokenization.reverseString(marker).firstToken));
  if (Token.isUnresolved(value)) return describeToken(Tokenization.reverse(value));
  try {
    return JSON.stringify(value, (_key, v) => (Token.isUnresolved(v) ? readable(v) : v)) ?? String(value);
  } catch {
    return String(value);
  }
}

function describeToken(token: IResolvable | undefined): string {
  if (token instanceof Reference) return `<token: ${token.displayName} of ${token.target.node.path}>`;
  return '<token>';
}

/** Dotted paths (`parameters.key`) of the unresolved Tokens in `value`, searched deeply. */
export function tokenFields(field: string, value: unknown): string[] {
  if (Token.isUnresolved(value)) return [field];
  if (Array.isArray(value)) return value.flatMap((v, i) => tokenFields(`${field}[${i}]`, v));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [...(Token.isUnresolved(k) ? [`${field} (a key)`] : []), ...tokenFields(`${field}.${k}`, v)]);
  }
  return [];
}

/**
 * Refuses a value synth must know, naming it readably: JSONPaths and the
 * rest of a state's settings are compiled into its function's
 * configuration (plain, gzipped or in a layer file), which a deploy-time
 * value cannot reach, and synth checks them.
 */
export function assertKnownAtSynth(where: string, field: string, value: unknown): void {
  const fields = tokenFields(field, value);
  if (fields.length === 0) return;
  throw new Error(`${where}: ${fields.join(', ')} ${fields.length === 1 ? 'is a deploy-time value' : 'are deploy-time values'} (${readable(value)}); `
    + 'it is compiled into the function\'s configuration and checked at synth, so it must be a literal: '
    + 'pass the value itself (a JSONPath such as \'$.items\', a number), not a parameter, import or attribute');
}
