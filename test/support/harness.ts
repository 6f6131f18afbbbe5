import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { loadConfig, type Config } from '../../src/config.ts';
import { createLinkplane, type Linkplane } from '../../src/linkplane.ts';
import { createDatabase } from './postgres.ts';

export const BOOT_PUBLIC = 'bootpub1';
export const BOOT_PRIVATE = '0b0b0b0b-1111-4222-8333-444444444444';
export const V2_ACCEPT = 'application/vnd.atlas.2023-01-01+json';

/** A controllable clock for tests: never sleep, move time instead. */
export class TestClock {
  constructor(public ms = Date.UTC(2026, 11, 4, 12, 0, 0)) {}
  now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

export interface TestLinkplane {
  lp: Linkplane;
  app: FastifyInstance;
  clock: TestClock;
  orgId: string;
  /** Runs reconciler passes until nothing is due now (bounded). */
  settle(maxPasses?: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * An in-process linkplane on an in-memory (or given) SQLite store — or, with LINKPLANE_TEST_API_ON_PG
 * set to a PostgreSQL admin URL, on a scratch database of its own (so every route test can run on
 * PostgreSQL too) — with the fixed bootstrap key, an
 * injected clock and the reconciler stopped (tests call `settle`/`reconciler.tick()` themselves).
 */
export async function startTestLinkplane(overrides: Partial<Config> = {}, env: NodeJS.ProcessEnv = {}): Promise<TestLinkplane> {
  const clock = new TestClock();
  const config: Config = {
    ...loadConfig({}, { LINKPLANE_SIM_TIME_SCALE: '0', ...env }),
    db: ':memory:',
    bootstrapPublicKey: BOOT_PUBLIC,
    bootstrapPrivateKey: BOOT_PRIVATE,
    nodeId: 'test-node',
    ...overrides,
  };
  const scratch = overrides.db === undefined && process.env.LINKPLANE_TEST_API_ON_PG ? await createDatabase(process.env.LINKPLANE_TEST_API_ON_PG) : undefined;
  if (scratch) config.db = scratch.url;
  const lp = await createLinkplane(config, { now: clock.now, startReconciler: false });
  const org = await lp.store.getAuthSubject(BOOT_PUBLIC);
  return {
    lp,
    app: lp.server,
    clock,
    orgId: org!.key.orgId,
    settle: async (maxPasses = 50) => {
      let total = 0;
      for (let i = 0; i < maxPasses; i++) {
        const due = await lp.store.nextDueAt();
        if (due === null || due > clock.ms) break;
        total += await lp.reconciler.tick();
      }
      return total;
    },
    close: async () => {
      await lp.close();
      await scratch?.drop();
    },
  };
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

export interface DigestRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';
  url: string;
  user?: string;
  pass?: string;
  body?: unknown;
  /** Raw payload (sent as is, for malformed-body tests). */
  payload?: string;
  headers?: Record<string, string>;
  remoteAddress?: string;
}

/**
 * One digest-authenticated request through inject(): gets a challenge, answers it as curl does
 * (uri with query, qop=auth, nc=00000001, fresh cnonce) and returns the second response.
 */
export async function digest(app: FastifyInstance, r: DigestRequest): Promise<LightMyRequestResponse> {
  const user = r.user ?? BOOT_PUBLIC;
  const pass = r.pass ?? BOOT_PRIVATE;
  const base = { method: r.method, url: r.url, remoteAddress: r.remoteAddress ?? '127.0.0.1' };
  const first = await app.inject({ ...base, headers: r.headers });
  if (first.statusCode !== 401 || !first.headers['www-authenticate']) return first;
  const nonce = /nonce="([^"]+)"/.exec(String(first.headers['www-authenticate']))![1];
  const cnonce = randomBytes(8).toString('hex');
  const nc = '00000001';
  const ha1 = md5(`${user}:MMS Public API:${pass}`);
  const ha2 = md5(`${r.method}:${r.url}`);
  const response = md5(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`);
  const authorization = `Digest username="${user}", realm="MMS Public API", nonce="${nonce}", uri="${r.url}", cnonce="${cnonce}", nc=${nc}, qop=auth, response="${response}", algorithm=MD5`;
  const payload = r.payload ?? (r.body === undefined ? undefined : JSON.stringify(r.body));
  return app.inject({
    ...base,
    headers: {
      ...(payload !== undefined ? { 'content-type': 'application/json' } : {}),
      ...r.headers,
      authorization,
    },
    payload,
  });
}

/** Shorthand for v2 requests: adds the versioned Accept header. */
export function v2(r: DigestRequest): DigestRequest {
  return { ...r, headers: { accept: V2_ACCEPT, ...r.headers } };
}
