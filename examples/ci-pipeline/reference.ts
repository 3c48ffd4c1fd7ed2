// The in-process floor of ci-pipeline: Checkout, then the two Fork branches concurrently; Publish as soon as
// Package and the check the Strictness choice ran are done (null for the other check), beside UnitTests;
// Report once UnitTests and Publish are.
import { handler as checkout } from './functions/checkout';
import { handler as compile } from './functions/compile';
import { handler as lint } from './functions/lint';
import { handler as pack } from './functions/package';
import { handler as publish, ReadyToShip } from './functions/publish';
import { handler as quickCheck } from './functions/quick-check';
import { AllDone, handler as report } from './functions/report';
import { handler as typeCheck } from './functions/type-check';
import { handler as unitTests } from './functions/unit-tests';
import { Frames, ReferenceRun, roundTrip } from '../support/reference';

export async function runReference(input: unknown): Promise<unknown> {
  const run = new ReferenceRun('CiPipeline');
  const checkedOut = await run.call('Checkout', checkout, roundTrip(input));
  const fork = (index: number): Frames => [{ fanout: 'Fork', index, size: 2 }];
  const afterCompile = (index: number): Frames => [...fork(0), { fanout: 'AfterCompile', index, size: 2 }];

  // Fork branch 0: Compile, then AfterCompile's branches. No FanIn closes either Parallel: the joins below do.
  const compiled = run.call('Compile', compile, checkedOut, fork(0));
  const tested = compiled.then((c) => run.call('UnitTests', unitTests, c, afterCompile(0)));
  const packaged = compiled.then((c) => run.call('Package', pack, c, afterCompile(1)));

  // Fork branch 1: Lint, then Strictness picks one check; the other is skipped (null in ReadyToShip).
  const checked = run.call('Lint', lint, checkedOut, fork(1)).then(async (linted) => (linted.strict === true
    ? [await run.call('TypeCheck', typeCheck, linted, fork(1)), null] as const
    : [null, await run.call('QuickCheck', quickCheck, linted, fork(1))] as const));

  // ReadyToShip → Publish: waits for Package and the check that ran, not for UnitTests.
  const published = Promise.all([packaged, checked])
    .then(([packageOut, [typeCheckOut, quickCheckOut]]) =>
      run.call('Publish', publish, [packageOut, typeCheckOut, quickCheckOut] satisfies ReadyToShip));

  // AllDone → Report.
  const [testRun, release] = await Promise.all([tested, published]);
  return run.call('Report', report, [testRun, release] satisfies AllDone);
}
