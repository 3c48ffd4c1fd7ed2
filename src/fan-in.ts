import { Construct } from 'constructs';
import { Chain } from './chain';
import { FanInState } from './compiler/graph';
import { assertKnownAtSynth } from './private/tokens';
import { State } from './state';
import { IChainable, INextable } from './types';

/** Properties of a FanIn. */
export interface FanInProps {
  /**
   * What the join collects, for readers of the code.
   * @default - none
   */
  readonly comment?: string;
  /**
   * Make this a partial join across neighbouring items of the enclosing Map
   * (like video encoding: chunk i's second stage needs chunk i and chunk
   * i - 1): placed in a Map's item processor after a function, it waits for
   * that function's output of items index + offset for each offset, and
   * passes them, in offset order, to the next function in item index's
   * scope (null where index + offset is outside the map). Item i's next
   * stage starts as soon as its window is complete, not after the whole map.
   * @default - a join that closes the Parallel or Map it follows
   */
  readonly itemOffsets?: number[];
  /**
   * Make this a join over these states (a DAG join), which it chains itself
   * after: each must end in one UnumFunction or Pass. They may run on
   * different paths, including branches of Parallels that this FanIn then
   * closes instead of a FanIn of their own, and on paths a Choice (or a
   * catch) decides between: a predecessor ruled out is not waited for. The
   * next function receives their outputs in this order, null for a
   * predecessor that did not run.
   * @default - a join that closes the Parallel or Map it follows
   */
  readonly predecessors?: IChainable[];
}

/**
 * The join after a Parallel or Map: waits for every branch (or item) that
 * actually runs, then invokes the next function once with their outputs as
 * an ordered list. Branches arrive with O(1) strongly consistent store
 * requests each; duplicates and retries never count twice; a branch not
 * taken by a Choice is not waited for. Without a next state the list ends
 * the enclosing branch (or becomes the workflow result).
 *
 * With `predecessors` it joins an explicit set of states instead, for DAGs
 * that nesting Parallels cannot express; with `itemOffsets`, neighbouring
 * items of a Map.
 */
export class FanIn extends State implements INextable {
  /** What this state does, for readers of the code. */
  public readonly comment?: string;
  /** Offsets of a partial join across Map items, if this is one. */
  public readonly itemOffsets?: number[];
  public readonly endStates: INextable[];
  private readonly predecessorStates?: State[];

  constructor(scope: Construct, id: string, props: FanInProps = {}) {
    super(scope, id);
    this.comment = props.comment;
    assertKnownAtSynth(`FanIn '${id}' (${this.node.path})`, 'itemOffsets', props.itemOffsets);
    this.itemOffsets = props.itemOffsets ? [...props.itemOffsets] : undefined;
    this.endStates = [this];
    if (props.predecessors !== undefined) {
      if (props.predecessors.length === 0) {
        throw new Error(`FanIn '${id}': predecessors is empty; list the states it waits for (or leave it out to close a Parallel or Map)`);
      }
      this.predecessorStates = props.predecessors.map((p) => this.lastStateOf(p));
      this.predecessorStates.forEach((p) => (p as unknown as INextable).next(this));
    }
  }

  /** The function that receives the joined list. */
  public next(next: IChainable): Chain {
    return this._continueWith(next);
  }

  /** @internal */
  public _toGraphState(): FanInState {
    return {
      kind: 'fanIn',
      id: this.id,
      ...(this._nextState ? { next: this._nextState.id } : {}),
      ...(this.itemOffsets ? { itemOffsets: this.itemOffsets } : {}),
      ...(this.predecessorStates ? { predecessors: this.predecessorStates.map((p) => p.id) } : {}),
    };
  }

  /** The one state a predecessor chain ends in: its output fills the predecessor's slot. */
  private lastStateOf(predecessor: IChainable): State {
    const ends = predecessor.endStates;
    const name = predecessor.startState.id;
    if (ends.length !== 1 || !(ends[0] instanceof State)) {
      throw new Error(`FanIn '${this.id}': predecessor '${name}' ends in ${ends.length} states; `
        + 'each predecessor must end in one UnumFunction or Pass (list the states after a Choice separately, or add a function where they meet)');
    }
    return ends[0];
  }

  /** @internal */
  public _successors(): State[] {
    return this._nextState ? [this._nextState] : [];
  }
}
