import { IResolvable, Token } from 'aws-cdk-lib';
import { intrinsicArgument, JsonPathToken } from './private/json-path';
import { parseQuery } from './protocol/jsonpath';

/**
 * Values read from the state's input, the context object or intrinsic
 * functions, for payload templates (`parameters`, `resultSelector`,
 * `itemSelector`, a Pass's `parameters`), named as in aws-stepfunctions:
 * `{ orderId: JsonPath.stringAt('$.order.id') }` is rendered at synth as
 * Step Functions' `{ "orderId.$": "$.order.id" }`. A value cannot be part
 * of a larger string: build strings with `JsonPath.format`.
 */
export class JsonPath {
  /**
   * As `resultPath`: discard the result, the output is the input (Step
   * Functions' `"ResultPath": null`). As `inputPath` or `outputPath`: `{}`.
   */
  public static readonly DISCARD = 'DISCARD';

  /** A string at a JSONPath of the input (`$.field`) or the context object (`$$.Execution.Name`). */
  public static stringAt(path: string): string {
    return at(path).toString();
  }

  /** A list at a JSONPath. */
  public static listAt(path: string): string[] {
    return Token.asList(at(path));
  }

  /** A number at a JSONPath. */
  public static numberAt(path: string): number {
    return tokenNumber(at(path));
  }

  /** Any JSON value at a JSONPath. */
  public static objectAt(path: string): IResolvable {
    return at(path);
  }

  /** The whole input of the state (`$`). */
  public static get entirePayload(): string {
    return at('$').toString();
  }

  /** The whole context object (`$$`). */
  public static get entireContext(): string {
    return at('$$').toString();
  }

  /** `$$.Execution.Id`: the session as an execution ARN. */
  public static get executionId(): string {
    return at('$$.Execution.Id').toString();
  }

  /** `$$.Execution.Name`: the session id. */
  public static get executionName(): string {
    return at('$$.Execution.Name').toString();
  }

  /** `$$.Execution.Input`: the session's input. */
  public static get executionInput(): string {
    return at('$$.Execution.Input').toString();
  }

  /** `$$.Execution.StartTime`: when the session started (ISO 8601). */
  public static get executionStartTime(): string {
    return at('$$.Execution.StartTime').toString();
  }

  /** `$$.State.Name`: the state's name. */
  public static get stateName(): string {
    return at('$$.State.Name').toString();
  }

  /** `$$.State.EnteredTime`: when the state was entered (ISO 8601). */
  public static get stateEnteredTime(): string {
    return at('$$.State.EnteredTime').toString();
  }

  /** `$$.State.RetryCount`: how many times the state was retried. */
  public static get stateRetryCount(): number {
    return tokenNumber(at('$$.State.RetryCount'));
  }

  /** `$$.StateMachine.Id`: the workflow as a state machine ARN. */
  public static get stateMachineId(): string {
    return at('$$.StateMachine.Id').toString();
  }

  /** `$$.StateMachine.Name`: the workflow's name. */
  public static get stateMachineName(): string {
    return at('$$.StateMachine.Name').toString();
  }

  /** `$$.Map.Item.Index`, in a Map's `itemSelector`: the item's index. */
  public static get mapItemIndex(): number {
    return tokenNumber(at('$$.Map.Item.Index'));
  }

  /** `$$.Map.Item.Value`, in a Map's `itemSelector`: the item. */
  public static get mapItemValue(): string {
    return at('$$.Map.Item.Value').toString();
  }

  /**
   * `$$.Task.Token`, in the `parameters` of a function with integrationPattern WAIT_FOR_TASK_TOKEN: the token
   * that sendTaskSuccess / sendTaskFailure answer.
   */
  public static get taskToken(): string {
    return at('$$.Task.Token').toString();
  }

  /** `States.Format`: the string with each `{}` replaced by the next value. */
  public static format(formatString: string, ...values: any[]): string {
    const placeholders = formatString.split('{}').length - 1;
    if (placeholders !== values.length) {
      throw new Error(`JsonPath.format: '${formatString}' has ${placeholders} placeholder(s) {} but ${values.length} value(s) were given`);
    }
    const template = `'${formatString.replace(/[\\']/g, (c) => `\\${c}`)}'`;
    return call('Format', [template, ...values.map(argument)]).toString();
  }

