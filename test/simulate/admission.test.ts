import { image, MB, node, platform, sleeper } from './support';
import { FAILURE, FunctionManager, InvocationRefused, ServerlessComputeService } from '../../toolkit/src/simulate';

describe('admission and failure answers', () => {
  const refusal = (call: () => unknown): InvocationRefused => {
    try {
      call();
    } catch (e) {
      if (e instanceof InvocationRefused) return e;
      throw e;
    }
    throw new Error('the call was admitted');
  };

  test('a function that is not registered at the provider is refused', () => {
    const { service, manager } = platform();
    const other = platform().service;
    const fn = manager.registerFunction(sleeper('f', 1), other);
    const refused = refusal(() => manager.invokeFunction(service, fn, 1));
    expect(refused.cause).toBe(FAILURE.NOT_REGISTERED);
    expect(refused.message).toBe('f: function not registered');
  });

  test('a call beyond the waiting room is refused right now, and admitted once a core frees', () => {
    const { service, manager } = platform({ maxQueued: 1 });
    const fn = manager.registerFunction(sleeper('f', 5), service);
    const running = manager.invokeFunction(service, fn, 1);
    const queued = manager.invokeFunction(service, fn, 2);
    expect([running.state, queued.state]).toEqual(['starting', 'queued']);
    expect(refusal(() => manager.invokeFunction(service, fn, 3)).cause).toBe(FAILURE.NOT_ADMITTED);
    manager.waitOne(running);
    expect(manager.invokeFunction(service, fn, 4).state).toBe('queued');
  });

  test('an image no node can ever hold is refused', () => {
    const { service, manager } = platform({ nodes: [node('small', 1, 50 * MB)] });
    const fn = manager.registerFunction(sleeper('f', 1, image('big', 100 * MB)), service);
    expect(refusal(() => manager.invokeFunction(service, fn, 1)).cause).toBe(FAILURE.NOT_ADMITTED);
  });

  test('a call running past its time limit ends as a timeout at the limit and loses its container', () => {
    const { service, manager } = platform();
    const fn = manager.registerFunction(sleeper('f', 5), service, { timeLimit: 3 });
    const inv = manager.waitOne(manager.invokeFunction(service, fn, 1));
    expect(inv.state).toBe('timeout');
    expect(inv.failureCause).toBe(FAILURE.TIMEOUT);
    expect(inv.endDate! - inv.startDate!).toBeCloseTo(3, 9);
    expect(manager.waitOne(manager.invokeFunction(service, fn, 2)).coldStart).toBe(true);
  });

  test('code that throws fails the call with its message after the time it spent, keeping the container warm', () => {
    const { service, manager } = platform();
    const fn = FunctionManager.createFunction('bad', (_input, ctx) => {
      ctx.sleep(2);
      throw new Error('boom');
    }, image());
    manager.registerFunction(fn, service);
    const first = manager.waitOne(manager.invokeFunction(service, fn, 1));
    expect([first.state, first.failureCause]).toEqual(['failed', 'boom']);
    const second = manager.waitOne(manager.invokeFunction(service, fn, 1));
    expect(second.coldStart).toBe(false);
    expect(second.turnaround).toBeCloseTo(2, 9);
  });

  test('a head storage too small for the image fails the call with the storage cause', () => {
    const { service, manager } = platform({ headStorage: { capacity: 10 * MB, bandwidth: 100 * MB } });
    const fn = manager.registerFunction(sleeper('f', 1), service);
    const inv = manager.waitOne(manager.invokeFunction(service, fn, 1));
    expect([inv.state, inv.failureCause]).toEqual(['failed', FAILURE.NO_STORAGE]);
  });

  test('a call whose image and scratch space no disk can hold is refused', () => {
    const { service, manager } = platform({ nodes: [node('n', 1, 10 * 1e9, 150 * MB)] });
    const fn = manager.registerFunction(sleeper('f', 1), service, { diskSpaceLimit: 60 * MB });
    expect(refusal(() => manager.invokeFunction(service, fn, 1)).cause).toBe(FAILURE.NOT_ADMITTED);
  });

  test('each running call holds its scratch space on the disk; a call that cannot get it fails, and it is released at the end', () => {
    const { service, manager } = platform({ nodes: [node('n', 2, 10 * 1e9, 250 * MB)] });
    const fn = manager.registerFunction(sleeper('f', 5), service, { diskSpaceLimit: 100 * MB });
    const [first, second] = manager.waitAll([1, 2].map((i) => manager.invokeFunction(service, fn, i)));
    expect([first.state, first.failureCause]).toEqual(['completed', undefined]);
    expect([second.state, second.failureCause]).toEqual(['failed', FAILURE.NO_SCRATCH]);
    expect(second.endDate).toBeCloseTo(17.4, 1);
    const disk = service.nodes[0].disk;
    expect(disk.free).toBe(150 * MB);
    const third = manager.waitOne(manager.invokeFunction(service, fn, 3));
    expect([third.state, third.coldStart]).toEqual(['completed', false]);
    expect(disk.free).toBe(150 * MB);
  });
});

describe('registration', () => {
  test('a function registered at two providers runs at each, each with its own caches', () => {
    const { sim, service: one, manager } = platform();
    const two = new ServerlessComputeService(sim, {
      nodes: [node('other')],
      headStorage: { capacity: 1e12, bandwidth: 100 * MB },
      link: { bandwidth: 20 * MB },
      containerStartupOverhead: 10,
    });
    const fn = manager.registerFunction(sleeper('f', 5), [one, two]);
    const [a, b] = manager.waitAll([manager.invokeFunction(one, fn, 1), manager.invokeFunction(two, fn, 2)]);
    expect([a.nodeName, b.nodeName]).toEqual(['node1', 'other']);
    expect([one.downloads, two.downloads]).toEqual([1, 1]);
    // No latency on the second provider's link: 100 MB / (20 MB/s * 0.92) + 1 + 1 + 10 + 5.
    expect(b.turnaround).toBeCloseTo(100 / 18.4 + 17, 9);
  });

  test('another function under a registered name is refused at registration', () => {
    const { service, manager } = platform();
    manager.registerFunction(sleeper('f', 1), service);
    expect(() => manager.registerFunction(sleeper('f', 2), service)).toThrow(/another function named f/);
  });
});
