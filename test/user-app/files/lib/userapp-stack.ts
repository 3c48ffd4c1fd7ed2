import * as path from 'path';
import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { Chain, FanIn, Map, UnumFunction, UnumWorkflow } from 'cdk-unum';

export class UserappStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const split = new UnumFunction(this, 'Split', { entry: path.join(__dirname, '..', 'src', 'split.ts') });
    const count = new UnumFunction(this, 'Count', { entry: path.join(__dirname, '..', 'src', 'count.ts') });
    const merge = new UnumFunction(this, 'Merge', { entry: path.join(__dirname, '..', 'src', 'merge.ts') });

    new UnumWorkflow(this, 'WordCount', {
      definition: Chain.start(split)
        .next(new Map(this, 'CountChunks', { itemsPath: '$.chunks' }).itemProcessor(count))
        .next(new FanIn(this, 'Counted'))
        .next(merge),
    });
  }
}
