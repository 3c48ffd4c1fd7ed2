import { join, succeed, to, World } from './harness';

let w: World;
beforeAll(async () => {
  w = await World.create('edges');
});
afterAll(async () => w.close());

test('chain: each node gets the previous output and the context', async () => {
  w.deploy('wf', [
    { node: 'A', next: to('B'), handler: (x: number) => x + 1 },
    { node: 'B', next: to('C'), handler: (x: number) => x * 10 },
    { node: 'C', next: succeed, handler: (x: number, ctx) => ({ x, node: ctx.node, size: ctx.size, index: ctx.index, it: ctx.iteration }) },
  ]);
  const session = await w.run(1);
  expect(await w.result(session)).toEqual({ x: 20, node: 'C', size: 1, index: 0, it: 0 });
  const d = await w.client.describeSession(session);
  expect(d.status).toBe('SUCCEEDED');
  expect(d.workflow).toBe('wf');
});
