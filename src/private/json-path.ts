import { IResolvable, IResolveContext, Token, Tokenization } from 'aws-cdk-lib';

/**
 * A JSONPath or intrinsic expression held in a Token, so that
 * `JsonPath.stringAt('$.x')` can stand where a string, number or list is
 * expected; payload templates render it as a `key.$` entry at synth.
 */
export class JsonPathToken implements IResolvable {
  public static isJsonPathToken(x: unknown): x is JsonPathToken {
    return x instanceof JsonPathToken;
  }

  public readonly creationStack: string[] = [];

  constructor(public readonly expression: string) {}

  public resolve(_context: IResolveContext): string {
    return this.expression;
  }

  public toString(): string {
    return Token.asString(this, { displayHint: this.expression });
  }

  public toJSON(): string {
    return `<path:${this.expression}>`;
  }
}

/** The JsonPathToken a value stands for (a string, number or list encoding one, or the token itself). */
export function jsonPathTokenOf(value: unknown): JsonPathToken | undefined {
  if (JsonPathToken.isJsonPathToken(value)) return value;
  let token: IResolvable | undefined;
  if (typeof value === 'string') {
    const fragments = Tokenization.reverseString(value);
    token = fragments.length === 1 ? fragments.firstToken : undefined;
  } else if (typeof value === 'number') {
    token = Tokenization.reverseNumber(value);
  } else if (Array.isArray(value)) {
    token = Tokenization.reverseList(value);
  }
  return JsonPathToken.isJsonPathToken(token) ? token : undefined;
}

/** True when a string mixes a JsonPathToken with other text (`'id-' + JsonPath.stringAt('$.x')`). */
export function embedsJsonPathToken(value: string): boolean {
  return Token.isUnresolved(value) && Tokenization.reverseString(value).tokens.some((t) => JsonPathToken.isJsonPathToken(t));
}

/** The expression text of an intrinsic argument: a token's path or call, a quoted string, or a JSON literal. */
export function intrinsicArgument(value: unknown): string {
  const token = jsonPathTokenOf(value);
  if (token) return token.expression;
  if (typeof value === 'string') {
    if (embedsJsonPathToken(value)) throw new Error(`a JsonPath value is embedded in the string '${value}': pass it as its own argument`);
    return `'${value.replace(/[\\'{}]/g, (c) => `\\${c}`)}'`;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return JSON.stringify(value);
  throw new Error(`intrinsic arguments must be strings, numbers, booleans or JsonPath values, got ${JSON.stringify(value)}`);
}

/** Renders `JsonPath.*` values in a payload template into Step Functions' `key.$` form, at any depth. */
export function renderTemplate(template: unknown, where: string): unknown {
  if (Array.isArray(template)) {
    if (jsonPathTokenOf(template)) throw new Error(`${where}: a JsonPath list cannot stand in an array by itself; put it in an object field`);
    return template.map((t, i) => {
      if (jsonPathTokenOf(t)) throw new Error(`${where}[${i}]: a JsonPath value cannot be an array element; put it in an object field ({ 'key': JsonPath... })`);
      return renderTemplate(t, `${where}[${i}]`);
    });
  }
  if (template === null || typeof template !== 'object' || Token.isUnresolved(template) && !JsonPathToken.isJsonPathToken(template)) return template;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(template as Record<string, unknown>)) {
    const token = jsonPathTokenOf(value);
    if (token) {
      if (key.endsWith('.$')) throw new Error(`${where}.${key}: a JsonPath value goes under a key without '.$' (it is added at synth)`);
      out[`${key}.$`] = token.expression;
    } else if (typeof value === 'string' && embedsJsonPathToken(value)) {
      throw new Error(`${where}.${key}: a JsonPath value is embedded in a larger string ('${value}'); build the string with JsonPath.format('...{}...', value)`);
    } else {
      out[key] = renderTemplate(value, `${where}.${key}`);
    }
  }
  return out;
}
