import { image, platform, sleeper } from './support';
import { DEFAULT_BANDWIDTH_EFFICIENCY } from '../../toolkit/src/simulate';

/** WRENCH's published serverless timing tests, checked to 0.05 s as WRENCH checks them. */
describe('WRENCH serverless timing oracles', () => {
  const within = (actual: number | undefined, expected: number) => expect(Math.abs(actual! - expected)).toBeLessThan(0.05);

  test('a cold call takes 5.4 (download) + 1 (to disk) + 1 (into RAM) + 10 (startup) + 5 s', () => {
    const { service, manager } = platform();
    const fn = manager.registerFunction(sleeper('f', 5), service);
    const inv = manager.waitOne(manager.invokeFunction(service, fn, 'hello'));
    expect(inv.state).toBe('completed');
    expect(inv.output).toBe('hello');
    expect(inv.coldStart).toBe(true);
    within(inv.turnaround, 22.4);
    within(inv.startDate! - inv.submitDate, 17.4);
  });

  test('a second call on the warm container takes 5 s', () => {
    const { service, manager } = platform();
    const fn = manager.registerFunction(sleeper('f', 5), service);
    manager.waitOne(manager.invokeFunction(service, fn, 1));
    const warm = manager.waitOne(manager.invokeFunction(service, fn, 2));
    expect(warm.coldStart).toBe(false);
    within(warm.turnaround, 5);
    expect(service.stats).toMatchObject({ coldStarts: 1, warmStarts: 1 });
  });

  test('a second function registered on the same cached image takes 15 s (startup + run)', () => {
    const { service, manager } = platform();
    const img = image();
    const f = manager.registerFunction(sleeper('f', 5, img), service);
    const g = manager.registerFunction(sleeper('g', 5, img), service);
    manager.waitOne(manager.invokeFunction(service, f, 1));
    const second = manager.waitOne(manager.invokeFunction(service, g, 1));
    expect(second.coldStart).toBe(true);
    within(second.turnaround, 15);
    expect(service.downloads).toBe(1);
  });

  test('the download time follows the bandwidth efficiency, 0.92 by default', () => {
    expect(DEFAULT_BANDWIDTH_EFFICIENCY).toBe(0.92);
    const { service, manager } = platform({ link: { bandwidth: 20e6, latency: 20e-6, efficiency: 1 } });
    const fn = manager.registerFunction(sleeper('f', 5), service);
    within(manager.waitOne(manager.invokeFunction(service, fn, 1)).turnaround, 22.0);
  });
});
