import { Construct } from 'constructs';
import { FailState } from './compiler/graph';
import { assertKnownAtSynth } from './private/tokens';
import { jsonataTemplateProblems } from './protocol/jsonata';
import { State } from './state';
import { INextable } from './types';

/** Properties of a Fail state. */
export interface FailProps {
  /**
   * Error name recorded on the session; a `{% %}` JSONata expression
   * (over `$states.input`, `$states.context` and the variables) computes it.
   * @default 'States.Fail'
   */
  readonly error?: string;
  /**
   * Human-readable cause recorded on the session; a `{% %}` JSONata expression computes it.
   * @default - none
   */
  readonly cause?: string;
  /**
   * JSONPath into the state's input selecting the error name (a string;
   * anything else fails the session with States.Runtime). Not with `error`.
   * @default - the fixed `error`
   */
  readonly errorPath?: string;
  /**
   * JSONPath into the state's input selecting the cause (a string). Not with `cause`.
   * @default - the fixed `cause`
   */
  readonly causePath?: string;
}

/** Ends the session as FAILED with the given error. */
export class Fail extends State {
  public readonly endStates: INextable[] = [];

  constructor(scope: Construct, id: string, private readonly props: FailProps = {}) {
    super(scope, id);
    // Compiled into the configuration of the functions before it.
    assertKnownAtSynth(`Fail '${id}' (${this.node.path})`, 'error', props.error);
    assertKnownAtSynth(`Fail '${id}' (${this.node.path})`, 'cause', props.cause);
    assertKnownAtSynth(`Fail '${id}' (${this.node.path})`, 'errorPath', props.errorPath);
    assertKnownAtSynth(`Fail '${id}' (${this.node.path})`, 'causePath', props.causePath);
    const problems = [...jsonataTemplateProblems(props.error, 'error'), ...jsonataTemplateProblems(props.cause, 'cause')];
    if (problems.length > 0) throw new Error(`Fail '${id}' (${this.node.path}): ${problems.join('; ')}`);
    if (props.error !== undefined && props.errorPath !== undefined) throw new Error(`Fail '${id}': set error or errorPath, not both`);
    if (props.cause !== undefined && props.causePath !== undefined) throw new Error(`Fail '${id}': set cause or causePath, not both`);
  }

  /** @internal */
  public _toGraphState(): FailState {
    const { error, cause, errorPath, causePath } = this.props;
    return {
      kind: 'fail',
      id: this.id,
      ...(errorPath !== undefined ? { errorPath } : { error: error ?? 'States.Fail' }),
      ...(causePath !== undefined ? { causePath } : cause ? { cause } : {}),
    };
  }

  /** @internal */
  public _successors(): State[] {
    return [];
  }
}
