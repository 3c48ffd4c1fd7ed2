import { expressionProblemsOf } from './private/jsonata';

/**
 * What a JSONata Map iterates over (aws-stepfunctions' `ProvideItems`,
 * Amazon States Language's `Items`): a JSON array, or a JSONata
 * expression that gives one. The JSONPath way is `MapProps.itemsPath`.
 */
export class ProvideItems {
  /** A fixed array; its `{% %}` strings, at any depth, are JSONata expressions evaluated on the Map's input. */
  public static jsonArray(array: any[]): ProvideItems {
    if (!Array.isArray(array)) throw new Error('ProvideItems.jsonArray needs an array');
    return new ProvideItems(array);
  }

  /** A JSONata expression, `{% ... %}`, over `$states.input` and the workflow variables, that gives an array. */
  public static jsonata(items: string): ProvideItems {
    const problems = expressionProblemsOf(items, 'ProvideItems.jsonata');
    if (problems.length > 0) throw new Error(problems.join('; '));
    return new ProvideItems(items);
  }

  /** The value of the state's `Items` field. */
  public readonly items: any;

  private constructor(items: any) {
    this.items = items;
  }
}
