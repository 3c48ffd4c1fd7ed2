import type { UnumContext } from 'cdk-unum/lib/handler';

export async function handler(input: { text: string }, context: UnumContext) {
  context.logger.info('splitting', { session: context.session });
  return { chunks: input.text.split('\n\n') };
}
