// A CDK app without any cdk-unum workflow.
import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';

const app = new App();
new s3.Bucket(new Stack(app, 'NoWorkflow'), 'Bucket');
app.synth();
