import { ComparisonOperator, ConditionJson, TypeTestOperator } from './protocol/conditions';

/**
 * A rule over a function's output, evaluated by the runtime (never with
 * `eval`). Variables are Step Functions paths: `$.field`, `$.list[0]`,
 * `$['key']`, and indefinite ones (`$.items[*].id`, `$.a[1:]`, `$..x`,
 * `$.items[?(@.price > 10)]`), which give a list. Mirrors `aws-stepfunctions.Condition`. Paths are checked when
 * the condition is given to `Choice.when()`, so the error can name the Choice.
 */
export abstract class Condition {
  /** The variable exists. */
  public static isPresent(variable: string): Condition { return typeTest('isPresent', variable, true); }
  /** The variable does not exist. */
  public static isNotPresent(variable: string): Condition { return typeTest('isPresent', variable, false); }
  /** The variable is JSON null. */
  public static isNull(variable: string): Condition { return typeTest('isNull', variable, true); }
  /** The variable exists and is not null. */
  public static isNotNull(variable: string): Condition { return typeTest('isNull', variable, false); }
  /** The variable is a string. */
  public static isString(variable: string): Condition { return typeTest('isString', variable, true); }
  /** The variable is a number. */
  public static isNumeric(variable: string): Condition { return typeTest('isNumeric', variable, true); }
  /** The variable is a boolean. */
  public static isBoolean(variable: string): Condition { return typeTest('isBoolean', variable, true); }
  /** The variable is an RFC 3339 timestamp string. */
  public static isTimestamp(variable: string): Condition { return typeTest('isTimestamp', variable, true); }

  /** The variable equals the boolean. */
  public static booleanEquals(variable: string, value: boolean): Condition { return compare('booleanEquals', variable, value); }
  /** The variable equals the string. */
  public static stringEquals(variable: string, value: string): Condition { return compare('stringEquals', variable, value); }
  /** The variable sorts before the string. */
  public static stringLessThan(variable: string, value: string): Condition { return compare('stringLessThan', variable, value); }
  /** The variable sorts before or equals the string. */
  public static stringLessThanEquals(variable: string, value: string): Condition { return compare('stringLessThanEquals', variable, value); }
  /** The variable sorts after the string. */
  public static stringGreaterThan(variable: string, value: string): Condition { return compare('stringGreaterThan', variable, value); }
  /** The variable sorts after or equals the string. */
  public static stringGreaterThanEquals(variable: string, value: string): Condition { return compare('stringGreaterThanEquals', variable, value); }
  /** The variable matches a pattern where `*` is any run of characters (`\\*` a literal star). */
  public static stringMatches(variable: string, pattern: string): Condition { return compare('stringMatches', variable, pattern); }
  /** The variable equals the number. */
  public static numberEquals(variable: string, value: number): Condition { return compare('numberEquals', variable, value); }
  /** The variable is less than the number. */
  public static numberLessThan(variable: string, value: number): Condition { return compare('numberLessThan', variable, value); }
  /** The variable is less than or equal to the number. */
  public static numberLessThanEquals(variable: string, value: number): Condition { return compare('numberLessThanEquals', variable, value); }
  /** The variable is greater than the number. */
  public static numberGreaterThan(variable: string, value: number): Condition { return compare('numberGreaterThan', variable, value); }
  /** The variable is greater than or equal to the number. */
  public static numberGreaterThanEquals(variable: string, value: number): Condition { return compare('numberGreaterThanEquals', variable, value); }
  /** The variable equals the timestamp. */
  public static timestampEquals(variable: string, value: string): Condition { return compare('timestampEquals', variable, value); }
  /** The variable is before the timestamp. */
  public static timestampLessThan(variable: string, value: string): Condition { return compare('timestampLessThan', variable, value); }
  /** The variable is before or at the timestamp. */
  public static timestampLessThanEquals(variable: string, value: string): Condition { return compare('timestampLessThanEquals', variable, value); }
  /** The variable is after the timestamp. */
  public static timestampGreaterThan(variable: string, value: string): Condition { return compare('timestampGreaterThan', variable, value); }
  /** The variable is after or at the timestamp. */
  public static timestampGreaterThanEquals(variable: string, value: string): Condition { return compare('timestampGreaterThanEquals', variable, value); }

  /** Compare two variables of the output, e.g. `comparePaths('numberLessThan', '$.used', '$.quota')`. */
  public static comparePaths(comparison: string, variable: string, otherVariable: string): Condition {
    const op = `${comparison}Path`;
    const known = ['string', 'number', 'boolean', 'timestamp'].some((t) => comparison.startsWith(t)) && comparison !== 'stringMatches';
    if (!known) {
      throw new Error(`Condition.comparePaths: '${comparison}' is not a comparison operator such as stringEquals or numberLessThan`);
    }
    return new RenderedCondition({ op: op as `${ComparisonOperator}Path`, path: variable, otherPath: otherVariable });
  }

  /** All of the conditions hold. */
  public static and(...conditions: Condition[]): Condition {
    if (conditions.length === 0) throw new Error('Condition.and needs at least one condition');
    return new RenderedCondition({ op: 'and', conditions: conditions.map((c) => c._toJson()) });
  }

  /** At least one of the conditions holds. */
  public static or(...conditions: Condition[]): Condition {
    if (conditions.length === 0) throw new Error('Condition.or needs at least one condition');
    return new RenderedCondition({ op: 'or', conditions: conditions.map((c) => c._toJson()) });
  }

  /** The condition does not hold. */
  public static not(condition: Condition): Condition {
    return new RenderedCondition({ op: 'not', condition: condition._toJson() });
  }

  /**
   * A JSONata expression, `{% ... %}`, that must evaluate to a boolean
   * (Step Functions' Choice `Condition` of a JSONata state): it reads
   * `$states.input` (the Choice's input), `$states.context` and the
   * workflow variables. It is a whole rule: combine conditions inside the
   * expression (`and`, `or`, `$not()`), not with `Condition.and/or/not`.
   * Checked with jsonata's parser when given to `Choice.when()`.
   */
  public static jsonata(condition: string): Condition {
    return new RenderedCondition({ op: 'jsonata', expression: condition });
  }

  /** The serialized rule, as the runtime reads it. */
  public renderCondition(): any {
    return this._toJson();
  }

  /** @internal */
  public abstract _toJson(): ConditionJson;
}

class RenderedCondition extends Condition {
  constructor(private readonly json: ConditionJson) {
    super();
  }

  public _toJson(): ConditionJson {
    return this.json;
  }
}

function compare(op: ComparisonOperator, variable: string, value: string | number | boolean): Condition {
  if (op.startsWith('number') && !Number.isFinite(value)) {
    throw new Error(`Condition.${op}('${variable}', ${value}): the value must be a finite number`);
  }
  return new RenderedCondition({ op, path: variable, value });
}

function typeTest(op: TypeTestOperator, variable: string, value: boolean): Condition {
  return new RenderedCondition({ op, path: variable, value });
}
