import { FunctionCode, ServerlessFunction } from './function';
import { FunctionInvocation } from './invocation';
import { ImageSpec, RegistrationLimits } from './platform';
import { ServerlessComputeService } from './service';
import { Simulation } from './simulation';

/**
 * Like WRENCH's JobManager, for functions: it creates, registers, invokes and waits over simulated time.
 *
 * Controller code is plain synchronous code: each wait runs the event queue until
 * its condition holds. We chose this over async controllers because it reads like
 * WRENCH's C++ controllers (invoke, then wait_one), keeps the event order a pure
 * function of the seed (no promise microtasks interleaving with events), and costs
 * nothing per event, which the 1M-event budget needs. The price: one controller
 * per simulation, which is what WRENCH's examples use.
 */
export class FunctionManager {
  public static createFunction(name: string, code: FunctionCode, image: ImageSpec): ServerlessFunction {
    if (!name) throw new Error('FunctionManager.createFunction: a function needs a name');
    if (!(image.size >= 0)) throw new Error(`FunctionManager.createFunction: image ${image.name} of ${name} needs a size >= 0`);
    return new ServerlessFunction(name, code, image);
  }

  public constructor(private readonly sim: Simulation) {}

  /** Registers the function at one or more providers. */
  public registerFunction(fn: ServerlessFunction, providers: ServerlessComputeService | readonly ServerlessComputeService[],
    limits: RegistrationLimits = {}): ServerlessFunction {
    for (const p of Array.isArray(providers) ? providers : [providers]) p.register(fn, limits);
    return fn;
  }

  /** Places a call; throws InvocationRefused with the seed's answer when the provider refuses it. */
  public invokeFunction(provider: ServerlessComputeService, fn: ServerlessFunction, input: unknown): FunctionInvocation {
    return provider.invoke(fn, input);
  }

  public waitOne(inv: FunctionInvocation): FunctionInvocation {
    this.sim.runUntil(() => inv.isDone());
    return inv;
  }

  /** Runs until one of the calls ends and returns the first to have ended. */
  public waitAny(invs: readonly FunctionInvocation[]): FunctionInvocation {
    if (invs.length === 0) throw new Error('FunctionManager.waitAny: no invocation to wait for');
    this.sim.runUntil(() => invs.some((i) => i.isDone()));
    return invs.filter((i) => i.isDone()).reduce((a, b) => (b.endDate! < a.endDate! ? b : a));
  }

  public waitAll(invs: readonly FunctionInvocation[]): readonly FunctionInvocation[] {
    this.sim.runUntil(() => invs.every((i) => i.isDone()));
    return invs;
  }

  /** Lets simulated time pass, as a WRENCH controller's sleep does. */
  public sleep(seconds: number): void {
    this.sim.sleep(seconds);
  }
}
