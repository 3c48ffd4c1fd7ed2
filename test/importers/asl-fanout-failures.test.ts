import { translateStatesLanguage } from '../../src/importers/asl';
import { ImportError, PlanMap, PlanParallel } from '../../src/importers/plan';

/* Retry and Catch on Parallel and Map, and a Map's tolerated failures, through the ASL importer (the engine runs are in the corpus). */

const L = 'arn:aws:lambda:us-east-1:123456789012:function:';
const task = (name: string, more: object = { End: true }) => ({ [name]: { Type: 'Task', Resource: `${L}${name.toLowerCase()}`, ...more } });

function definition(fanOut: object): object {
  return { StartAt: 'F', States: { F: { ...fanOut, Next: 'After' }, ...task('After'), ...('Catch' in fanOut ? task('Handler') : {}) } };
}

const parallel = { Type: 'Parallel', Branches: [{ StartAt: 'A', States: task('A') }, { StartAt: 'B', States: task('B') }] };
const map = { Type: 'Map', ItemsPath: '$.items', ItemProcessor: { StartAt: 'I', States: task('I') } };

test('Retry and Catch on a Parallel and a Map, and ToleratedFailureCount/Percentage on a Map, go onto the fan-out', () => {
  const retry = [{ ErrorEquals: ['Flaky'], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 1.5 }];
  const catchers = [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Handler' }];
  const p = translateStatesLanguage(definition({ ...parallel, Retry: retry, Catch: catchers })).states.find((s) => s.kind === 'parallel') as PlanParallel;
  expect(p).toMatchObject({
    retry: [{ errors: ['Flaky'], intervalSeconds: 2, maxAttempts: 3, backoffRate: 1.5 }],
    catch: [{ errors: ['States.ALL'], resultPath: '$.error', next: 'Handler' }],
  });
  const m = translateStatesLanguage(definition({ ...map, Retry: retry, Catch: catchers, ToleratedFailureCount: 2, ToleratedFailurePercentage: 12 }))
    .states.find((s) => s.kind === 'map') as PlanMap;
  expect(m).toMatchObject({ toleratedFailureCount: 2, toleratedFailurePercentage: 12, retry: [{ errors: ['Flaky'] }], catch: [{ next: 'Handler' }] });
});

test('the Path forms of the tolerance, a bad tolerance, and Parameters with a Catch ResultPath are refused, naming the state', () => {
  const problems = (d: object) => {
    try {
      translateStatesLanguage(d);
    } catch (e) {
      if (e instanceof ImportError) return e.problems;
      throw e;
    }
    return [];
  };
  expect(problems(definition({ ...map, ToleratedFailureCountPath: '$.n' }))).toEqual([
    expect.stringMatching(/^state 'F'.*ToleratedFailureCountPath.*fixed at synth: use ToleratedFailureCount/),
  ]);
  expect(problems(definition({ ...map, ToleratedFailurePercentagePath: '$.p' }))[0]).toMatch(/ToleratedFailurePercentagePath.*use ToleratedFailurePercentage/);
  // asl-validator refuses a fractional count before the importer sees it.
  expect(problems(definition({ ...map, ToleratedFailureCount: 1.5 }))[0]).toMatch(/state 'F' \(ToleratedFailureCount\).*must be integer/);
  expect(problems(definition({ ...map, ToleratedFailurePercentage: 120 }))[0]).toMatch(/state 'F' \(ToleratedFailurePercentage\).*must be <= 100/);
  expect(problems(definition({
    ...parallel, Parameters: { 'x.$': '$.x' }, Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Handler' }],
  }))[0]).toMatch(/^state 'F'.*Parameters together with a Catch ResultPath cannot be kept/);
});
