import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ImportError, Plan, PlanFanIn, PlanRetry, PlanState, PlanTask, PlanWait } from './plan';
import { Choice } from '../choice';
import { Condition } from '../condition';
import { Fail } from '../fail';
import { FanIn } from '../fan-in';
import { UnumFunction } from '../function';
import { Map as MapState } from '../map';
import { Parallel } from '../parallel';
import { Pass } from '../pass';
import { ConditionJson } from '../protocol/conditions';
import { ProvideItems } from '../provide-items';
import { State } from '../state';
import { Succeed } from '../succeed';
import { JitterType, RetryProps } from '../types';
import { Wait, WaitTime } from '../wait';

/** Source of the function the import adds before a start state that is not a task: it returns its input. */
export const IDENTITY_CODE = 'exports.handler = async (input) => input;';

/**
 * Builds the constructs of a plan in `scope`: the user's UnumFunctions for
 * tasks (looked up by the task's keys), new constructs for the rest, then
 * the wiring. Returns the start state.
 */
export function buildPlan(scope: Construct, plan: Plan, functions: Readonly<Record<string, UnumFunction>>, format: string): State {
  const problems: string[] = [];
  const states = new Map<string, State>();
  const owner = new Map<UnumFunction, string>();
  for (const s of plan.states) {
    if (s.kind !== 'task') continue;
    const fn = s.builtin === 'identity'
      ? new UnumFunction(scope, s.id, { code: lambda.Code.fromInline(IDENTITY_CODE), handler: 'index.handler', description: s.comment })
      : s.functionKeys.map((k) => functions[k]).find((f) => f !== undefined);
    if (fn === undefined) {
      problems.push(`no UnumFunction for ${label(s)}: pass one in functions under ${s.functionKeys.map((k) => `'${k}'`).join(' or ')}`);
      continue;
    }
    if (owner.has(fn)) {
      problems.push(`${label(s)} and '${owner.get(fn)}' both map to UnumFunction '${fn.id}': a function is one node of the workflow; supply one per state (keyed by state name)`);
      continue;
    }
    owner.set(fn, s.source ?? s.id);
    if (s.timeoutSeconds !== undefined) {
      const timeout = fn.lambdaFunction.timeout?.toSeconds();
      if (timeout !== s.timeoutSeconds) {
        problems.push(`${label(s)} has TimeoutSeconds ${s.timeoutSeconds}, but UnumFunction '${fn.id}' times out after ${timeout ?? 3} s: create it with timeout: Duration.seconds(${s.timeoutSeconds})`);
      }
    }
    if ((s.callback === true) !== fn._waitsForTaskToken) {
      problems.push(s.callback === true
        ? `${label(s)} waits for a task token (.waitForTaskToken), but UnumFunction '${fn.id}' does not: create it with integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN`
        : `${label(s)} returns its function's result, but UnumFunction '${fn.id}' waits for a task token: remove its integrationPattern`);
      continue;
    }
    if (s.taskTimeoutSeconds !== undefined && fn._callbackTimeoutSeconds !== s.taskTimeoutSeconds) {
      problems.push(`${label(s)} has TimeoutSeconds ${s.taskTimeoutSeconds} for its callback, but UnumFunction '${fn.id}' does not: create it with taskTimeout: Duration.seconds(${s.taskTimeoutSeconds})`);
    }
    if (s.heartbeatSeconds !== undefined && fn._callbackHeartbeatSeconds !== s.heartbeatSeconds) {
      problems.push(`${label(s)} has HeartbeatSeconds ${s.heartbeatSeconds}, but UnumFunction '${fn.id}' does not: create it with heartbeat: Duration.seconds(${s.heartbeatSeconds})`);
    }
    if (s.dataFlow) fn.configureDataFlow(s.dataFlow);
    for (const r of s.retry ?? []) fn.addRetry(retryProps(r));
    states.set(s.id, fn);
  }
  if (problems.length > 0) throw new ImportError(format, problems);

  for (const s of plan.states) {
    if (s.kind === 'task' || s.kind === 'fanIn') continue;
    states.set(s.id, structural(scope, s));
  }
  const get = (id: string) => states.get(id)!;
  // A FanIn over predecessors chains each predecessor into itself, so it comes after them and their `next` is not set again.
  const dagJoins = new Set<string>();
  for (const s of plan.states) {
    if (s.kind !== 'fanIn') continue;
    states.set(s.id, new FanIn(scope, s.id, { comment: s.comment, predecessors: s.predecessors.map(get) }));
    dagJoins.add(s.id);
  }
  for (const s of plan.states) {
    const state = get(s.id);
    switch (s.kind) {
      case 'task':
        for (const c of s.catch ?? []) {
          (state as UnumFunction).addCatch(get(c.next), {
            errors: c.errors,
            ...(c.resultPath !== undefined ? { resultPath: c.resultPath } : {}),
            ...(c.outputs !== undefined ? { outputs: c.outputs } : {}),
            ...(c.assign !== undefined ? { assign: c.assign } : {}),
          });
        }
        break;
      case 'choice': {
        const choice = state as Choice;
        s.rules.forEach((r) => choice.when(toCondition(r.condition), get(r.next), { outputs: r.outputs, assign: r.assign }));
        if (s.otherwise !== undefined) choice.otherwise(get(s.otherwise));
        break;
      }
      case 'parallel':
        (state as Parallel).branch(...s.branches.map(get));
        break;
      case 'map':
        (state as MapState).itemProcessor(get(s.iterator));
        break;
    }
    if (s.kind === 'parallel' || s.kind === 'map') {
      const fanOut = state as Parallel | MapState;
      for (const r of s.retry ?? []) fanOut.addRetry(retryProps(r));
      for (const c of s.catch ?? []) {
        fanOut.addCatch(get(c.next), {
          errors: c.errors,
          ...(c.resultPath !== undefined ? { resultPath: c.resultPath } : {}),
          ...(c.outputs !== undefined ? { outputs: c.outputs } : {}),
          ...(c.assign !== undefined ? { assign: c.assign } : {}),
        });
      }
    }
    if ('next' in s && s.next !== undefined && !dagJoins.has(s.next)) (state as unknown as { next(n: State): unknown }).next(get(s.next));
  }
  return get(plan.start);
}

