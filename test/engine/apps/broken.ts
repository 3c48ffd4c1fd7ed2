// A CDK app that cannot synthesize: the function has neither entry nor code.
import { App, Stack } from 'aws-cdk-lib';
import { UnumFunction, UnumWorkflow } from '../../../src';

const app = new App();
const stack = new Stack(app, 'Broken');
new UnumWorkflow(stack, 'broken', { definition: new UnumFunction(stack, 'Nothing', {}) });
app.synth();
