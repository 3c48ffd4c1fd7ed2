import { Construct } from 'constructs';
import { FailState } from './compiler/graph';
import { assertKnownAtSynth } from './private/tokens';
import { State } from './state';
import { INextable } from './types';

/** Properties of a Fail state. */
export interface FailProps {
  /**
   * Error name recorded on the session.
   * @default 'States.Fail'
   */
  readonly error?: string;
  /**
   * Human-readable cause recorded on the session.
   * @default - none
   */
  readonly cause?: string;
}

/** Ends the session as FAILED with the given error. */
export class Fail extends State {
  public readonly endStates: INextable[] = [];

  constructor(scope: Construct, id: string, private readonly props: FailProps = {}) {
    super(scope, id);
    // Compiled into the configuration of the functions before it.
    assertKnownAtSynth(`Fail '${id}' (${this.node.path})`, 'error', props.error);
    assertKnownAtSynth(`Fail '${id}' (${this.node.path})`, 'cause', props.cause);
  }

  /** @internal */
  public _toGraphState(): FailState {
    return { kind: 'fail', id: this.id, error: this.props.error ?? 'States.Fail', ...(this.props.cause ? { cause: this.props.cause } : {}) };
  }

  /** @internal */
  public _successors(): State[] {
    return [];
  }
}
