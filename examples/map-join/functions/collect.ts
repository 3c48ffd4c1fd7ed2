import type { UnumContext } from '../../../src/handler';

/** After the FanIn: the item outputs, in item order, whatever order they finished in. */
export async function handler(items: unknown[], context: UnumContext): Promise<unknown[]> {
  context.logger.info('joined', { items: items.length });
  return items;
}
