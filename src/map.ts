import { Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { Chain } from './chain';
import { MapState } from './compiler/graph';
import { renderIn } from './data-flow';
import { fanOutDataFlow } from './private/fanout-data-flow';
import { checkTolerance, FanOutFailures } from './private/fanout-failures';
import { assertUnbound } from './private/state-rules';
import { assertKnownAtSynth } from './private/tokens';
import { DataFlow, templateProblems } from './protocol/dataflow';
import { isJsonataExpression, jsonataTemplateProblems } from './protocol/jsonata';
import { ProvideItems } from './provide-items';
import { QueryLanguage } from './query-language';
import { State } from './state';
import { CatchProps, IChainable, INextable, RetryProps } from './types';

/** Properties of a Map. */
export interface MapProps {
  /**
   * JSONPath of the array in the previous function's output to map over.
   * @default '$' (the output itself is the array), unless `width` is set
   */
  readonly itemsPath?: string;
  /**
   * Run the item processor this many times on the whole output instead of
   * once per array element (FaaSr's ranked invocation: each copy sees its
   * index and the width in its context).
   * @default - map over an array
   */
  readonly width?: number;
  /**
   * At most this many items in flight at once (Step Functions'
   * MaxConcurrency): the fanning-out function issues the first ones, and
   * each item that reaches the join has it issue the next.
   * @default 0 - no limit: every item is issued at once (Lambda's concurrency limits them)
   */
  readonly maxConcurrency?: number;
  /**
   * JSONPath expression to select part of the state's input to be the input
   * of the Map (`itemsPath` then selects from it); `JsonPathValue.DISCARD` makes it the empty object `{}`.
   * @default '$' - the whole input
   */
  readonly inputPath?: string;
  /**
   * The JSON that replaces the joined list (the item outputs in index order) and becomes the
   * effective result before `resultPath` is applied: keys ending in `.$`
   * take the value at a path of the list, e.g. `{ 'first.$': '$[0]' }`.
   * @default - the list as it is
   */
  readonly resultSelector?: { [key: string]: any };
  /**
   * JSONPath expression to indicate where to inject the result in the
   * state's input; `JsonPathValue.DISCARD` makes the input the output (the
   * item outputs in index order are dropped).
   * @default '$' - the result replaces the input
   */
  readonly resultPath?: string;
  /**
   * JSONPath expression to select part of the combined value to be the
   * state's output; `JsonPathValue.DISCARD` makes it the empty object `{}`.
   * @default '$' - all of it
   */
  readonly outputPath?: string;
  /**
   * Template of each item's input, as Step Functions' Map `ItemSelector`:
   * `.$` paths read the Map state's input, `$$.Map.Item.Index` and
   * `$$.Map.Item.Value` the item (e.g. `{ 'index.$': '$$.Map.Item.Index',
   * 'item.$': '$$.Map.Item.Value', 'prefix.$': '$.prefix' }`). On a JSONata
   * Map, `{% %}` strings read `$states.context.Map.Item.Index` and `.Value`,
   * `$states.input` (the Map's input) and the variables (e.g.
   * `{ index: '{% $states.context.Map.Item.Index %}', item: '{% $states.context.Map.Item.Value %}' }`).
   * @default - each item as it is
   */
  readonly itemSelector?: { [key: string]: any };
  /**
   * JSONata (aws-stepfunctions' `items`): the array to iterate over, a
   * JSON array or a JSONata expression over `$states.input` and the
   * workflow variables; instead of `itemsPath`.
   * @default - `itemsPath`
   */
  readonly items?: ProvideItems;
  /**
   * How many items may fail before the Map fails (Step Functions'
   * ToleratedFailureCount): a failed item within the tolerance gives
   * `{ Error, Cause }` as its result in the list; one more fails the Map
   * with `States.ExceedToleratedFailureThreshold`.
   * @default - no failure is tolerated (unless toleratedFailurePercentage is set)
   */
  readonly toleratedFailureCount?: number;
  /**
   * The percentage of items (0-100) that may fail before the Map fails
   * (Step Functions' ToleratedFailurePercentage); with
   * toleratedFailureCount, exceeding either fails it.
   * @default - no failure is tolerated (unless toleratedFailureCount is set)
   */
  readonly toleratedFailurePercentage?: number;
  /**
   * JSONata (aws-stepfunctions' `jsonataItemSelector`): each item's input as
   * one `{% %}` expression over `$states.context.Map.Item` and
   * `$states.input`, instead of an `itemSelector` object.
   * @default - `itemSelector`, or each item as it is
   */
  readonly jsonataItemSelector?: string;
  /**
   * The query language: JSONata for `items`, `outputs`, `assign` and a JSONata `itemSelector`.
   * @default - JSONata when `items`, `outputs` or `assign` is set, else JSONPath
   */
  readonly queryLanguage?: QueryLanguage;
  /**
   * JSONata: the state's output, evaluated at the join: `{% %}` strings read
   * `$states.result` (the item outputs in index order), `$states.input` (the
   * Map's input) and the variables, e.g. `'{% $states.result[ok] %}'`.
   * @default - the item outputs in index order
   */
  readonly outputs?: any;
  /**
   * JSONata: workflow variables to set at the join, by name, each evaluated
   * like `outputs` (all with the variables from before the assignment).
   * @default - no variables are assigned
   */
  readonly assign?: { [name: string]: any };
}

/**
 * Run a sub-chain once per item of the previous function's output. The
 * state after it receives the item outputs as a list in index order.
 */
export class Map extends State implements INextable {
  public readonly endStates: INextable[];
  private iterator?: State;
  private readonly dataFlow?: DataFlow;
  // What the graph state needs of the props; the itemSelector only as rendered (tokens resolved, checked).
  private readonly itemsPath?: string;
  private readonly width?: number;
  private readonly maxConcurrency?: number;
  private readonly itemSelector?: unknown;
  private readonly items?: ProvideItems;
  private readonly toleratedFailureCount?: number;
  private readonly toleratedFailurePercentage?: number;
  private readonly failures: FanOutFailures;
  /** items, outputs, assign and itemSelector are JSONata. */
  private readonly jsonata: boolean;

  constructor(scope: Construct, id: string, props: MapProps = {}) {
    super(scope, id);
    this.failures = new FanOutFailures(`Map '${id}' (${this.node.path})`, `Map '${id}'`);
    checkTolerance(`Map '${id}' (${this.node.path})`, props.toleratedFailureCount, props.toleratedFailurePercentage);
    this.itemsPath = props.itemsPath;
    this.width = props.width;
    this.maxConcurrency = props.maxConcurrency;
    this.items = props.items;
    this.toleratedFailureCount = props.toleratedFailureCount;
    this.toleratedFailurePercentage = props.toleratedFailurePercentage;
    this.endStates = [this];
    this.dataFlow = fanOutDataFlow(`Map '${id}' (${this.node.path})`, props);
    this.jsonata = props.queryLanguage === QueryLanguage.JSONATA || (props.queryLanguage === undefined
      && (props.items !== undefined || props.outputs !== undefined || props.assign !== undefined));
    if (this.jsonata && props.items === undefined && (props.itemsPath !== undefined || props.width !== undefined)) {
      throw new Error(`Map '${id}': a JSONata Map takes items (ProvideItems), not ${props.itemsPath !== undefined ? 'itemsPath' : 'width'}`);
    }
    // The width and the concurrency limit are compiled into the fanning-out function's configuration.
    for (const [name, value] of [['width', props.width], ['maxConcurrency', props.maxConcurrency]] as const) {
      if (value !== undefined && Token.isUnresolved(value)) throw new Error(`Map '${id}': ${name} must be known at synth (not a token)`);
    }
    assertKnownAtSynth(`Map '${id}' (${this.node.path})`, 'itemsPath', props.itemsPath);
    if (props.jsonataItemSelector !== undefined) {
      if (props.itemSelector !== undefined) throw new Error(`Map '${id}': set either itemSelector or jsonataItemSelector, not both`);
      if (!this.jsonata) throw new Error(`Map '${id}': jsonataItemSelector needs a JSONata Map (items, or queryLanguage JSONATA)`);
      if (!isJsonataExpression(props.jsonataItemSelector)) throw new Error(`Map '${id}': jsonataItemSelector must be a '{% expression %}' string`);
    }
    this.itemSelector = props.jsonataItemSelector
      ?? (props.itemSelector === undefined || this.jsonata ? props.itemSelector : renderIn(`Map '${id}'`, 'itemSelector', props.itemSelector));
    assertKnownAtSynth(`Map '${id}' (${this.node.path})`, 'itemSelector', this.itemSelector);
    const selectorProblems = this.jsonata ? jsonataTemplateProblems(this.itemSelector, 'itemSelector') : templateProblems(this.itemSelector, 'itemSelector');
    if (selectorProblems.length > 0) throw new Error(`Map '${id}': ${selectorProblems.join('; ')}`);
    if (props.width !== undefined && (!Number.isInteger(props.width) || props.width < 1)) {
      throw new Error(`Map '${id}': width must be a positive integer (got ${props.width})`);
    }
    if (props.items !== undefined) {
      if (props.itemsPath !== undefined || props.width !== undefined) throw new Error(`Map '${id}': set one of items (JSONata), itemsPath and width`);
      const problems = jsonataTemplateProblems(props.items.items, 'items');
      if (problems.length > 0) throw new Error(`Map '${id}': ${problems.join('; ')}`);
    }
    if (props.width !== undefined && props.itemsPath !== undefined) {
      throw new Error(`Map '${id}': set either itemsPath (map over an array) or width (ranked copies), not both`);
    }
  }

  /** The state or chain that processes each item. */
  public itemProcessor(processor: IChainable): Map {
    assertUnbound(this, 'set the item processor of');
    if (this.iterator) {
      throw new Error(`Map '${this.id}' already has an item processor ('${this.iterator.id}')`);
    }
    this.iterator = processor.startState;
    return this;
  }

  /**
   * Run every item again when one fails for good (Step Functions' Retry
   * on a Map): after the interval, all items start over with fresh
   * checkpoints and joins; results of the abandoned attempt are ignored.
   * Rules are tried in order.
   */
  public addRetry(props: RetryProps = {}): Map {
    assertUnbound(this, 'add a retry to');
    this.failures.addRetry(props);
    return this;
  }

  /**
   * Route an item's failure, once retries are exhausted, to `handler`
   * (Step Functions' Catch on a Map): `{ Error, Cause }` is placed at
   * `resultPath` in the Map's input.
   */
  public addCatch(handler: IChainable, props: CatchProps = {}): Map {
    assertUnbound(this, 'add a catch to');
    this.failures.addCatch(handler, props);
    return this;
  }

  /** Continue after all items completed: usually with a FanIn or a function. */
  public next(next: IChainable): Chain {
    return this._continueWith(next);
  }

  /** @internal */
  public _toGraphState(): MapState {
    const itemsPath = this.itemsPath ?? (this.width === undefined && !this.jsonata ? '$' : undefined);
    // Without items a JSONata Map iterates over its input, as in Step Functions.
    const items = this.items?.items ?? (this.jsonata ? '{% $states.input %}' : undefined);
    return {
      kind: 'map',
      id: this.id,
      ...(this.iterator ? { iterator: this.iterator.id } : {}),
      ...(itemsPath !== undefined ? { itemsPath } : {}),
      ...(items !== undefined ? { items } : {}),
      ...(this.width !== undefined ? { width: this.width } : {}),
      ...(this.maxConcurrency ? { maxConcurrency: this.maxConcurrency } : {}),
      ...(this.itemSelector !== undefined ? { itemSelector: this.itemSelector } : {}),
      ...(this._nextState ? { next: this._nextState.id } : {}),
      ...(this.dataFlow ? { dataFlow: this.dataFlow } : {}),
      ...(this.toleratedFailureCount !== undefined ? { toleratedFailureCount: this.toleratedFailureCount } : {}),
      ...(this.toleratedFailurePercentage !== undefined ? { toleratedFailurePercentage: this.toleratedFailurePercentage } : {}),
      ...this.failures.graph(),
    };
  }

  /** @internal */
  public _successors(): State[] {
    return [...(this.iterator ? [this.iterator] : []), ...(this._nextState ? [this._nextState] : []), ...this.failures.handlers()];
  }
}