  /** `States.StringToJson`: parses a JSON string. */
  public static stringToJson(jsonString: string): IResolvable {
    return call('StringToJson', [argument(jsonString)]);
  }

  /** `States.JsonToString`: the JSON text of a value (give a JsonPath). */
  public static jsonToString(value: any): string {
    return call('JsonToString', [argument(value)]).toString();
  }

  /** `States.Array`: a list of the values. */
  public static array(...values: any[]): string {
    return call('Array', values.map(argument)).toString();
  }

  /** `States.ArrayPartition`: the list cut into chunks of `chunkSize`. */
  public static arrayPartition(array: any, chunkSize: number): string {
    return call('ArrayPartition', [argument(array), argument(chunkSize)]).toString();
  }

  /** `States.ArrayContains`: whether the list holds the value. */
  public static arrayContains(array: any, value: any): string {
    return call('ArrayContains', [argument(array), argument(value)]).toString();
  }

  /** `States.ArrayRange`: the integers from start to end (inclusive) by step, at most 1,000. */
  public static arrayRange(start: number, end: number, step: number): string {
    return call('ArrayRange', [argument(start), argument(end), argument(step)]).toString();
  }

  /** `States.ArrayGetItem`: the list's item at the index. */
  public static arrayGetItem(array: any, index: number): string {
    return call('ArrayGetItem', [argument(array), argument(index)]).toString();
  }

  /** `States.ArrayLength`: the list's length. */
  public static arrayLength(array: any): string {
    return call('ArrayLength', [argument(array)]).toString();
  }

  /** `States.ArrayUnique`: the list without repeated values. */
  public static arrayUnique(array: any): string {
    return call('ArrayUnique', [argument(array)]).toString();
  }

  /** `States.Base64Encode`: the string's UTF-8 bytes in base64 (at most 10,000 characters in). */
  public static base64Encode(input: string): string {
    return call('Base64Encode', [argument(input)]).toString();
  }

  /** `States.Base64Decode`: the UTF-8 text of base64 data. */
  public static base64Decode(base64: string): string {
    return call('Base64Decode', [argument(base64)]).toString();
  }

  /** `States.Hash`: the hex digest of the data with MD5, SHA-1, SHA-256, SHA-384 or SHA-512. */
  public static hash(data: any, algorithm: string): string {
    return call('Hash', [argument(data), argument(algorithm)]).toString();
  }

  /** `States.JsonMerge`: the two objects merged shallowly (the second's fields win), as Step Functions. */
  public static jsonMerge(value1: any, value2: any): string {
    return call('JsonMerge', [argument(value1), argument(value2), 'false']).toString();
  }

  /** `States.MathRandom`: a random integer from start (inclusive) to end (exclusive); a seed makes it repeatable. */
  public static mathRandom(start: number, end: number, seed?: number): string {
    return call('MathRandom', [argument(start), argument(end), ...(seed === undefined ? [] : [argument(seed)])]).toString();
  }

  /** `States.MathAdd`: the sum of two integers. */
  public static mathAdd(num1: number, num2: number): string {
    return call('MathAdd', [argument(num1), argument(num2)]).toString();
  }

  /** `States.StringSplit`: the string split at any of the delimiter characters. */
  public static stringSplit(inputString: string, splitter: string): string {
    return call('StringSplit', [argument(inputString), argument(splitter)]).toString();
  }

  /** `States.UUID`: a new version 4 UUID. */
  public static uuid(): string {
    return call('UUID', []).toString();
  }

  private constructor() {}
}

function at(path: string): JsonPathToken {
  if (typeof path !== 'string' || !path.startsWith('$')) throw new Error(`JsonPath: '${path}' must be a JSONPath starting with '$' (input) or '$$' (context object)`);
  try {
    parseQuery(path.startsWith('$$') ? path.slice(1) : path);
  } catch (e) {
    throw new Error(`JsonPath: ${(e as Error).message}`);
  }
  return new JsonPathToken(path);
}

function call(name: string, args: string[]): JsonPathToken {
  return new JsonPathToken(`States.${name}(${args.join(', ')})`);
}

function argument(value: unknown): string {
  try {
    return intrinsicArgument(value);
  } catch (e) {
    throw new Error(`JsonPath: ${(e as Error).message}`);
  }
}

function tokenNumber(token: JsonPathToken): number {
  return Token.asNumber(token);
}
