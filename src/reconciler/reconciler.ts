import type { CloudDriver } from '../providers/driver.ts';
import { endpointKey, type EndpointPatch, type ServicePatch, type Store, type Transition } from '../store/store.ts';
import { planEndpoint, planService, type Plan } from './plan.ts';

export interface ReconcilerOptions {
  store: Store;
  driver: CloudDriver;
  /** Identifies this node's leases. */
  owner: string;
  now: () => number;
  leaseMs: number;
  batch: number;
  intervalMs: number;
  /** Called before each pass (e.g. to refresh the simulation's settings). */
  beforePass?: () => Promise<void>;
  onError?: (err: unknown) => void;
}

function toTransition<P>(key: string, version: number, plan: Plan<P>): Transition<P> {
  return 'remove' in plan ? { key, expectedVersion: version, remove: true } : { key, expectedVersion: version, patch: plan.patch };
}

/**
 * Drives every service and endpoint through its lifecycle. Each pass claims due rows under a lease,
 * asks the driver, plans the next state and writes all of a batch's transitions in one transaction,
 * version-checked, so concurrent API writes (a DELETE) win and nothing is applied twice. All state
 * lives in the store: a restarted or replacement node resumes where the last one stopped.
 */
export class Reconciler {
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly o: ReconcilerOptions) {}

  /** One pass over due rows; returns how many transitions were applied. */
  async tick(): Promise<number> {
    const { store, driver, owner, leaseMs, batch } = this.o;
    await this.o.beforePass?.();
    const now = this.o.now();
    let applied = 0;
    const services = await store.claimDueServices(now, owner, leaseMs, batch);
    if (services.length > 0) {
      const ts: Transition<ServicePatch>[] = [];
      for (const s of services) ts.push(toTransition(s.id, s.version, planService(s, await driver.observeService(s, now), now)));
      applied += await store.applyServiceTransitions(ts);
    }
    const endpoints = await store.claimDueEndpoints(now, owner, leaseMs, batch);
    if (endpoints.length > 0) {
      const ts: Transition<EndpointPatch>[] = [];
      for (const e of endpoints) {
        ts.push(toTransition(endpointKey(e.serviceId, e.endpointId), e.version, planEndpoint(e, await driver.observeEndpoint(e, now), now)));
      }
      applied += await store.applyEndpointTransitions(ts);
    }
    return applied;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Lets a pass run soon (after an API write), instead of at the next interval. */
  poke(): void {
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      let busy = false;
      try {
        const started = this.o.now();
        const before = await this.o.store.nextDueAt();
        if (before !== null && before <= started) {
          const n = await this.tick();
          busy = n >= this.o.batch;
        }
      } catch (err) {
        this.o.onError?.(err);
      }
      if (!this.running) break;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, busy ? 0 : this.o.intervalMs);
      });
      this.wake = undefined;
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
    await this.loop;
  }
}
