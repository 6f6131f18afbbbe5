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
  /** How long a row whose driver call failed waits before the next look (default 5 s). */
  retryMs?: number;
  /** Told after each pass that found due rows: how many transitions it applied and how long it took. */
  onPass?: (applied: number, seconds: number) => void;
  /** Window in which API pokes are merged into one pass (default 10 ms). */
  pokeCoalesceMs?: number;
}

function toTransition<P extends { nextReconcileAt?: number | null }>(key: string, version: number, plan: Plan<P>): Transition<P> {
  if ('remove' in plan) return { key, expectedVersion: version, remove: true };
  // Stored times are whole milliseconds (BIGINT on PostgreSQL, which refuses "1796402199048.3333"), but
  // a driver may compute fractional ones (simulated medians × time scale, GCP attachment steps): look
  // again at the next whole millisecond, never before.
  const at = plan.patch.nextReconcileAt;
  const patch = typeof at === 'number' && !Number.isInteger(at) ? { ...plan.patch, nextReconcileAt: Math.ceil(at) } : plan.patch;
  return { key, expectedVersion: version, patch };
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
  private pokeTimer: NodeJS.Timeout | undefined;

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
      for (const s of services) {
        const obs = await this.observe(() => driver.observeService(s, now));
        ts.push(toTransition(s.id, s.version, obs ? planService(s, obs, now) : this.backOff(now)));
      }
      applied += await store.applyServiceTransitions(ts);
    }
    const endpoints = await store.claimDueEndpoints(now, owner, leaseMs, batch);
    if (endpoints.length > 0) {
      const ts: Transition<EndpointPatch>[] = [];
      for (const e of endpoints) {
        const obs = await this.observe(() => driver.observeEndpoint(e, now));
        ts.push(toTransition(endpointKey(e.serviceId, e.endpointId), e.version, obs ? planEndpoint(e, obs, now) : this.backOff(now)));
      }
      applied += await store.applyEndpointTransitions(ts);
    }
    return applied;
  }

  /** Asks the driver; a failure is logged and confined to its row, so one bad row cannot stall a batch. */
  private async observe<T>(ask: () => Promise<T>): Promise<T | undefined> {
    try {
      return await ask();
    } catch (err) {
      this.o.onError?.(err);
      return undefined;
    }
  }

  /** A row whose cloud could not be asked looks again after `retryMs`, keeping its state. */
  private backOff<P extends { nextReconcileAt?: number | null }>(now: number): Plan<P> {
    return { patch: { nextReconcileAt: now + (this.o.retryMs ?? 5000) } as P };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /**
   * Lets a pass run soon after an API write instead of at the next interval. Pokes within
   * `pokeCoalesceMs` share one pass, so a burst of writes does not cost a pass each.
   */
  poke(): void {
    if (this.pokeTimer || !this.running) return;
    this.pokeTimer = setTimeout(() => {
      this.pokeTimer = undefined;
      this.wake?.();
    }, this.o.pokeCoalesceMs ?? 10);
  }

  private async run(): Promise<void> {
    while (this.running) {
      let busy = false;
      try {
        const started = this.o.now();
        const before = await this.o.store.nextDueAt();
        if (before !== null && before <= started) {
          const t0 = process.hrtime.bigint();
          const n = await this.tick();
          this.o.onPass?.(n, Number(process.hrtime.bigint() - t0) / 1e9);
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
    if (this.pokeTimer) clearTimeout(this.pokeTimer);
    this.pokeTimer = undefined;
    this.wake?.();
    await this.loop;
  }
}
