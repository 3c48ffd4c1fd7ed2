import { Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { Chain } from './chain';
import { MapState } from './compiler/graph';
import { assertUnbound } from './private/state-rules';
import { assertKnownAtSynth } from './private/tokens';
import { templateProblems } from './protocol/dataflow';
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
   * How many item invocations the fanning-out function keeps in flight while
   * it issues them. Items then run concurrently, limited by Lambda concurrency.
   * @default 0 - the runtime's default bound
   */
  readonly maxConcurrency?: number;
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

  constructor(scope: Construct, id: string, private readonly props: MapProps = {}) {
    super(scope, id);
    this.endStates = [this];
    // The width and the concurrency limit are compiled into the fanning-out function's configuration.
    for (const [name, value] of [['width', props.width], ['maxConcurrency', props.maxConcurrency]] as const) {
      if (value !== undefined && Token.isUnresolved(value)) throw new Error(`Map '${id}': ${name} must be known at synth (not a token)`);
    }
    assertKnownAtSynth(`Map '${id}' (${this.node.path})`, 'itemsPath', props.itemsPath);
    assertKnownAtSynth(`Map '${id}' (${this.node.path})`, 'itemSelector', props.itemSelector);
    const selectorProblems = templateProblems(props.itemSelector, 'itemSelector', false);
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
    const itemsPath = this.props.itemsPath ?? (this.props.width === undefined ? '$' : undefined);
    return {
      kind: 'map',
      id: this.id,
      ...(this.iterator ? { iterator: this.iterator.id } : {}),
      ...(itemsPath !== undefined ? { itemsPath } : {}),
      ...(this.props.width !== undefined ? { width: this.props.width } : {}),
      ...(this.props.maxConcurrency ? { maxConcurrency: this.props.maxConcurrency } : {}),
      ...(this.props.itemSelector !== undefined ? { itemSelector: this.props.itemSelector } : {}),
      ...(this._nextState ? { next: this._nextState.id } : {}),
    };
  }

  /** @internal */
  public _successors(): State[] {
    return [...(this.iterator ? [this.iterator] : []), ...(this._nextState ? [this._nextState] : [])];
  }
}
