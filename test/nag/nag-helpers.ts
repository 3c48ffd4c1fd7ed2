import { Aspects, IAspect, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';

/** A suppression reason must say why, not just that: at least this many characters. */
export const MIN_REASON_LENGTH = 20;

const AWS_SOLUTIONS = Match.stringLikeRegexp('AwsSolutions-.*');

/** What cdk-nag's AwsSolutions pack reports for a stack, and which suppressions lack a real reason. */
export interface NagReport {
  /** `<construct path>: <message>` of every unsuppressed AwsSolutions error. */
  readonly errors: string[];
  /** Likewise for warnings (including rules cdk-nag could not evaluate). */
  readonly warnings: string[];
  /** `<logical id>: <rule id> (<reason>)` of every suppression whose reason is missing or too short. */
  readonly weakSuppressions: string[];
  /** Constructs the pack visited (0 means it never ran, e.g. the stack was synthesized before). */
  readonly visited: number;
}

/** Forwards to a NagPack and counts the constructs it visits. */
class CountingAspect implements IAspect {
  public visited = 0;
  constructor(private readonly inner: IAspect) {}
  public visit(node: IConstruct): void {
    this.visited++;
    this.inner.visit(node);
  }
}

/**
 * Applies cdk-nag's AwsSolutionsChecks to `stack` (as an Aspect, so add
 * nothing else to the stack afterwards), synthesizes it and collects the
 * findings. The stack must not have been synthesized yet.
 */
export function nagReport(stack: Stack): NagReport {
  const aspect = new CountingAspect(new AwsSolutionsChecks({ reports: false }));
  Aspects.of(stack).add(aspect);
  const annotations = Annotations.fromStack(stack);
  const describe = (found: ReturnType<Annotations['findError']>): string[] => found.map((f) => `${f.id}: ${String(f.entry.data)}`);
  return {
    errors: describe(annotations.findError('*', AWS_SOLUTIONS)),
    warnings: describe(annotations.findWarning('*', AWS_SOLUTIONS)),
    weakSuppressions: weakSuppressions(Template.fromStack(stack).toJSON()),
    visited: aspect.visited,
  };
}

/** Every `cdk_nag.rules_to_suppress` entry in the template (stack and resource metadata) with a reason shorter than MIN_REASON_LENGTH. */
export function weakSuppressions(template: any): string[] {
  const holders: Array<[string, any]> = [
    ['(stack)', template.Metadata],
    ...Object.entries(template.Resources ?? {}).map(([id, r]: [string, any]) => [id, r.Metadata] as [string, any]),
  ];
  const weak: string[] = [];
  for (const [id, metadata] of holders) {
    for (const rule of metadata?.cdk_nag?.rules_to_suppress ?? []) {
      const reason = typeof rule.reason === 'string' ? rule.reason.trim() : '';
      if (reason.length < MIN_REASON_LENGTH) weak.push(`${id}: ${rule.id} (${JSON.stringify(rule.reason)})`);
    }
  }
  return weak;
}

/**
 * Asserts that AwsSolutions passes on `stack`: no unsuppressed error, no
 * warning, and every suppression (the library's and the app's) carries a
 * reason of at least MIN_REASON_LENGTH characters.
 */
export function expectNagClean(stack: Stack): void {
  const report = nagReport(stack);
  if (report.visited === 0) {
    throw new Error(`cdk-nag never visited stack ${stack.stackName}: call expectNagClean before anything synthesizes it`);
  }
  expect({ errors: report.errors, warnings: report.warnings, weakSuppressions: report.weakSuppressions })
    .toEqual({ errors: [], warnings: [], weakSuppressions: [] });
}
