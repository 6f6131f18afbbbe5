import { hostname } from 'node:os';

/**
 * The one place that reads settings. Flags win over environment variables, which win over defaults.
 * Every setting is listed in the README's table; `loadConfig` rejects malformed values at start-up.
 */
export interface Config {
  host: string;
  port: number;
  db: string;
  dbPoolSize: number;
  sqliteSynchronous: 'NORMAL' | 'FULL';
  logLevel: string;
  bootstrapPublicKey?: string;
  bootstrapPrivateKey?: string;
  bootstrapOrgName: string;
  nonceTtlMs: number;
  /** Per endpoint-set overrides; `false` turns rate limiting off. */
  rateLimits: false | Record<string, { capacity: number; refillPerMinute: number }>;
  simTimeScale: number;
  reconcileIntervalMs: number;
  reconcileBatch: number;
  leaseMs: number;
  reconciler: boolean;
  publicUrl?: string;
  nodeId: string;
  /** Serve Prometheus metrics at /metrics. */
  metrics: boolean;
}

export interface ConfigFlags {
  host?: string;
  port?: string | number;
  db?: string;
}

function int(name: string, raw: string | undefined, def: number, min = 0): number {
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  return n;
}

function float(name: string, raw: string | undefined, def: number): number {
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number >= 0, got "${raw}"`);
  return n;
}

function rateLimits(raw: string | undefined): Config['rateLimits'] {
  if (raw === undefined || raw === '' || raw === 'on') return {};
  if (raw === 'off') return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error(`LINKPLANE_RATE_LIMITS must be "on", "off" or JSON, got "${raw}"`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error('LINKPLANE_RATE_LIMITS JSON must be an object of {capacity, refillPerMinute} by endpoint set');
  }
  const out: Record<string, { capacity: number; refillPerMinute: number }> = {};
  for (const [set, v] of Object.entries(parsed as Record<string, unknown>)) {
    const o = v as { capacity?: unknown; refillPerMinute?: unknown };
    if (typeof o?.capacity !== 'number' || typeof o?.refillPerMinute !== 'number' || o.capacity < 1 || o.refillPerMinute < 0) {
      throw new Error(`LINKPLANE_RATE_LIMITS.${set} needs numeric capacity >= 1 and refillPerMinute >= 0`);
    }
    out[set] = { capacity: o.capacity, refillPerMinute: o.refillPerMinute };
  }
  return out;
}

export function loadConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const sync = (env.LINKPLANE_SQLITE_SYNCHRONOUS ?? 'NORMAL').toUpperCase();
  if (sync !== 'NORMAL' && sync !== 'FULL') throw new Error('LINKPLANE_SQLITE_SYNCHRONOUS must be NORMAL or FULL');
  const pub = env.LINKPLANE_BOOTSTRAP_PUBLIC_KEY || undefined;
  const priv = env.LINKPLANE_BOOTSTRAP_PRIVATE_KEY || undefined;
  if ((pub === undefined) !== (priv === undefined)) {
    throw new Error('set both LINKPLANE_BOOTSTRAP_PUBLIC_KEY and LINKPLANE_BOOTSTRAP_PRIVATE_KEY, or neither');
  }
  return {
    host: flags.host ?? env.LINKPLANE_HOST ?? '127.0.0.1',
    port: int('port', flags.port === undefined ? env.LINKPLANE_PORT : String(flags.port), 8080),
    db: flags.db ?? env.LINKPLANE_DB ?? './data/linkplane.db',
    dbPoolSize: int('LINKPLANE_DB_POOL_SIZE', env.LINKPLANE_DB_POOL_SIZE, 10, 1),
    sqliteSynchronous: sync,
    logLevel: env.LINKPLANE_LOG_LEVEL ?? 'info',
    bootstrapPublicKey: pub,
    bootstrapPrivateKey: priv,
    bootstrapOrgName: env.LINKPLANE_BOOTSTRAP_ORG_NAME ?? 'linkplane',
    nonceTtlMs: int('LINKPLANE_NONCE_TTL_SECONDS', env.LINKPLANE_NONCE_TTL_SECONDS, 300, 1) * 1000,
    rateLimits: rateLimits(env.LINKPLANE_RATE_LIMITS),
    simTimeScale: float('LINKPLANE_SIM_TIME_SCALE', env.LINKPLANE_SIM_TIME_SCALE, 0.02),
    reconcileIntervalMs: int('LINKPLANE_RECONCILE_INTERVAL_MS', env.LINKPLANE_RECONCILE_INTERVAL_MS, 100, 1),
    reconcileBatch: int('LINKPLANE_RECONCILE_BATCH', env.LINKPLANE_RECONCILE_BATCH, 1000, 1),
    leaseMs: int('LINKPLANE_LEASE_MS', env.LINKPLANE_LEASE_MS, 15000, 100),
    reconciler: (env.LINKPLANE_RECONCILER ?? 'on') !== 'off',
    publicUrl: env.LINKPLANE_PUBLIC_URL || undefined,
    nodeId: env.LINKPLANE_NODE_ID ?? `${hostname()}-${process.pid}`,
    metrics: (env.LINKPLANE_METRICS ?? 'on') !== 'off',
  };
}
