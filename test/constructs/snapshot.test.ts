import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { SHAPES, shapeStack } from '../support/shapes';

describe('synthesized templates', () => {
  test.each(Object.keys(SHAPES))('%s', (shape) => {
    const stack = shapeStack(new App(), shape);
    expect(Template.fromStack(stack).toJSON()).toMatchSnapshot();
  });
});
