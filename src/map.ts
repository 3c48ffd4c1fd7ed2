import { Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { Chain } from './chain';
import { MapState } from './compiler/graph';
import { renderIn, toDataFlow } from './data-flow';
import { assertUnbound } from './private/state-rules';
import { assertKnownAtSynth } from './private/tokens';
import { DataFlow, templateProblems } from './protocol/dataflow';
import { State } from './state';
import { IChainable, INextable } from './types';

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
   * 'item.$': '$$.Map.Item.Value', 'prefix.$': '$.prefix' }`).
   * @default - each item as it is
   */
  readonly itemSelector?: { [key: string]: any };
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
  private readonly itemSelector?: { [key: string]: any };

  constructor(scope: Construct, id: string, props: MapProps = {}) {
    super(scope, id);
    this.itemsPath = props.itemsPath;
    this.width = props.width;
    this.maxConcurrency = props.maxConcurrency;
    this.endStates = [this];
    const { inputPath, resultSelector, resultPath, outputPath } = props;
    this.dataFlow = toDataFlow(`Map '${id}' (${this.node.path})`, { inputPath, resultSelector, resultPath, outputPath });
    // The width and the concurrency limit are compiled into the fanning-out function's configuration.
    for (const [name, value] of [['width', props.width], ['maxConcurrency', props.maxConcurrency]] as const) {
      if (value !== undefined && Token.isUnresolved(value)) throw new Error(`Map '${id}': ${name} must be known at synth (not a token)`);
    }
    assertKnownAtSynth(`Map '${id}' (${this.node.path})`, 'itemsPath', props.itemsPath);
    this.itemSelector = props.itemSelector === undefined ? undefined : renderIn(`Map '${id}'`, 'itemSelector', props.itemSelector);
    assertKnownAtSynth(`Map '${id}' (${this.node.path})`, 'itemSelector', this.itemSelector);
    const selectorProblems = templateProblems(this.itemSelector, 'itemSelector');
    if (selectorProblems.length > 0) throw new Error(`Map '${id}': ${selectorProblems.join('; ')}`);
    if (props.width !== undefined && (!Number.isInteger(props.width) || props.width < 1)) {
      throw new Error(`Map '${id}': width must be a positive integer (got ${props.width})`);
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

  /** Continue after all items completed: usually with a FanIn or a function. */
  public next(next: IChainable): Chain {
    return this._continueWith(next);
  }

  /** @internal */
  public _toGraphState(): MapState {
    const itemsPath = this.itemsPath ?? (this.width === undefined ? '$' : undefined);
    return {
      kind: 'map',
      id: this.id,
      ...(this.iterator ? { iterator: this.iterator.id } : {}),
      ...(itemsPath !== undefined ? { itemsPath } : {}),
      ...(this.width !== undefined ? { width: this.width } : {}),
      ...(this.maxConcurrency ? { maxConcurrency: this.maxConcurrency } : {}),
      ...(this.itemSelector !== undefined ? { itemSelector: this.itemSelector } : {}),
      ...(this._nextState ? { next: this._nextState.id } : {}),
      ...(this.dataFlow ? { dataFlow: this.dataFlow } : {}),
    };
  }

  /** @internal */
  public _successors(): State[] {
    return [...(this.iterator ? [this.iterator] : []), ...(this._nextState ? [this._nextState] : [])];
  }
}
