import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { Metrics } from './api/plugins/metrics.ts';
import { buildServer } from './api/server.ts';
import type { AppContext } from './app/app-context.ts';
import { AuthSubjects } from './app/auth-subjects.ts';
import { bootstrap, type BootstrapResult } from './app/bootstrap.ts';
import { MemoryRateLimiter, type RateLimiter } from './app/rate-limiter.ts';
import { SimulationControl } from './app/simulation.ts';
import { NonceService, ReplayGuard } from './auth/digest.ts';
import type { Config } from './config.ts';
import { SimulatedCloud } from './providers/simulated/simulated-cloud.ts';
import { Reconciler } from './reconciler/reconciler.ts';
import { openStore } from './store/open-store.ts';
import { PostgresRateLimiter } from './store/postgres/postgres-rate-limiter.ts';
import { PostgresReplayGuard } from './store/postgres/postgres-replay-guard.ts';
import { PostgresStore } from './store/postgres/postgres-store.ts';
import type { Store } from './store/store.ts';

export interface Linkplane {
  config: Config;
  store: Store;
  server: FastifyInstance;
  reconciler: Reconciler;
  simulation: SimulationControl;
  bootstrap: BootstrapResult;
  /** Listens on the configured host and port; returns the bound address. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export interface LinkplaneOptions {
  now?: () => number;
  logger?: FastifyServerOptions['logger'];
  /** Replace the rate limiter (PostgreSQL nodes share theirs through the database). */
  rateLimiter?: RateLimiter;
  /** Start the reconciler loop (default: config.reconciler). Tests drive `reconciler.tick()` instead. */
  startReconciler?: boolean;
}

/**
 * The composition root: opens and migrates the store, bootstraps the first organization, and wires
 * the HTTP server, the simulated cloud and the reconciler. Nodes share nothing but the store: the
 * digest nonce secret lives there, so a nonce from one node verifies on any other.
 */
export async function createLinkplane(config: Config, opts: LinkplaneOptions = {}): Promise<Linkplane> {
  const now = opts.now ?? Date.now;
  const store = await openStore(config.db, {
    poolSize: config.dbPoolSize,
    sqliteSynchronous: config.sqliteSynchronous,
    applicationName: `linkplane-${config.nodeId}`,
  });
  const subjects = new AuthSubjects(store, now);
  const ctx: AppContext = { store, now, identityChanged: () => subjects.invalidate() };
  const boot = await bootstrap(
    ctx,
    config.bootstrapOrgName,
    config.bootstrapPublicKey && config.bootstrapPrivateKey
      ? { publicKey: config.bootstrapPublicKey, privateKey: config.bootstrapPrivateKey }
      : undefined,
  );
  const secret = Buffer.from(await store.getOrCreateSetting('digest.secret', randomBytes(32).toString('hex')), 'hex');
  const nonces = new NonceService(secret, { ttlMs: config.nonceTtlMs, now });
  const replayTtlMs = config.nonceTtlMs + 10_000;
  const replay = store instanceof PostgresStore ? new PostgresReplayGuard(store.pool, replayTtlMs, now) : new ReplayGuard({ ttlMs: replayTtlMs, now });
  const simulation = new SimulationControl(store, config.simTimeScale, now);
  await simulation.refresh(true);
  const metrics = config.metrics ? new Metrics() : undefined;
  const reconciler = new Reconciler({
    store,
    driver: new SimulatedCloud(simulation),
    owner: config.nodeId,
    now,
    leaseMs: config.leaseMs,
    batch: config.reconcileBatch,
    intervalMs: config.reconcileIntervalMs,
    beforePass: () => simulation.refresh(),
    onError: (err) => server.log.error({ err }, 'reconciler pass failed'),
    onPass: (applied, seconds) => {
      metrics?.transitions.inc(applied);
      metrics?.passes.observe(seconds);
    },
  });
  let ready = false;
  const server = buildServer({
    app: ctx,
    subjects,
    nonces,
    replay,
    // Several nodes on one PostgreSQL database share their buckets through it; one process keeps them in memory.
    rateLimiter: opts.rateLimiter ?? (store instanceof PostgresStore ? new PostgresRateLimiter(store.pool) : new MemoryRateLimiter()),
    rateLimits: config.rateLimits,
    publicUrl: config.publicUrl,
    admin: { simulation },
    metrics,
    ready: () => ready,
    logger: opts.logger,
  });
  server.addHook('onResponse', async (request) => {
    if (request.method !== 'GET' && request.url.includes('/privateEndpoint/')) reconciler.poke();
  });
  await server.ready();
  ready = true;
  if (opts.startReconciler ?? config.reconciler) reconciler.start();
  return {
    config,
    store,
    server,
    reconciler,
    simulation,
    bootstrap: boot,
    listen: () => server.listen({ host: config.host, port: config.port }),
    close: async () => {
      await reconciler.stop();
      await server.close();
      await store.close();
    },
  };
}