/** A plan's retrier as addRetry's props (a Task's, a Parallel's or a Map's). */
function retryProps(r: PlanRetry): RetryProps {
  return {
    errors: r.errors,
    ...(r.intervalSeconds !== undefined ? { interval: Duration.seconds(r.intervalSeconds) } : {}),
    ...(r.maxAttempts !== undefined ? { maxAttempts: r.maxAttempts } : {}),
    ...(r.backoffRate !== undefined ? { backoffRate: r.backoffRate } : {}),
    ...(r.maxDelaySeconds !== undefined ? { maxDelay: Duration.seconds(r.maxDelaySeconds) } : {}),
    ...(r.jitter !== undefined ? { jitterStrategy: r.jitter === 'FULL' ? JitterType.FULL : JitterType.NONE } : {}),
  };
}

function structural(scope: Construct, s: Exclude<PlanState, PlanTask | PlanFanIn>): State {
  switch (s.kind) {
    case 'pass':
      return new Pass(scope, s.id, {
        inputPath: s.inputPath,
        parameters: s.parameters,
        result: s.result,
        resultPath: s.resultPath,
        outputPath: s.outputPath,
        comment: s.comment,
        queryLanguage: s.queryLanguage,
        outputs: s.outputs,
        assign: s.assign,
      });
    case 'wait':
      return new Wait(scope, s.id, { time: waitTime(s), comment: s.comment, outputs: s.outputs, assign: s.assign });
    case 'choice':
      return new Choice(scope, s.id, { comment: s.comment, outputs: s.outputs, assign: s.assign });
    case 'parallel':
      return new Parallel(scope, s.id, { comment: s.comment, ...s.dataFlow });
    case 'map':
      return new MapState(scope, s.id, {
        ...s.dataFlow,
        ...(s.itemsPath !== undefined ? { itemsPath: s.itemsPath } : {}),
        ...(s.items !== undefined ? { items: provideItems(s.items) } : {}),
        ...(s.width !== undefined ? { width: s.width } : {}),
        ...(s.maxConcurrency !== undefined ? { maxConcurrency: s.maxConcurrency } : {}),
        ...(typeof s.itemSelector === 'string' ? { jsonataItemSelector: s.itemSelector } : {}),
        ...(s.itemSelector !== undefined && typeof s.itemSelector !== 'string' ? { itemSelector: s.itemSelector as Record<string, unknown> } : {}),
        ...(s.toleratedFailureCount !== undefined ? { toleratedFailureCount: s.toleratedFailureCount } : {}),
        ...(s.toleratedFailurePercentage !== undefined ? { toleratedFailurePercentage: s.toleratedFailurePercentage } : {}),
      });
    case 'window':
      return new FanIn(scope, s.id, { comment: s.comment, itemOffsets: [...s.itemOffsets] });
    case 'succeed':
      return new Succeed(scope, s.id, { comment: s.comment, outputs: s.outputs });
    case 'fail':
      return new Fail(scope, s.id, { error: s.error, cause: s.cause, errorPath: s.errorPath, causePath: s.causePath });
  }
}

function waitTime(s: PlanWait): WaitTime {
  if (typeof s.seconds === 'string') return WaitTime.seconds(s.seconds);
  if (s.secondsPath !== undefined) return WaitTime.secondsPath(s.secondsPath);
  if (s.timestamp !== undefined) return WaitTime.timestamp(s.timestamp);
  if (s.timestampPath !== undefined) return WaitTime.timestampPath(s.timestampPath);
  return WaitTime.duration(Duration.seconds(s.seconds ?? 0));
}

function label(s: PlanTask): string {
  return `state '${s.source ?? s.id}'`;
}

/** The Condition construct for a rule of the protocol's rule language. */
export function toCondition(c: ConditionJson): Condition {
  switch (c.op) {
    case 'and': return Condition.and(...c.conditions.map(toCondition));
    case 'or': return Condition.or(...c.conditions.map(toCondition));
    case 'not': return Condition.not(toCondition(c.condition));
    case 'jsonata': return Condition.jsonata(c.expression);
  }
  if ('otherPath' in c) return Condition.comparePaths(c.op.slice(0, -'Path'.length), c.path, c.otherPath);
  const typeTest = TYPE_TESTS[c.op];
  if (typeTest) {
    if (c.value === true) return (Condition as any)[typeTest[0]](c.path);
    return typeTest[1] ? (Condition as any)[typeTest[1]](c.path) : Condition.not((Condition as any)[typeTest[0]](c.path));
  }
  return (Condition as any)[c.op](c.path, (c as { value: unknown }).value);
}

/** A JSONata Map's Items as the construct takes them. */
function provideItems(items: unknown): ProvideItems {
  return Array.isArray(items) ? ProvideItems.jsonArray(items) : ProvideItems.jsonata(items as string);
}

/** Type test → [the Condition method, its negation if there is one]. */
export const TYPE_TESTS: Record<string, [string, string?]> = {
  isPresent: ['isPresent', 'isNotPresent'],
  isNull: ['isNull', 'isNotNull'],
  isString: ['isString'],
  isNumeric: ['isNumeric'],
  isBoolean: ['isBoolean'],
  isTimestamp: ['isTimestamp'],
};
